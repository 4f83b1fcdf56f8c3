"use strict";
// The citizen's chat with the Rasa bot over its REST channel: text, quick-reply buttons,
// the 自助预审 verdict as a checklist (once: the card, not its text twice), the work-order number
// and 查询码 after a complaint, and 满意/不满意 under every answer the bot marks as rateable.
const section = document.querySelector(".chat");
const BOT = `${section.dataset.botUrl}/webhooks/rest/webhook`;
const MAX_CHARS = Number(section.dataset.maxChars);
const log = document.getElementById("log");
const input = document.getElementById("message");
const count = document.getElementById("count");
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

// 好差评 of one answer: posted to the main service (this page's origin); a second click replaces the first.
function ratingButtons(rate) {
  const status = el("span", { class: "muted", role: "status" });
  const group = el("div", { class: "rating", role: "group", "aria-label": "这个回答对您有帮助吗？" });
  const choose = async (rating, button) => {
    try {
      const response = await fetch("/api/bot/ratings", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ conversation_id: sender(), turn_id: rate.turn_id, rating }),
      });
      if (!response.ok) throw new Error(String(response.status));
      group.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      status.textContent = rating === "satisfied" ? "谢谢您的评价！" : "谢谢，我们会改进这个回答。";
    } catch (e) {
      status.textContent = "评价没有提交成功，请稍后再试。";
    }
  };
  for (const [rating, title] of [["satisfied", "满意"], ["unsatisfied", "不满意"]]) {
    const button = el("button", { type: "button", text: title, "aria-pressed": "false", "data-rating": rating });
    button.addEventListener("click", () => choose(rating, button));
    group.append(button);
  }
  group.append(status);
  return group;
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

// Rasa's REST channel sends a message's text and its custom payload as two replies: the verdict's text is
// dropped when its card follows, so the citizen reads the verdict once.
function show(reply, next) {
  const custom = reply.custom || {};
  const verdictFollows = next && next.custom && next.custom.precheck && !next.text;
  if (reply.text && !custom.precheck && !verdictFollows) say("bot", reply.text);
  if (custom.precheck) add(verdictCard(custom.precheck));
  if (custom.ticket) add(ticketCard(custom.ticket));
  if (custom.rate && custom.rate.turn_id) add(ratingButtons(custom.rate));
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
    replies.forEach((reply, i) => show(reply, replies[i + 1]));
  } catch (e) {
    Site.showError("智能助手暂时无法连接，请稍后再试，或拨打 12345 热线。");
  }
}

const composer = document.getElementById("composer");
composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  if (text.length > MAX_CHARS) {
    Site.showError(`内容超过 ${MAX_CHARS} 字，请删减后再发送。`);
    return;
  }
  input.value = "";
  count.textContent = "";
  send(text);
  input.focus();
});

// Enter sends, Shift+Enter starts a new line (a letter has paragraphs); not while an IME is composing.
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

input.addEventListener("input", () => {
  const n = input.value.length;
  count.textContent = n > 200 ? `已输入 ${n} / ${MAX_CHARS} 字` : "";
});

say("bot", "您好！我是青山区政务服务小助手，请问要办什么事？");
input.focus();
