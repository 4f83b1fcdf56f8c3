"use strict";
// The operator's queue: suggested departments with confidence and evidence; confirm or override in one action.
const { el, api, attempt, notify, formatTime, percent } = Site;
const rows = document.getElementById("tickets");
let view = "incoming";
let departments = [];

function query() {
  const params = new URLSearchParams({ limit: "100" });
  if (view === "incoming") params.set("status", "受理");
  if (view === "returned") params.set("returned", "true");
  if (view === "overdue") params.set("overdue", "true");
  if (view === "held") params.set("held", "true");
  const status = document.getElementById("status").value;
  if (status && view === "all") params.set("status", status);
  const q = document.getElementById("q").value.trim();
  if (q) params.set("q", q);
  const department = document.getElementById("department").value;
  if (department) params.set("department", department);
  return `/api/tickets?${params}`;
}

// Evidence of the routing table (category, terms, place, 权责 clause) or of the learned model
// (unit type and its probability, terms, the districts and streets the text names).
function evidenceText(evidence) {
  const parts = [];
  if (evidence.unit_type) parts.push(`单位类型 ${evidence.unit_type} ${percent(evidence.type_probability || 0)}`);
  if (evidence.category) parts.push(`类别 ${evidence.category}`);
  if (evidence.terms && evidence.terms.length) parts.push(`关键词 ${evidence.terms.slice(0, 5).join("、")}`);
  if (evidence.place) parts.push(`属地 ${evidence.place}`);
  const districts = Object.keys((evidence.places || {}).district_votes || {});
  if (districts.length) parts.push(`属地 ${districts.join("、")}`);
  if (evidence.streets && evidence.streets.length) parts.push(`街镇 ${evidence.streets.join("、")}`);
  if (evidence.clause) parts.push(`权责 ${evidence.clause}`);
  return parts.join("；");
}

async function dispatch(ticket, department, reason) {
  const done = await attempt(() => api(`/api/tickets/${ticket.id}/${ticket.status === "受理" ? "dispatch" : "reassign"}`,
    { method: "POST", body: { department, reason } }));
  if (done) {
    const name = (departments.find((d) => d.code === department) || {}).name || department;
    notify(`工单 #${ticket.id} 已派至 ${name}`);
    await load();
  }
}

function suggestionList(ticket) {
  const canDispatch = ["受理", "转办"].includes(ticket.status);
  return ticket.suggestions.map((s, i) => el("div", { class: "suggestion" },
    el("span", { text: `${i + 1}. ${s.name}` }),
    el("span", { class: "score", text: `置信度 ${percent(s.score)}` }),
    canDispatch ? el("button", {
      type: "button", class: i === 0 ? "primary" : "", "data-confirm": s.department,
      "aria-label": `确认派至 ${s.name}`, text: "确认",
      onclick: () => dispatch(ticket, s.department, i === 0 ? undefined : `选用第${i + 1}建议`),
    }) : null,
    el("div", { class: "evidence", text: evidenceText(s.evidence || {}) })));
}

function overrideControl(ticket) {
  if (!["受理", "转办"].includes(ticket.status)) return el("span", { class: "muted", text: ticket.department || "" });
  const id = `override-${ticket.id}`;
  const select = el("select", { id }, el("option", { value: "", text: "选择部门…" }),
    departments.map((d) => el("option", { value: d.code, text: d.name })));
  const reason = el("input", { id: `reason-${ticket.id}`, placeholder: "改派理由（可选）", maxlength: "200" });
  return el("div", {},
    el("label", { for: id, class: "sr", text: `工单 #${ticket.id} 改派部门` }), select,
    el("label", { for: reason.id, class: "sr", text: "改派理由" }), reason,
    el("button", {
      type: "button", "data-override": ticket.id, text: "改派",
      onclick: () => {
        if (!select.value) { Site.showError("请先选择要改派的部门。"); select.focus(); return; }
        dispatch(ticket, select.value, reason.value.trim() || "话务员改派");
      },
    }));
}

function subcategoryList(ticket) {
  if (!ticket.subcategories || !ticket.subcategories.length) return null;
  return el("ul", { class: "subcategories", "aria-label": `工单 #${ticket.id} 二三级分类候选` },
    ticket.subcategories.map((c) => el("li", { class: "evidence",
      text: `${c.level2} / ${c.level3}（匹配 ${percent(c.score)}；依据 ${c.evidence.join("、")}）` })));
}

// A 咨询 order: the best-matching guide's answer, so the operator can settle it on the call (一次办结).
function guideAnswer(guide) {
  const others = guide.others.length ? `其他可能：${guide.others.map((o) => o.name).join("、")}` : "";
  return el("div", { class: "guide", "aria-label": "办事指南答复" },
    el("div", { class: "guide-title", text: `办事指南答复：${guide.name}${guide.department ? `（${guide.department}）` : ""}` }),
    el("div", { text: `申请材料：${guide.materials.length ? guide.materials.join("；") : "指南未列出"}` }),
    guide.time_limit ? el("div", { text: `办理时限：${guide.time_limit}` }) : null,
    guide.place ? el("div", { text: `办理地点：${guide.place}` }) : null,
    guide.decision === "answer" ? null : el("div", { class: "muted", text: `匹配把握不大，请与来电人核实。${others}` }));
}

async function reviewReply(ticket, decision, reason) {
  const done = await attempt(() => api(`/api/tickets/${ticket.id}/reply-review`,
    { method: "POST", body: { decision, reason: reason || undefined } }));
  if (done) {
    notify(decision === "release" ? `工单 #${ticket.id} 的答复已放行给市民` : `工单 #${ticket.id} 的答复已退回部门重办`);
    await load();
  }
}

