// Charts of the structure page: the age pyramid by sex, education and post-level bars.
// The figures come from the json_script element #structure-data; no inline script (CSP).
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("structure-data");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];

    function chart(id, option) {
      var element = document.getElementById(id);
      if (!element) {
        return;
      }
      if (!element.clientHeight) {
        element.style.height = "320px";
      }
      var instance = window.echarts.init(element, null, { renderer: "canvas" });
      instance.setOption(option);
      charts.push(instance);
    }

    var pyramid = data.pyramid;
    chart("chart-pyramid", {
      animation: false,
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: function (value) { return Math.abs(value) + " 人"; }
      },
      legend: { data: ["男", "女"] },
      grid: { left: 8, right: 24, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: function (value) { return Math.abs(value); } } },
      yAxis: { type: "category", data: pyramid.labels, axisTick: { show: false } },
      series: [
        {
          name: "男", type: "bar", stack: "sex", barWidth: "60%",
          data: pyramid["男"].map(function (count) { return -count; }),
          label: { show: true, position: "left", formatter: function (item) { return Math.abs(item.value) || ""; } }
        },
        {
          name: "女", type: "bar", stack: "sex",
          data: pyramid["女"],
          label: { show: true, position: "right", formatter: function (item) { return item.value || ""; } }
        }
      ]
    });

    function bars(id, series, name) {
      chart(id, {
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 8, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: series.names, axisLabel: { interval: 0 } },
        yAxis: { type: "value", name: "人" },
        series: [{
          name: name, type: "bar", data: series.counts,
          label: {
            show: true, position: "top",
            formatter: function (item) { return item.value + "（" + series.percents[item.dataIndex].toFixed(2) + "%）"; }
          }
        }]
      });
    }
    bars("chart-education", data.education, "最高学历");
    bars("chart-rank", data.rank, "职务层次");

    window.addEventListener("resize", function () {
      charts.forEach(function (instance) { instance.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
