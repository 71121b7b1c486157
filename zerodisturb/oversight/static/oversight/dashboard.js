/* The KPI dashboard's charts (ECharts, served from this site). Data comes from the page's
   json_script block "dashboard-data"; no inline script (the Content-Security-Policy forbids it). */
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var pct = function (v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; };
  var charts = [];

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.title = { text: el.getAttribute("data-title"), textStyle: { fontSize: 14 } };
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }

  var months = data.monthly.map(function (m) { return parseInt(m.month.slice(5), 10) + "月"; });
  make("chart-monthly", {
    tooltip: { trigger: "axis" },
    legend: { bottom: 0, data: ["本年入企次数", "上年同月", "亮码率%", "满意率%"] },
    grid: { top: 50, left: 40, right: 40, bottom: 60 },
    xAxis: { type: "category", data: months },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100 }],
    series: [
      { name: "本年入企次数", type: "bar", data: data.monthly.map(function (m) { return m.visits; }) },
      { name: "上年同月", type: "bar", data: data.monthly.map(function (m) { return m.visits_previous_year; }) },
      { name: "亮码率%", type: "line", yAxisIndex: 1, connectNulls: true, data: data.monthly.map(function (m) { return pct(m.code_shown_rate); }) },
      { name: "满意率%", type: "line", yAxisIndex: 1, connectNulls: true, data: data.monthly.map(function (m) { return pct(m.satisfaction_rate); }) }
    ]
  });

  function ranking(id, rows) {
    var shown = rows.slice(0, 15).reverse();
    make(id, {
      tooltip: { trigger: "axis" },
      grid: { top: 40, left: 150, right: 30, bottom: 50 },
      xAxis: { type: "value", name: "%", min: 0, max: 100 },
      yAxis: { type: "category", data: shown.map(function (r) { return (r.rank ? r.rank + ". " : "") + r.name; }) },
      series: [
        { name: "满意率%", type: "bar", data: shown.map(function (r) { return pct(r.satisfaction_rate); }) },
        { name: "亮码率%", type: "bar", data: shown.map(function (r) { return pct(r.code_shown_rate); }) }
      ],
      legend: { bottom: 0, data: ["满意率%", "亮码率%"] }
    });
  }
  ranking("chart-agencies", data.agencies);
  ranking("chart-providers", data.providers);

  make("chart-localities", {
    tooltip: { trigger: "axis" },
    grid: { top: 40, left: 40, right: 20, bottom: 60 },
    xAxis: { type: "category", data: data.localities.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "入企次数", type: "bar", data: data.localities.map(function (r) { return r.visits; }) }]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
