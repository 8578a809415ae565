// The trend chart of a cadre's comprehensive evaluation: a line per source, the team and unit
// averages dashed. The figures come from the json_script element #profile-data (CSP: no inline script).
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("profile-data");
    var element = document.getElementById("profile-chart");
    if (!source || !element || typeof window.echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 48, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.years.map(function (year) { return year + "年度"; }) },
      yAxis: { type: "value", name: "得分", scale: true },
      series: data.series.map(function (line) {
        return {
          name: line.name, type: "line", data: line.data, connectNulls: true, symbolSize: 7,
          lineStyle: line.dashed ? { type: "dashed" } : {},
          label: { show: !line.dashed, position: "top" }
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
