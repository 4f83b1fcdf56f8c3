"use strict";
// The trainer's desk: review candidate labels by keyboard, see the retraining data, retrain and
// watch it, compare candidate with current model on the frozen test set, promote or roll back.
const { el, api, attempt, notify, percent } = Site;
const queue = document.getElementById("queue");
const SOURCES = { override: "话务员改派", return: "部门退单", correction: "训练师更正" };
let items = [];
let selected = 0;

function select(index) {
  if (!items.length) return;
  selected = Math.max(0, Math.min(items.length - 1, index));
  queue.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", String(i === selected)));
  const current = queue.children[selected];
  queue.setAttribute("aria-activedescendant", current.id);
  current.scrollIntoView({ block: "nearest" });
}

let departmentNames = {};
const named = (code) => departmentNames[code] || code;

function itemNode(item, index) {
  const c = item.candidate;
  const from = c.old_value ? `${named(c.old_value)} → ` : "";
  const teaches = item.category ? `建议标签：${item.category}` : `建议派单：${named(c.new_value)}（该部门对应多个类别，不生成分类标签）`;
  return el("li", { id: `candidate-${c.id}`, role: "option", "data-candidate": c.id, "aria-selected": "false",
    onclick: () => select(index) },
    el("div", { class: "text", text: c.text }),
    el("div", {}, el("strong", { text: teaches }),
      el("span", { class: "muted", text: `（${SOURCES[c.source] || c.source}：${from}${named(c.new_value)}；操作人 ${c.actor}）` })),
    el("div", { class: "muted", text: `模型判为 ${item.model_category || "—"}，置信度 ${percent(c.model_confidence)}` }),
    el("div", { class: "row" },
      el("button", { type: "button", class: "primary", text: "批准 (A)", onclick: () => decide(index, true) }),
      el("button", { type: "button", class: "danger", text: "驳回 (R)", onclick: () => decide(index, false) })));
}

async function loadQueue() {
  items = (await attempt(() => api("/api/feedback/queue"))) || [];
  queue.replaceChildren(...(items.length ? items.map(itemNode) : [el("li", { class: "muted", text: "没有待审核的候选标签。" })]));
  select(Math.min(selected, items.length - 1));
}

async function decide(index, approve) {
  const item = items[index];
  if (!item) return;
  const id = item.candidate.id;
  const done = await attempt(() => api(`/api/feedback/${id}/${approve ? "approve" : "reject"}`, { method: "POST" }));
  if (!done) return;
  notify(`候选标签 ${id} 已${approve ? "批准" : "驳回"}`);
  await Promise.all([loadQueue(), loadTrainingData()]);
  queue.focus();
}

function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(field); field = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function loadTrainingData() {
  const csv = await attempt(() => api("/api/feedback/export.csv", { as: "text" }));
  if (csv === undefined) return;
  const [header, ...rows] = parseCsv(csv.replace(/^\ufeff/, ""));
  const textAt = header.findIndex((h) => /留言详情|text/.test(h));
  const labelAt = header.findIndex((h) => /一级标签|label/.test(h));
  document.getElementById("train-data").replaceChildren(...(rows.length
    ? rows.filter((r) => r.length > 1).map((r) => el("tr", {}, el("td", { class: "text", text: r[textAt] }), el("td", { text: r[labelAt] })))
    : [el("tr", {}, el("td", { colspan: "2", class: "muted", text: "还没有批准的反馈。" }))]));
}

// Which model the retraining controls act on: the category model or the dispatch model (承办单位).
const modelChoice = document.getElementById("retrain-model");
const modelQuery = () => `model=${modelChoice.value}`;

async function loadVersions() {
  const info = await attempt(() => api(`/api/models?${modelQuery()}`));
  if (info) document.getElementById("current-version").textContent = `当前模型：${info.current || "无"}`;
}

async function figure(jobId, which, caption) {
  const blob = await attempt(() => api(`/api/models/jobs/${jobId}/confusion.png?which=${which}`, { as: "blob" }));
  if (!blob) return null;
  return el("figure", {}, el("img", { src: URL.createObjectURL(blob), alt: `${caption}的混淆矩阵` }), el("figcaption", { text: caption }));
}

const fixed = (value) => (value === null || value === undefined ? "—" : value.toFixed(4));

