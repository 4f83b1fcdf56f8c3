"use strict";
// The citizen's chat with the Rasa bot over its REST channel: text, quick-reply buttons,
// the 自助预审 verdict as a checklist and the work-order number after a complaint.
const section = document.querySelector(".chat");
const BOT = `${section.dataset.botUrl}/webhooks/rest/webhook`;
const log = document.getElementById("log");
const input = document.getElementById("message");
const { el } = Site;

function sender() {
  let id = sessionStorage.getItem("chat-sender");
  if (!id) {
    id = `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    sessionStorage.setItem("chat-sender", id);
  }
  return id;
}

function add(node) {
  log.append(node);
  log.scrollTop = log.scrollHeight;
}

function say(who, text) {
  add(el("div", { class: `msg ${who}` }, el("div", { class: "bubble", text })));
}

const SECTIONS = [
  ["complete", "已齐全", "✓"],
  ["missing", "缺少（需补齐后才能受理）", "✗"],
  ["rongque", "可容缺（可先受理，之后补交）", "△"],
  ["chengnuo", "可承诺（签告知承诺书代替）", "✎"],
  ["on_site", "现场办理（到窗口当场完成）", "•"],
  ["optional_missing", "非必需（有则更好）", "○"],
];

function verdictCard(verdict) {
  const card = el("section", { class: "verdict", "aria-label": "预审结果" },
    el("p", { class: "accept", text: verdict.accept_today ? "预审结论：材料可以当天受理" : "预审结论：还缺必需材料，暂不能受理" }));
  for (const [key, title, mark] of SECTIONS) {
    const entries = verdict[key] || [];
    if (!entries.length) continue;
    card.append(el("div", { class: key, "data-section": key },
      el("h3", { text: `${title}（${entries.length}）` }),
      el("ul", {}, entries.map((m) => el("li", { text: `${mark} ${m.name}` })))));
  }
  return el("div", { class: "msg bot" }, card);
}

function ticketCard(ticket) {
  return el("div", { class: "msg bot" }, el("div", { class: "bubble" },
    el("div", { text: "工单编号" }),
    el("div", { class: "ticket-no", "data-ticket-id": ticket.id, text: `#${ticket.id}` }),
    el("div", { class: "muted", text: `查询码 ${ticket.feedback_code}（凭此查询进度、办结后评价）` })));
}

function choices(buttons) {
  const group = el("div", { class: "choices", role: "group", "aria-label": "可选项" });
  for (const button of buttons) {
    group.append(el("button", {
      type: "button", text: button.title,
      onclick: () => { group.querySelectorAll("button").forEach((b) => { b.disabled = true; }); send(button.payload, button.title); },
    }));
  }
  add(group);
  group.querySelector("button")?.focus();
}

function show(reply) {
  if (reply.text) say("bot", reply.text);
  if (reply.custom && reply.custom.precheck) add(verdictCard(reply.custom.precheck));
  if (reply.custom && reply.custom.ticket) add(ticketCard(reply.custom.ticket));
  if (reply.buttons && reply.buttons.length) choices(reply.buttons);
}

async function send(message, shown = message) {
  say("user", shown);
  Site.showError("");
  try {
    const response = await fetch(BOT, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender(), message }),
    });
    if (!response.ok) throw new Error(String(response.status));
    const replies = await response.json();
    if (!replies.length) say("bot", "抱歉，我没有理解，请换个说法，或说“转人工”。");
    replies.forEach(show);
  } catch (e) {
    Site.showError("智能助手暂时无法连接，请稍后再试，或拨打 12345 热线。");
  }
}

document.getElementById("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  send(text);
  input.focus();
});

say("bot", "您好！我是青山区政务服务小助手，请问要办什么事？");
input.focus();
