// Charts of the plans pages, drawn with the vendored ECharts; data comes from json_script.
(function () {
  "use strict";

  // Tooltips are HTML: names typed by users (plans, units) go in as text, never as markup.
  function text(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof window.echarts === "undefined") {
      return;
    }
    var chart = window.echarts.init(node);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var gaps = data("gaps-chart-data");
    if (gaps) {
      draw("gaps-chart", {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (items) {
            var index = items[0].dataIndex;
            return text(gaps.labels[index]) + "<br>" + items.map(function (item) {
              return item.marker + text(item.seriesName) + "：" + text(item.value);
            }).join("<br>");
          } },
        legend: { data: ["达标", "未达标"] },
        grid: { left: 40, right: 20, bottom: 80, containLabel: true },
        xAxis: { type: "category", data: gaps.short_labels, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", minInterval: 1, name: "班子数" },
        series: [
          { name: "达标", type: "bar", stack: "total", data: gaps.met, itemStyle: { color: "#2e7d32" } },
          { name: "未达标", type: "bar", stack: "total", data: gaps.missed, itemStyle: { color: "#c62828" } }
        ]
      });
    }
    var forecast = data("forecast-chart-data");
    if (forecast) {
      draw("forecast-chart", {
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 20, bottom: 30, containLabel: true },
        xAxis: { type: "category", data: forecast.years },
        yAxis: { type: "value", minInterval: 1, name: "人数" },
        series: [{ name: "到杠人数", type: "bar", data: forecast.counts, label: { show: true, position: "top" } }]
      });
    }
  });
}());