// A reply held as poor: what it says, why it was held, and the operator's two choices.
function heldReply(ticket) {
  const reason = el("input", { id: `back-${ticket.id}`, placeholder: "退回理由", maxlength: "200" });
  const check = ticket.reply_check || {};
  return el("div", { class: "held", "data-held": ticket.id },
    el("div", { class: "evidence", text: `待审核答复：${ticket.reply}` }),
    el("div", { class: "overdue", text: `原因：${(check.reasons || []).join("；")}` }),
    el("button", { type: "button", class: "primary", text: "放行", "aria-label": `放行工单 #${ticket.id} 的答复`,
      onclick: () => reviewReply(ticket, "release") }),
    el("label", { for: reason.id, class: "sr", text: "退回理由" }), reason,
    el("button", { type: "button", text: "退回重办", "aria-label": `退回工单 #${ticket.id} 的答复`,
      onclick: () => {
        if (!reason.value.trim()) { Site.showError("请填写退回理由。"); reason.focus(); return; }
        reviewReply(ticket, "return", reason.value.trim());
      } }));
}

function row(ticket) {
  const category = ticket.category ? `${ticket.category}（${percent(ticket.category_confidence)}）` : "—";
  return el("tr", { "data-ticket": ticket.id },
    el("td", { text: `#${ticket.id}` }),
    el("td", {},
      el("div", { text: formatTime(ticket.received_at) }),
      el("div", { class: ticket.overdue ? "overdue" : "muted", text: `${ticket.overdue ? "已超期 " : ""}办结期限 ${formatTime(ticket.completion_due)}` }),
      ticket.return_count ? el("div", { class: "overdue", text: `退单 ${ticket.return_count} 次` }) : null),
    el("td", { class: "text" }, el("div", { text: ticket.text }), ticket.guide ? guideAnswer(ticket.guide) : null),
    el("td", {}, el("div", { text: category }), subcategoryList(ticket),
      el("div", { class: "muted", text: `${ticket.ticket_type} · ${ticket.status}` })),
    el("td", {}, ticket.suggestions.length ? suggestionList(ticket) : el("span", { class: "muted", text: "无建议" })),
    el("td", {}, ticket.reply_held ? heldReply(ticket) : overrideControl(ticket)));
}

const REASONS = { requested: "市民要求人工", fallback: "连续两次未听懂" };

function handoffRow(handoff) {
  return el("tr", { "data-handoff": handoff.id },
    el("td", { text: `#${handoff.id}` }),
    el("td", {}, el("div", { text: formatTime(handoff.created_at) }), el("div", { class: "muted", text: handoff.channel })),
    el("td", { text: REASONS[handoff.reason] || handoff.reason }),
    el("td", {}, el("ol", { class: "transcript" }, handoff.transcript.map((turn) =>
      el("li", { class: turn.speaker, text: `${turn.speaker === "user" ? "市民" : "助手"}：${turn.text}` })))),
    el("td", {}, handoff.status === "待接入"
      ? el("button", { type: "button", class: "primary", text: "接入", onclick: async () => {
          if (await attempt(() => api(`/api/handoffs/${handoff.id}/take`, { method: "POST" }))) {
            notify(`已接入会话 #${handoff.id}`);
            load();
          }
        } })
      : handoff.status === "已接入"
        ? el("div", {}, el("span", { class: "muted", text: `已接入（${handoff.taken_by}）` }),
          el("button", { type: "button", text: "结束会话", "aria-label": `结束会话 #${handoff.id}`, onclick: async () => {
            if (await attempt(() => api(`/api/handoffs/${handoff.id}/close`, { method: "POST" }))) {
              notify(`会话 #${handoff.id} 已结束，智能助手恢复应答`);
              load();
            }
          } }))
        : el("span", { class: "muted", text: `${handoff.status}（${handoff.closed_by || handoff.taken_by}）` })));
}

async function loadHandoffs() {
  const handoffs = await attempt(() => api("/api/handoffs"));
  if (!handoffs) return;
  const open = handoffs.filter((h) => h.status === "待接入").concat(handoffs.filter((h) => h.status !== "待接入").slice(-20));
  document.getElementById("handoff-rows").replaceChildren(...(open.length ? open.map(handoffRow)
    : [el("tr", {}, el("td", { colspan: "5", class: "muted", text: "没有转人工的会话。" }))]));
}

async function load() {
  const onHandoffs = view === "handoffs";
  document.getElementById("handoffs").hidden = !onHandoffs;
  document.getElementById("ticket-view").hidden = onHandoffs;
  if (onHandoffs) return loadHandoffs();
  const tickets = await attempt(() => api(query()));
  if (!tickets) return;
  rows.replaceChildren(...(tickets.length ? tickets.map(row)
    : [el("tr", {}, el("td", { colspan: "6", class: "muted", text: "队列中没有工单。" }))]));
}

document.querySelectorAll("[role=tab]").forEach((tab) => tab.addEventListener("click", () => {
  view = tab.dataset.view;
  document.querySelectorAll("[role=tab]").forEach((t) => t.setAttribute("aria-selected", String(t === tab)));
  document.getElementById("status").disabled = view !== "all";  // the other tabs fix the status themselves
  load();
}));
document.getElementById("filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });

(async () => {
  if (!(await Site.signIn())) return;
  departments = (await attempt(() => api("/api/departments"))) || [];
  const filter = document.getElementById("department");
  departments.forEach((d) => filter.append(el("option", { value: d.code, text: d.name })));
  document.getElementById("status").disabled = true;
  await load();
})();
