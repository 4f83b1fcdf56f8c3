"""HTML pages: server-rendered shells whose data comes from the JSON API in the user's browser.

The shells carry no data, so they need no login themselves; every call they make goes through
the API's bearer-token role checks, and each page refuses itself for the wrong role. The values a
shell carries for the web chat, the bot's URL and the longest message (the work-order limit), are
what the composition root put on ``app.state.bot_url`` and ``app.state.chat_max_chars``. Staff
links are not shown on the citizen's page.

Every page is sent with a Content-Security-Policy that allows scripts and styles only from the
site's own files (no inline script, no inline handler: the templates have none), connections only
to the site and the bot, and no framing; with nosniff and a same-origin Referrer-Policy.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from core.settings import package_file

templates = Jinja2Templates(directory=package_file("web", "templates"))
static_files = StaticFiles(directory=package_file("web", "static"))

router = APIRouter(tags=["pages"], include_in_schema=False)

# path → (template, title, roles allowed to use it; admin always may)
PAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "/chat": ("chat.html", "青山区政务服务 · 智能咨询", ()),
    "/console": ("console.html", "12345 派单台", ("operator",)),
    "/trainer": ("trainer.html", "模型训练台", ("trainer",)),
    "/dashboard": ("dashboard.html", "热线运行指标", ("operator", "trainer", "department")),
    "/analysis": ("analysis.html", "分析研判 · 数据分析月报", ("leader",)),
    "/login": ("login.html", "登录", ()),
}


def security_headers(bot_url: str) -> dict[str, str]:
    """The headers every page is sent with; the web chat may also connect to the bot's origin."""
    parts = urlsplit(bot_url)
    bot_origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    policy = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
              f"connect-src 'self' {bot_origin}".rstrip() + "; font-src 'self'; object-src 'none'; "
              "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    return {"Content-Security-Policy": policy, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin"}


def _page(path: str):
    template, title, roles = PAGES[path]

    def show(request: Request) -> HTMLResponse:
        state = request.app.state
        return templates.TemplateResponse(request, template, {
            "title": title, "roles": list(roles), "bot_url": state.bot_url, "path": path,
            "max_chars": state.chat_max_chars,
            "demo": getattr(state, "environment", "local") == "local",
        }, headers=security_headers(state.bot_url))

    return show


for _path in PAGES:
    router.add_api_route(_path, _page(_path), methods=["GET"], response_class=HTMLResponse)


@router.get("/")
def home(request: Request) -> RedirectResponse:
    return RedirectResponse("/chat", headers=security_headers(request.app.state.bot_url))
