"use strict";
// The trainer's 对话 tab: the bot's doubtful turns (rated 不满意, not understood, unsure) with the
// conversation before them. The trainer picks the intent and marks entities by writing their words as
// they appear in the message, marks the message out of scope, or rejects it (/api/bot/review).
(() => {
  const { el, api, attempt, notify, percent } = Site;
  const list = document.getElementById("dialogue-queue");
  const REASONS = { unsatisfied: "市民评为不满意", fallback: "助手没听懂", low_confidence: "助手没把握" };
  let options = { intents: [], entities: [] };

  function context(item) {
    return el("ol", { class: "transcript", "aria-label": "此前的对话" }, item.context.flatMap((turn) => [
      el("li", { class: "user", text: `市民：${turn.text}` }),
      turn.bot_reply ? el("li", { class: "bot", text: `助手：${turn.bot_reply}` }) : null,
    ]));
  }

  // Entities as spans of the message: the trainer writes the words, the page finds where they are.
  function entityEditor(turn, entities) {
    const shown = el("ul", { class: "entities", "aria-label": "已标注的实体" });
    const draw = () => shown.replaceChildren(...entities.map((entity, i) => el("li", {},
      `${turn.text.slice(entity.start, entity.end)} → ${entity.entity}${entity.value && entity.value !== turn.text.slice(entity.start, entity.end) ? `（${entity.value}）` : ""} `,
      el("button", { type: "button", text: "删除", "aria-label": `删除实体 ${turn.text.slice(entity.start, entity.end)}`,
        onclick: () => { entities.splice(i, 1); draw(); } }))));
    draw();
    const id = `t${turn.id}`;
    const kind = el("select", { id: `${id}-entity` }, options.entities.map((name) => el("option", { value: name, text: name })));
    const words = el("input", { id: `${id}-words`, size: "12" });
    const add = el("button", { type: "button", text: "添加实体", onclick: () => {
      const start = turn.text.indexOf(words.value.trim());
      if (!words.value.trim() || start < 0) { Site.showError("实体的文字要与消息里的原文一致。"); return; }
      Site.showError("");
      entities.push({ entity: kind.value, start, end: start + words.value.trim().length });
      words.value = "";
      draw();
    } });
    return el("div", { class: "row" },
      el("div", {}, el("label", { for: `${id}-entity`, text: "实体" }), kind),
      el("div", {}, el("label", { for: `${id}-words`, text: "实体原文" }), words), add, shown);
  }

  function itemNode(item) {
    const turn = item.turn;
    const entities = (turn.entities || []).filter((e) => Number.isInteger(e.start) && Number.isInteger(e.end))
      .map((e) => ({ entity: e.entity, start: e.start, end: e.end, value: e.value }));
    const intent = el("select", { id: `t${turn.id}-intent` },
      options.intents.map((name) => el("option", { value: name, text: name, selected: name === turn.intent })));
    const decide = async (body, done) => {
      if (await attempt(() => api(`/api/bot/review/${turn.id}`, { method: "POST", body }))) {
        notify(`对话记录 ${turn.id} ${done}`);
        load();
      }
    };
    return el("li", { "data-turn": turn.id },
      el("div", {}, el("strong", { text: REASONS[item.reason] || item.reason }),
        el("span", { class: "muted", text: `（${turn.channel}，助手判为 ${turn.intent || "—"}，置信度 ${percent(turn.confidence)}）` })),
      context(item),
      el("div", { class: "text", text: `待审核消息：${turn.text}` }),
      turn.rating_comment ? el("div", { class: "muted", text: `市民意见：${turn.rating_comment}` }) : null,
      el("div", { class: "row" }, el("div", {}, el("label", { for: `t${turn.id}-intent`, text: "意图" }), intent)),
      entityEditor(turn, entities),
      el("div", { class: "row" },
        el("button", { type: "button", class: "primary", text: "标注通过",
          onclick: () => decide({ action: "label", intent: intent.value, entities }, "已标注并写入训练数据") }),
        el("button", { type: "button", text: "超出服务范围", onclick: () => decide({ action: "out_of_scope" }, "已标为超出服务范围") }),
        el("button", { type: "button", class: "danger", text: "驳回", onclick: () => decide({ action: "reject" }, "已驳回") })));
  }

  async function load() {
    const queue = await attempt(() => api("/api/bot/review"));
    if (!queue) return;
    options = queue;
    list.replaceChildren(...(queue.items.length ? queue.items.map(itemNode)
      : [el("li", { class: "muted", text: "没有待审核的对话。" })]));
  }

  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((tab) => tab.addEventListener("click", () => {
    tabs.forEach((t) => {
      t.setAttribute("aria-selected", String(t === tab));
      document.getElementById(t.getAttribute("aria-controls")).hidden = t !== tab;
    });
    if (tab.id === "tab-dialogue") load();
  }));
})();
