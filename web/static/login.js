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
  const next = new URLSearchParams(location.search).get("next");
  location.href = next && next.startsWith("/") && !next.startsWith("//") ? next : (HOME[user.role] || "/dashboard");
});
document.getElementById("token").focus();
