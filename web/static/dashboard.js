"use strict";
// Hotline metrics by department and period as bar charts (SVG drawn here, no chart library),
// with the same figures in a table for screen readers.
const { el, api, attempt, percent } = Site;
const RATES = ["响应率", "办结率", "按时办结率", "满意率", "退单率"];
const SVG = "http://www.w3.org/2000/svg";
let names = {};

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function barChart(title, entries) {
  const rowHeight = 26, labelWidth = 190, width = 480, barWidth = width - labelWidth - 60;
  const chart = svg("svg", { width, height: entries.length * rowHeight + 10, role: "img", "aria-label": title });
  entries.forEach(([label, value], i) => {
    const y = i * rowHeight + 5;
    chart.append(svg("text", { x: 0, y: y + 16 }, label.length > 14 ? label.slice(0, 14) + "…" : label));
    const w = value === null ? 0 : Math.max(1, value * barWidth);
    chart.append(svg("rect", { x: labelWidth, y, width: w, height: rowHeight - 8, fill: "#0b5cad" }));
    chart.append(svg("text", { x: labelWidth + w + 4, y: y + 16 }, percent(value)));
  });
  return el("figure", { class: "chart" }, el("figcaption", { text: title }), chart);
}

function render(metrics) {
  const overall = metrics.overall;
  document.getElementById("cards").replaceChildren(
    el("div", { class: "card" }, el("div", { text: "受理工单" }), el("div", { class: "value", text: String(overall.received) })),
    ...RATES.map((name) => el("div", { class: "card", "data-metric": name },
      el("div", { text: name }), el("div", { class: "value", text: percent(overall[name]) }))));
  const departments = Object.entries(metrics.by_department);
  document.getElementById("charts").replaceChildren(...RATES.slice(0, 4).map((name) =>
    barChart(`${name}（按部门）`, departments.map(([code, r]) => [names[code] || code, r[name]]))));
  document.getElementById("detail").replaceChildren(
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "部门" }), el("th", { scope: "col", text: "受理" }),
      el("th", { scope: "col", text: "派单" }), RATES.map((n) => el("th", { scope: "col", text: n })))),
    el("tbody", {}, departments.map(([code, r]) => el("tr", {}, el("th", { scope: "row", text: names[code] || code }),
      el("td", { text: String(r.received) }), el("td", { text: String(r.dispatched) }),
      RATES.map((n) => el("td", { text: percent(r[n]) }))))));
}

async function load() {
  const start = document.getElementById("start").value;
  const end = document.getElementById("end").value;
  if (start >= end) { Site.showError("开始日期必须早于结束日期。"); return; }
  const metrics = await attempt(() => api(`/api/metrics?start=${start}T00:00:00&end=${end}T00:00:00`));
  if (metrics) render(metrics);
}

document.getElementById("period").addEventListener("submit", (event) => { event.preventDefault(); load(); });

(async () => {
  if (!(await Site.signIn())) return;
  const today = new Date();
  // The local calendar date (toISOString would give the UTC date, a day early in China before 08:00).
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  document.getElementById("start").value = iso(new Date(today.getFullYear(), 0, 1));
  document.getElementById("end").value = iso(new Date(today.getTime() + 86400000));
  const departments = (await attempt(() => api("/api/departments"))) || [];
  names = Object.fromEntries(departments.map((d) => [d.code, d.name]));
  names["未派单"] = "未派单";
  await load();
})();
