"""The learning stage's state for its routers, as the composition root put it on ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from learning.context import LearningContext


async def get_learning(request: Request) -> LearningContext:
    return request.app.state.learning


LearningDep = Annotated[LearningContext, Depends(get_learning)]
