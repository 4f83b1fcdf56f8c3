"""The main service (FastAPI): ``uvicorn server.app:app`` or ``python -m server``.

The composition root: it builds every package's state (server.context) and mounts every router —
routing's, the catalogue's, learning's, the analysis, the pages and the WeChat callback, and hands
routing the analysis's reply check. Nothing imports it.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analytics import api as analysis
from core import timing
from core.deps import refuse_control_characters
from core.errors import ServiceError
from core.schemas import ERROR_RESPONSES
from learning.api import bot as bot_review
from learning.api import feedback, models
from routing.api import bot, directory, handoffs, metrics, tickets
from routing.lifecycle import IllegalTransition
from server.context import AppContext, AppSettings
from service_guide import api as catalogue
from web import pages
from wechat import callback as wechat_callback


def error_body(zh: str, en: str, **extra: object) -> dict:
    return {"error": {"zh": zh, "en": en, **extra}}


class StageTimingMiddleware:
    """Collects each request's stages (``core.timing``) and sends them as a ``Server-Timing`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        timings, token = timing.start()

        async def send_with_timings(message: Message) -> None:
            if message["type"] == "http.response.start":
                timings.finish()
                MutableHeaders(scope=message).append("Server-Timing", timings.header())
            await send(message)

        try:
            await self.app(scope, receive, send_with_timings)
        finally:
            timing.stop(token)


def create_app(settings: AppSettings | None = None, context: AppContext | None = None,
               wechat: wechat_callback.WechatChannel | None = None) -> FastAPI:
    """Build the app; tests pass a ready context (for example with a fixed clock) or WeChat channel."""
    settings = context.settings if context is not None else settings or AppSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        to_thread.current_default_thread_limiter().total_tokens = settings.server.threads
        built = context or AppContext.build(settings)
        built.install(app.state)
        yield
        built.close()

    app = FastAPI(title="12345 热线派单服务 / hotline router", version="0.1.0", lifespan=lifespan,
                  dependencies=[Depends(refuse_control_characters)])
    app.state.wechat = wechat or wechat_callback.WechatChannel(settings.wechat, settings.bot, settings.redis.url)
    app.state.bot_url = settings.bot.url
    app.state.chat_max_chars = settings.router.max_text_chars
    app.state.environment = settings.deployment.environment

    @app.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(error_body(exc.zh, exc.en), status_code=exc.status_code)

    @app.exception_handler(IllegalTransition)
    async def illegal_transition(_: Request, exc: IllegalTransition) -> JSONResponse:
        return JSONResponse(error_body(exc.zh, exc.en), status_code=409)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        """Errors raised by the framework itself (unknown path, unreadable body): the same bilingual body."""
        zh = {400: "请求无法解析", 404: "没有这个地址", 405: "不支持该请求方法"}.get(exc.status_code, "请求未被接受")
        return JSONResponse(error_body(zh, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return JSONResponse(error_body("请求格式或字段不正确", "invalid request body or parameters", details=problems),
                            status_code=422)

    @app.get("/healthz", tags=["health"])
    def health(request: Request) -> dict:
        loaded = request.app.state.models.current
        return {"status": "ok", "model_version": loaded.version if loaded else None}

    for api in (tickets.router, tickets.citizen_router, metrics.router, feedback.router, models.router,
                catalogue.router, handoffs.router, bot.router, bot_review.router, directory.router, analysis.router,
                wechat_callback.router):
        app.include_router(api, responses=ERROR_RESPONSES)  # every error answer documented in the OpenAPI schema
    app.include_router(pages.router)
    app.mount("/static", pages.static_files, name="static")
    if settings.server.timing:
        app.add_middleware(StageTimingMiddleware)
    return app


app = create_app()
