"""FastAPI dependencies every router shares: a DB session per request, the signed-in user, role checks.

They read what the composition root (``server``) put on ``app.state``: ``sessions`` (a session
factory) and ``users`` (the UserDirectory). Handlers declare them by type, as the FastAPI
full-stack template does::

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
    if credentials is None:
        raise Unauthorized("请先登录：缺少 Authorization: Bearer 令牌", "missing bearer token")
    user = request.app.state.users.authenticate(credentials.credentials)
    if user is None:
        raise Unauthorized("令牌无效", "invalid token")
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
