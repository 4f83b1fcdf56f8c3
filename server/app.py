"""The router service (FastAPI): ``uvicorn routing.app:app`` or ``python -m routing``."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from routing.api import catalogue, directory, feedback, handoffs, metrics, models, tickets
from routing.context import RouterContext
from routing.errors import ServiceError
from routing.lifecycle import IllegalTransition
from routing.settings import RouterSettings
from web import pages
from wechat import callback as wechat_callback
from wechat.settings import WechatSettings


def error_body(zh: str, en: str, **extra: object) -> dict:
    return {"error": {"zh": zh, "en": en, **extra}}


def create_app(settings: RouterSettings | None = None, context: RouterContext | None = None,
               wechat: wechat_callback.WechatChannel | None = None) -> FastAPI:
    """Build the app; tests pass a ready context (for example with a fixed clock) or WeChat channel."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if getattr(app.state, "context", None) is None:
            app.state.context = RouterContext.build(settings or RouterSettings())
        yield
        app.state.context.engine.dispose()

    app = FastAPI(title="12345 热线派单服务 / hotline router", version="0.1.0", lifespan=lifespan)
    app.state.context = context
    app.state.wechat = wechat or wechat_callback.WechatChannel(WechatSettings())

    @app.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(error_body(exc.zh, exc.en), status_code=exc.status_code)

    @app.exception_handler(IllegalTransition)
    async def illegal_transition(_: Request, exc: IllegalTransition) -> JSONResponse:
        return JSONResponse(error_body(exc.zh, exc.en), status_code=409)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return JSONResponse(error_body("请求格式或字段不正确", "invalid request body or parameters", details=problems),
                            status_code=422)

    @app.get("/healthz", tags=["health"])
    def health(request: Request) -> dict:
        ctx: RouterContext = request.app.state.context
        loaded = ctx.models.current
        return {"status": "ok", "model_version": loaded.version if loaded else None}

    app.include_router(tickets.router)
    app.include_router(metrics.router)
    app.include_router(feedback.router)
    app.include_router(models.router)
    app.include_router(catalogue.router)
    app.include_router(handoffs.router)
    app.include_router(directory.router)
    app.include_router(wechat_callback.router)
    app.include_router(pages.router)
    app.mount("/static", pages.static_files, name="static")
    return app


app = create_app()
