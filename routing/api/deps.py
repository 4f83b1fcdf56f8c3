"""Routing's state for its routers, as the composition root put it on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from routing.context import RouterContext


async def get_context(request: Request) -> RouterContext:
    return request.app.state.router


ContextDep = Annotated[RouterContext, Depends(get_context)]
