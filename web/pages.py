"""HTML pages: server-rendered shells whose data comes from the JSON API in the user's browser.

The shells carry no data, so they need no login themselves; every call they make goes through
the API's bearer-token role checks, and each page refuses itself for the wrong role. The values a
shell carries for the web chat, the bot's URL and the longest message (the work-order limit), are
what the composition root put on ``app.state.bot_url`` and ``app.state.chat_max_chars``. Staff
links are not shown on the citizen's page.
"""

from __future__ import annotations

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


def _page(path: str):
    template, title, roles = PAGES[path]

    def show(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {
            "title": title, "roles": list(roles), "bot_url": request.app.state.bot_url, "path": path,
            "max_chars": request.app.state.chat_max_chars,
        })

    return show


for _path in PAGES:
    router.add_api_route(_path, _page(_path), methods=["GET"], response_class=HTMLResponse)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/chat")
