"use strict";
// Hotline metrics by department and period as bar charts (SVG drawn here, no chart library),
// with the same figures in a table for screen readers; reply quality by department below them.
const { el, svg, api, attempt, percent } = Site;
const RATES = ["响应率", "办结率", "按时办结率", "满意率", "退单率"];
let names = {};

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

// The bot's intents as a citizen would name what they asked.
const INTENTS = { ask_materials: "问材料", ask_conditions: "问条件", ask_time_limit: "问时限", ask_fee: "问收费",
  ask_place: "问地点", ask_online: "问网上办", start_precheck: "预审", inform_item: "说事项", inform_materials: "说材料",
  file_complaint: "投诉", file_suggestion: "建议", ask_ticket_status: "查进度", request_human: "转人工",
  faq: "常见问题", chitchat: "闲聊", greet: "问候", out_of_scope: "超出范围" };
const itemNames = {};

async function itemName(code) {
  if (code === "无事项") return code;
  if (!(code in itemNames)) {
    const found = await attempt(() => api(`/api/catalogue/items/${encodeURIComponent(code)}`));
    itemNames[code] = found ? (found.item || found.bundle).name : code;
  }
  return itemNames[code];
}

async function renderBotRatings(ratings) {
  document.getElementById("bot-ratings-summary").textContent =
    `回答 ${ratings.answers} 次，评价 ${ratings.rated} 次：满意 ${ratings.good}，不满意 ${ratings.bad}，满意率 ${percent(ratings.good_rate)}`;
  const head = (first) => el("thead", {}, el("tr", {}, [first, "满意", "不满意", "满意率"].map((h) => el("th", { scope: "col", text: h }))));
  const rows = (entries, name) => entries.length ? entries.map(([key, f], i) => el("tr", { "data-key": key },
    el("th", { scope: "row", text: name[i] }), el("td", { text: String(f.good) }), el("td", { text: String(f.bad) }),
    el("td", { text: percent(f.good_rate) })))
    : [el("tr", {}, el("td", { colspan: "4", class: "muted", text: "本期没有评价。" }))];
  const intents = Object.entries(ratings.by_intent);
  const items = Object.entries(ratings.by_item);
  const itemLabels = await Promise.all(items.map(([code]) => itemName(code)));
  document.getElementById("bot-by-intent").replaceChildren(head("意图"),
    el("tbody", {}, rows(intents, intents.map(([key]) => INTENTS[key] ? `${INTENTS[key]}（${key}）` : key))));
  document.getElementById("bot-by-item").replaceChildren(head("事项"), el("tbody", {}, rows(items, itemLabels)));
}

const QUALITY_ROLES = ["operator", "department", "admin"];
let role = null;

function renderQuality(quality) {
  const fixed = (value) => (value === undefined ? "—" : value.toFixed(2));
  const rows = Object.entries(quality.by_department).map(([code, q]) => el("tr", { "data-department": code },
    el("th", { scope: "row", text: names[code] || code }), el("td", { text: String(q.replies) }),
    el("td", { text: fixed(q.quality) }), el("td", { text: fixed(q.relevance) }), el("td", { text: fixed(q.completeness) }),
    el("td", { text: fixed(q.timeliness) }), el("td", { text: percent(q.poor_share) }), el("td", { text: String(q.held) })));
  document.getElementById("reply-quality").replaceChildren(
    el("thead", {}, el("tr", {}, ["部门", "答复", "综合", "相关性", "完整性", "及时性", "不合格", "待审核"].map((h) =>
      el("th", { scope: "col", text: h })))),
    el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: "8", class: "muted", text: "本期没有答复。" }))));
  document.getElementById("reply-quality-section").hidden = false;
}

async function load() {
  const start = document.getElementById("start").value;
  const end = document.getElementById("end").value;
  if (start > end) { Site.showError("结束日期不能早于开始日期。"); return; }
  // Both days included, days in China (the server's display zone), as in the analysis report.
  const metrics = await attempt(() => api(`/api/metrics?start=${start}&end=${end}`));
  if (metrics) {
    render(metrics);
    await renderBotRatings(metrics.bot_ratings);
  }
  if (!QUALITY_ROLES.includes(role)) return;
  const quality = await attempt(() => api(`/api/analysis/reply-quality?start=${start}&end=${end}`));
  if (quality) renderQuality(quality);
}

document.getElementById("period").addEventListener("submit", (event) => { event.preventDefault(); load(); });

(async () => {
  const user = await Site.signIn();
  if (!user) return;
  role = user.role;
  const today = new Date();
  // The local calendar date (toISOString would give the UTC date, a day early in China before 08:00).
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  document.getElementById("start").value = iso(new Date(today.getFullYear(), 0, 1));
  document.getElementById("end").value = iso(today);
  const departments = (await attempt(() => api("/api/departments"))) || [];
  names = Object.fromEntries(departments.map((d) => [d.code, d.name]));
  names["未派单"] = "未派单";
  await load();
})();
