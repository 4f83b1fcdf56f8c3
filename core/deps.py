"""FastAPI dependencies every router shares: a DB session per request, the signed-in user, role checks.

They read what the composition root (``server``) put on ``app.state``: ``sessions`` (a session
factory), ``users`` (the UserDirectory) and ``auth_throttle`` (failed sign-ins per client address).
Handlers declare them by type, as the FastAPI full-stack template does::

    def handler(session: SessionDep, user: CurrentUser): ...
    Operator = require(Role.OPERATOR)
    def dispatch(session: SessionDep, user: Operator): ...

The ones that never block are ``async``: FastAPI runs sync dependencies in its thread pool,
and a thread hop per dependency is a measurable share of a 5 ms request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from core.auth import Role, User
from core.errors import ServiceError, Unprocessable
from core.schemas import strip_controls
from core.throttle import TooManyRequests

bearer = HTTPBearer(auto_error=False)


class Unauthorized(ServiceError):
    status_code = 401


class RoleForbidden(ServiceError):
    status_code = 403


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request, closed as soon as the handler returns (before the response is sent).

    Async on purpose: making a session does no I/O (it connects on first use) and closing it hands
    the connection back to the pool. As a sync dependency with ``yield`` it took a worker thread to
    open and another to close; under overload the closes queued behind handlers that waited for the
    connections those closes would free, until the pool's 30-s timeout failed them all. Closed only
    after the response was sent, a slow send still held the connection. Handlers return loaded
    objects (sessions do not expire them on commit), so nothing is read after the close.
    """
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def current_user(request: Request,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User:
    """The user of a valid, unexpired token. A client address with too many failures gets 429 for
    every token, the right one included, so guessing gains nothing by going fast."""
    if credentials is None:
        raise Unauthorized("请先登录：缺少 Authorization: Bearer 令牌", "missing bearer token")
    throttle = request.app.state.auth_throttle
    client = request.client.host if request.client else "unknown"
    if throttle.exceeded(client):
        raise TooManyRequests(f"登录失败次数过多，请 {throttle.window:.0f} 秒后再试",
                              f"too many failed sign-ins: try again in {throttle.window:.0f} s")
    users = request.app.state.users
    user = users.authenticate(credentials.credentials)
    if user is None:
        throttle.hit(client)
        raise Unauthorized("令牌无效", "invalid token")
    if users.expired(user):
        throttle.hit(client)
        raise Unauthorized("令牌已过期，请向管理员申请新令牌", "token expired: ask an administrator for a new one")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Any:
    """The signed-in user, let through only with one of ``roles`` (admin always).

    Name it once per module (``Operator = require(Role.OPERATOR)``) and annotate with the name.
    """
    allowed = {*roles, Role.ADMIN}

    async def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            names = "、".join(sorted(r.value for r in allowed))
            raise RoleForbidden(f"当前角色「{user.role.value}」无权执行此操作（需要：{names}）",
                                f"role {user.role.value} may not do this (needs one of: {names})")
        return user

    return Annotated[User, Depends(check)]


async def refuse_control_characters(request: Request) -> None:
    """A query or path with NUL or another control character is a 422 (PostgreSQL cannot even compare them)."""
    values = [request.url.path, *request.query_params.keys(), *request.query_params.values()]
    if any(strip_controls(value) != value for value in values):
        raise Unprocessable("请求地址或参数含有控制字符", "control characters in the path or query")
