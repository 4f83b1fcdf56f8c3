"use strict";
// The leaders' analysis: one period's report (volumes, hot issues with their trend, warnings, service rates,
// reply quality, the bot's ratings) drawn as SVG charts with the same figures in tables, the PDF of the
// same numbers, and the live hot issues that new work orders join as they arrive.
const { el, svg, api, attempt, percent, notify } = Site;
const RATES = ["响应率", "办结率", "按时办结率", "满意率"];
let names = {};

function figure(title, chart) {
  return el("figure", { class: "chart" }, el("figcaption", { text: title }), chart);
}

function columns(title, entries) {
  const width = 480, height = 160, max = Math.max(1, ...entries.map(([, v]) => v));
  const step = width / Math.max(1, entries.length);
  const chart = svg("svg", { width, height: height + 20, role: "img", "aria-label": title });
  entries.forEach(([label, value], i) => {
    const h = (value / max) * height;
    chart.append(svg("rect", { x: i * step + 1, y: height - h, width: Math.max(1, step - 2), height: h, fill: "#0b5cad" },
      undefined));
    chart.lastChild.append(svg("title", {}, `${label}：${value}`));
    if (entries.length <= 12 || i % Math.ceil(entries.length / 8) === 0) {
      chart.append(svg("text", { x: i * step, y: height + 14 }, label.slice(5)));
    }
  });
  return figure(title, chart);
}

function bars(title, counts) {
  const entries = Object.entries(counts || {}).slice(0, 10);
  if (!entries.length) return figure(title, el("p", { class: "muted", text: "暂无数据（来源未提供）" }));
  const rowHeight = 24, labelWidth = 150, width = 480, max = Math.max(...entries.map(([, v]) => v));
  const chart = svg("svg", { width, height: entries.length * rowHeight + 6, role: "img", "aria-label": title });
  entries.forEach(([label, value], i) => {
    const y = i * rowHeight + 3, w = (value / max) * (width - labelWidth - 50);
    const shown = names[label] || label;
    chart.append(svg("text", { x: 0, y: y + 15 }, shown.length > 11 ? shown.slice(0, 11) + "…" : shown));
    chart.append(svg("rect", { x: labelWidth, y, width: Math.max(1, w), height: rowHeight - 7, fill: "#5a8f4e" }));
    chart.append(svg("text", { x: labelWidth + w + 4, y: y + 15 }, String(value)));
  });
  return figure(title, chart);
}

