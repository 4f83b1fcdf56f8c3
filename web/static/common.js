// Shared by every page: the API with the signed-in token, safe DOM building, messages, large text.
// User text is only ever put into the page with textContent (never innerHTML), so a complaint
// containing <script> shows as text.
"use strict";

const Site = (() => {
  const TOKEN_KEY = "gov-assistant-token";
  const ROLE_NAMES = { operator: "话务员", department: "承办部门", trainer: "训练师", admin: "管理员", bot: "机器人",
    leader: "领导" };

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // An SVG element for the charts (drawn by hand: no chart library is downloaded).
  function svg(tag, attrs = {}, text) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(message) {
    const box = document.getElementById("error");
    box.textContent = message;
    box.hidden = !message;
  }

  function notify(message) {
    const box = document.getElementById("notice");
    box.textContent = message;
    box.hidden = !message;
  }

  class ApiError extends Error {}

  // Calls the JSON API; errors carry the service's Chinese message.
  async function api(path, { method = "GET", body, as = "json" } = {}) {
    const headers = {};
    if (token()) headers.Authorization = `Bearer ${token()}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError("无法连接服务器，请检查网络后重试。");
    }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
      throw new ApiError("请先登录。");
    }
    if (!response.ok) {
      let message = `请求失败（${response.status}）`;
      try {
        const data = await response.json();
        if (data.error && data.error.zh) message = data.error.zh;
      } catch (e) { /* not JSON: keep the status */ }
      throw new ApiError(message);
    }
    if (as === "blob") return response.blob();
    if (as === "text") return response.text();
    return response.json();
  }

  // Runs an action, showing its error instead of failing silently.
  async function attempt(action) {
    showError("");
    try {
      return await action();
    } catch (e) {
      showError(e.message || String(e));
      return undefined;
    }
  }

  // Pages that need a login: the signed-in user if their role may use this page, else null.
  async function signIn() {
    const roles = (document.body.dataset.roles || "").split(",").filter(Boolean);
    if (!roles.length) return null;
    if (!token()) {
      location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
      return null;
    }
    const user = await attempt(() => api("/api/me"));
    if (!user) return null;
    document.getElementById("who").textContent = `${user.name}（${ROLE_NAMES[user.role] || user.role}）`;
    document.getElementById("logout").hidden = false;
    if (user.role !== "admin" && !roles.includes(user.role)) {
      showError(`当前账号（${ROLE_NAMES[user.role] || user.role}）无权使用此页面，请换用有权限的账号登录。`);
      document.querySelectorAll("main > :not(h1)").forEach((node) => { node.hidden = true; });
      return null;
    }
    return user;
  }

  function setLargeText(on) {
    document.documentElement.classList.toggle("large", on);
    document.getElementById("large-text").setAttribute("aria-pressed", String(on));
    localStorage.setItem("large-text", on ? "1" : "0");
  }

  function formatTime(value) {
    if (!value) return "";
    return value.replace("T", " ").slice(0, 16);
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    setLargeText(localStorage.getItem("large-text") === "1");
    document.getElementById("large-text").addEventListener("click", () =>
      setLargeText(!document.documentElement.classList.contains("large")));
    document.getElementById("logout").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      location.href = "/login";
    });
  });

  return { TOKEN_KEY, ROLE_NAMES, token, el, svg, api, attempt, signIn, showError, notify, formatTime, percent };
})();
