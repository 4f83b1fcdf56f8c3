"""FastAPI dependencies: the loaded context, a DB session per request, and role checks.

The ones that never block are ``async``: FastAPI runs sync dependencies in its thread pool,
and a thread hop per dependency is a measurable share of a 5 ms request.
"""

from __future__ import annotations

from typing import Callable, Iterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from routing.auth import Role, User
from routing.context import RouterContext
from routing.errors import ServiceError

bearer = HTTPBearer(auto_error=False)


class Unauthorized(ServiceError):
    status_code = 401


class RoleForbidden(ServiceError):
    status_code = 403


async def get_context(request: Request) -> RouterContext:
    return request.app.state.context


def get_session(ctx: RouterContext = Depends(get_context)) -> Iterator[Session]:
    """One session per request, closed when the request is done."""
    with ctx.sessions() as session:
        yield session


async def current_user(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    ctx: RouterContext = Depends(get_context),
) -> User:
    if credentials is None:
        raise Unauthorized("请先登录：缺少 Authorization: Bearer 令牌", "missing bearer token")
    user = ctx.users.authenticate(credentials.credentials)
    if user is None:
        raise Unauthorized("令牌无效", "invalid token")
    return user


def require(*roles: Role) -> Callable[..., User]:
    """A dependency that lets through only ``roles`` (admin always)."""
    allowed = {*roles, Role.ADMIN}

    async def check(user: User = Depends(current_user)) -> User:
        if user.role not in allowed:
            names = "、".join(sorted(r.value for r in allowed))
            raise RoleForbidden(f"当前角色「{user.role.value}」无权执行此操作（需要：{names}）",
                                f"role {user.role.value} may not do this (needs one of: {names})")
        return user

    return check