function sparkline(values) {
  const width = 90, height = 24, max = Math.max(1, ...values), step = width / Math.max(1, values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 2) - 1).toFixed(1)}`);
  const line = svg("svg", { width, height, role: "img", "aria-label": `每周留言 ${values.join("、")}` });
  line.append(svg("polyline", { points: points.join(" "), fill: "none", stroke: "#a5673b", "stroke-width": 2 }));
  points.forEach((p) => {
    const [cx, cy] = p.split(",");
    line.append(svg("circle", { cx, cy, r: 2, fill: "#a5673b" }));
  });
  return line;
}

function table(node, head, body) {
  node.replaceChildren(
    el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, body.length ? body : el("tr", {}, el("td", { colspan: String(head.length), class: "muted", text: "暂无数据" }))));
}

function card(label, value) {
  return el("div", { class: "card" }, el("div", { text: label }), el("div", { class: "value", text: value }));
}

function render(report) {
  const overall = (report.service || {}).overall || {};
  const quality = report.reply_quality;
  document.getElementById("cards").replaceChildren(
    card("工单", String(report.total)), card("热点问题", String(report.hot_issues.length)),
    card("预警", String(report.warnings.length)), ...RATES.map((r) => card(r, percent(overall[r]))),
    card("答复质量", quality ? quality.quality.toFixed(2) : "—"),
    card("答复不合格", quality ? percent(quality.poor_share) : "—"));
  document.getElementById("charts").replaceChildren(
    columns("每日工单量", report.volume_by_day), bars("按类别", report.by_category),
    bars("按承办部门", report.by_department), bars("按渠道", report.by_channel));
  table(document.getElementById("hot"), ["#", "热度", "问题（地点 + 问题）", "本期", "留言", "人数", "首次", "最近", "每周趋势"],
    report.hot_issues.map((i) => el("tr", { "data-issue": i.rank },
      el("td", { text: String(i.rank) }), el("td", { text: i.heat.toFixed(1) }), el("td", { text: i.description }),
      el("td", { text: String(i.in_period) }), el("td", { text: String(i.n_messages) }), el("td", { text: String(i.n_users) }),
      el("td", { text: i.first }), el("td", { text: i.last }), el("td", {}, sparkline(i.weekly_trend)))));
  document.getElementById("warnings").replaceChildren(...(report.warnings.length ? report.warnings.map((w) =>
    el("li", { "data-warning": w.day }, el("strong", { text: w.day }),
      ` ${w.people} 人（常态 ${w.expected.toFixed(2)} 人/周） ${w.description}`))
    : [el("li", { class: "muted", text: "本期无预警" })]));
  const departments = Object.entries((report.service || {}).by_department || {});
  table(document.getElementById("service"), ["部门", "受理", ...RATES],
    departments.map(([code, r]) => el("tr", {}, el("th", { scope: "row", text: names[code] || code }),
      el("td", { text: String(r.received) }), RATES.map((n) => el("td", { text: percent(r[n]) })))));
  const byDepartment = Object.entries(report.reply_quality_by_department || {});
  table(document.getElementById("quality"), ["部门", "答复", "综合", "相关性", "完整性", "及时性", "不合格"],
    byDepartment.map(([code, q]) => el("tr", {}, el("th", { scope: "row", text: names[code] || code }),
      el("td", { text: String(q.n) }), el("td", { text: q.quality.toFixed(2) }), el("td", { text: q.relevance.toFixed(2) }),
      el("td", { text: q.completeness.toFixed(2) }), el("td", { text: q.timeliness.toFixed(2) }),
      el("td", { text: percent(q.poor_share) }))));
  const rating = report.bot_rating;
  const worst = rating ? Object.entries(rating.by_intent || {}).filter(([, f]) => f.bad).slice(0, 3) : [];
  document.getElementById("bot").textContent = !rating ? "暂无数据：来源没有机器人好差评记录。"
    : `回答 ${rating.answers} 次；好评 ${rating.good}，差评 ${rating.bad}，好评率 ${percent(rating.good_rate)}`
      + (worst.length ? `；差评较多：${worst.map(([intent, f]) => `${intent} ${f.bad}/${f.rated}`).join("、")}` : "");
}

async function loadLive() {
  const live = await attempt(() => api("/api/analysis/issues?days=30"));
  if (!live) return;
  table(document.getElementById("live"), ["#", "热度", "问题", "留言", "人数", "最近"],
    live.issues.map((i) => el("tr", {}, el("td", { text: String(i.rank) }), el("td", { text: i.heat.toFixed(1) }),
      el("td", { text: i.description }), el("td", { text: String(i.n_messages) }), el("td", { text: String(i.n_users) }),
      el("td", { text: i.last.slice(0, 10) }))));
}

function period() {
  const start = document.getElementById("start").value, end = document.getElementById("end").value;
  if (!start || !end || start > end) { Site.showError("结束日期不能早于开始日期。"); return null; }
  return new URLSearchParams({ start, end });
}

async function load() {
  const params = period();
  if (!params) return;
  const report = await attempt(() => api(`/api/analysis/report?${params}`));
  if (report) render(report);
}

async function downloadPdf() {
  const params = period();
  if (!params) return;
  const blob = await attempt(() => api(`/api/analysis/report.pdf?${params}`, { as: "blob" }));
  if (!blob) return;
  const link = el("a", { href: URL.createObjectURL(blob), download: `分析月报-${params.get("start")}-${params.get("end")}.pdf` });
  document.body.append(link);
  link.click();
  link.remove();
  notify("月报 PDF 已生成。");
}

document.getElementById("period").addEventListener("submit", (event) => { event.preventDefault(); load(); });
document.getElementById("pdf").addEventListener("click", downloadPdf);

(async () => {
  if (!(await Site.signIn())) return;
  const today = new Date();
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const params = new URLSearchParams(location.search);
  document.getElementById("start").value = params.get("start") || iso(new Date(today.getFullYear(), today.getMonth() - 1, 1));
  document.getElementById("end").value = params.get("end") || iso(new Date(today.getFullYear(), today.getMonth(), 0));
  const departments = (await attempt(() => api("/api/departments"))) || [];
  names = Object.fromEntries(departments.map((d) => [d.code, d.name]));
  await Promise.all([load(), loadLive()]);
})();
