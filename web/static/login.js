"use strict";
// Signs a staff member in with their token and sends them to the page they came for (or their role's page).
const HOME = { operator: "/console", trainer: "/trainer", department: "/dashboard", admin: "/console", leader: "/analysis" };

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem(Site.TOKEN_KEY, document.getElementById("token").value.trim());
  const user = await Site.attempt(async () => {
    const response = await fetch("/api/me", { headers: { Authorization: `Bearer ${Site.token()}` } });
    if (!response.ok) throw new Error("口令无效，请重新输入。");
    return response.json();
  });
  if (!user) { sessionStorage.removeItem(Site.TOKEN_KEY); return; }
  location.href = sameOriginPath(new URLSearchParams(location.search).get("next")) || HOME[user.role] || "/dashboard";
});

// The path of `next` if it stays on this site, else null: the browser resolves it as a link would
// (so "/\host", "//host" and "javascript:" are judged by where they really lead).
function sameOriginPath(next) {
  if (!next) return null;
  let url;
  try { url = new URL(next, location.origin); } catch { return null; }
  return url.origin === location.origin ? url.pathname + url.search + url.hash : null;
}
document.getElementById("token").focus();