function reportRows(job, metric) {
  if (job.model === "bot") {
    return [
      metric("意图 macro-F1（NLU 测试集）", (r) => fixed(r.intent_f1)),
      metric("实体 F1（NLU 测试集）", (r) => fixed(r.entity_f1)),
      metric("端到端对话通过率", (r) => fixed(r.story_accuracy)),
      metric("未通过的对话 / 总数", (r) => `${r.stories_failed ?? "—"} / ${r.stories ?? "—"}`),
    ];
  }
  if (job.model === "departments") {
    return [
      metric("单位全称 top-1（决定是否采用）", (r) => fixed(r.unit_top1)),
      metric("单位全称 top-3", (r) => fixed(r.unit_top3)),
      metric("单位类型 top-1", (r) => fixed(r.unit_type_top1)),
      metric("属地准确率", (r) => fixed(r.jurisdiction_accuracy)),
      metric("自动派单精确率 / 覆盖率", (r) => `${fixed(r.auto_precision)} / ${fixed(r.auto_coverage)}`),
      metric("测试样本数（有标签）", (r) => String(r.labelled)),
    ];
  }
  return [
    metric("macro-F1", (r) => r.macro_f1.toFixed(4)),
    metric("准确率 accuracy", (r) => r.accuracy.toFixed(4)),
    metric("前二准确率 top-2", (r) => r.top2_accuracy.toFixed(4)),
    metric("校准误差 ECE", (r) => r.ece.toFixed(4)),
    metric("测试样本数", (r) => String(r.n)),
  ];
}

async function showReport(job) {
  const { candidate, baseline } = job.report || {};
  if (!candidate) return;
  const metric = (name, get) => el("tr", {}, el("th", { scope: "row", text: name }),
    el("td", { text: get(candidate) }), el("td", { text: baseline ? get(baseline) : "—" }));
  document.getElementById("report-table").replaceChildren(
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "指标" }), el("th", { scope: "col", text: `候选 ${job.candidate_version}` }),
      el("th", { scope: "col", text: `当前 ${job.baseline_version || "—"}` }))),
    el("tbody", {}, reportRows(job, metric)));
  const promote = document.getElementById("promote");
  promote.hidden = job.decision === "promoted" || job.model === "bot";  // the bot is replaced only when not worse
  promote.onclick = async () => {
    if (await attempt(() => api(`/api/models/promote?model=${job.model}`, { method: "POST", body: { version: job.candidate_version } }))) {
      notify(`已采用候选模型 ${job.candidate_version}`);
      promote.hidden = true;
      loadVersions();
    }
  };
  const figures = job.model !== "classifier" ? []
    : await Promise.all([figure(job.id, "candidate", "候选模型"), baseline ? figure(job.id, "baseline", "当前模型") : null]);
  document.getElementById("figures").replaceChildren(...figures.filter(Boolean));
  document.getElementById("report").hidden = false;
}

async function watch(jobId) {
  const box = document.getElementById("job");
  box.hidden = false;
  for (;;) {
    const job = await attempt(() => api(`/api/models/jobs/${jobId}`));
    if (!job) return;
    document.getElementById("job-progress").value = job.percent;
    document.getElementById("job-status").textContent = `${job.progress}（${job.percent}%）${job.message ? "：" + job.message : ""}`;
    if (["succeeded", "refused", "failed"].includes(job.status)) {
      document.getElementById("job-status").dataset.status = job.status;
      const decision = { succeeded: "已自动采用（不差于当前模型）", refused: "未自动采用（比当前模型差）", failed: "训练失败" }[job.status];
      notify(`再训练完成：${decision}`);
      document.getElementById("retrain").disabled = false;
      if (job.status !== "failed") await showReport(job);
      loadVersions();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

document.getElementById("retrain").addEventListener("click", async (event) => {
  event.target.disabled = true;
  document.getElementById("report").hidden = true;
  const job = await attempt(() => api(`/api/models/retrain?${modelQuery()}`, { method: "POST" }));
  if (!job) { event.target.disabled = false; return; }
  watch(job.id);
});

document.getElementById("rollback").addEventListener("click", async () => {
  if (!confirm("确定回滚到上一个模型版本吗？")) return;
  const done = await attempt(() => api(`/api/models/rollback?${modelQuery()}`, { method: "POST" }));
  if (done) { notify(`已回滚，当前模型 ${done.current}`); loadVersions(); }
});

modelChoice.addEventListener("change", loadVersions);

queue.addEventListener("keydown", (event) => {
  if (event.target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return;
  const key = event.key.toLowerCase();
  if (key === "j" || key === "arrowdown") select(selected + 1);
  else if (key === "k" || key === "arrowup") select(selected - 1);
  else if (key === "a") decide(selected, true);
  else if (key === "r") decide(selected, false);
  else return;
  event.preventDefault();
});

(async () => {
  if (!(await Site.signIn())) return;
  const departments = (await attempt(() => api("/api/departments"))) || [];
  departmentNames = Object.fromEntries(departments.map((d) => [d.code, d.name]));
  await Promise.all([loadQueue(), loadTrainingData(), loadVersions()]);
  const jobs = await attempt(() => api("/api/models/jobs"));
  if (jobs && jobs.length && ["succeeded", "refused"].includes(jobs[0].status)) showReport(jobs[0]);
  queue.focus();
})();
