// Draws the dashboard's charts with Apache ECharts (served by kechuang
// itself) from the JSON blocks the page carries. Every chart's numbers are
// also in a table beside it, so nothing depends on this script.
(function () {
  "use strict";
  var colors = ["#1f4e8c", "#1b7a3a", "#a86200", "#5b6475", "#a31f24"];
  // 分解目标 is a neutral grey: red is for 严重滞后 only.
  var targetColor = "#b7bec9", actualColor = "#1f4e8c";
  var taskColors = { not_started: "#9aa3b2", in_progress: "#1f4e8c", done: "#1b7a3a", lagging: "#b3261e" };

  function data(name) {
    var el = document.getElementById("chart-" + name);
    return el ? JSON.parse(el.textContent || "null") : null;
  }

  function box(container, title) {
    var div = document.createElement("div");
    div.className = "chart";
    div.setAttribute("data-title", title);
    container.appendChild(div);
    return div;
  }

  function num(s) { return s === "" ? null : Number(s); }

  function draw(el, option) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.color = colors;
    option.animation = false;
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function bars(container, list) {
    (list || []).forEach(function (s) {
      draw(box(container, s.name), {
        title: { text: s.name + "（" + s.unit + "）", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { data: ["分解目标", "完成"], bottom: 0 },
        grid: { left: 48, right: 16, top: 48, bottom: 92 },
        xAxis: { type: "category", data: s.labels, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value" },
        series: [
          { name: "分解目标", type: "bar", data: s.targets.map(num), itemStyle: { color: targetColor } },
          { name: "完成", type: "bar", data: s.actuals.map(num), itemStyle: { color: actualColor } }
        ]
      });
    });
  }

  function trends(container, list) {
    (list || []).forEach(function (s) {
      draw(box(container, s.name), {
        title: { text: s.name + "（" + s.unit + "）", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { data: ["全区合计"], bottom: 0 },
        grid: { left: 48, right: 56, top: 48, bottom: 56 },
        xAxis: { type: "category", data: s.labels },
        // Up to the target at least, so that its line shows.
        yAxis: { type: "value", max: s.target ? function (v) { return Math.max(v.max, Number(s.target)); } : null },
        series: [{
          name: "全区合计", type: "line", data: s.actuals.map(num), itemStyle: { color: actualColor },
          markLine: s.target ? { symbol: "none", lineStyle: { color: targetColor, type: "dashed" }, data: [{ yAxis: Number(s.target), name: "目标" }], label: { formatter: "目标 " + s.target, position: "insideEndTop" } } : undefined
        }]
      });
    });
  }

  function tasks(container, t) {
    if (!t || !t.sections || t.sections.length === 0) { return; }
    draw(box(container, "各单位报告的任务状态"), {
      title: { text: "各单位报告的任务状态（单位次）", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { data: t.statuses, bottom: 0 },
      grid: { left: 48, right: 16, top: 48, bottom: 56 },
      xAxis: { type: "category", data: t.sections },
      yAxis: { type: "value", minInterval: 1 },
      series: t.statuses.map(function (name, i) {
        return { name: name, type: "bar", stack: "tasks", data: t.counts[name], itemStyle: { color: taskColors[t.keys[i]] } };
      })
    });
  }

  // Sizes for the completion bars on the goal cards (no inline styles: CSP).
  function cardBars() {
    document.querySelectorAll(".bar [data-w]").forEach(function (el) {
      var w = parseFloat(el.getAttribute("data-w"));
      el.style.width = Math.max(0, Math.min(100, isNaN(w) ? 0 : w)) + "%";
      if (el.classList.contains("mark")) { el.style.left = el.style.width; el.style.width = ""; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    cardBars();
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (c) {
      var name = c.getAttribute("data-chart");
      var d = data(name);
      if (name === "bars") { bars(c, d); }
      if (name === "trends") { trends(c, d); }
      if (name === "tasks") { tasks(c, d); }
    });
  });
})();
