"""/api/me and /api/departments: who is signed in, and whom orders can be sent to (for the consoles and
the leaders' analysis, which names departments)."""

from __future__ import annotations

from fastapi import APIRouter

from core.auth import Role
from core.deps import CurrentUser, require
from routing.api.deps import ContextDep

router = APIRouter(prefix="/api", tags=["directory"])
Staff = require(Role.OPERATOR, Role.DEPARTMENT, Role.TRAINER, Role.LEADER)


@router.get("/me")
async def me(user: CurrentUser) -> dict:
    """The signed-in user as the pages need it: they show or refuse themselves by role."""
    return {"name": user.name, "role": user.role.value, "department": user.department}


@router.get("/departments")
async def departments(ctx: ContextDep, user: Staff) -> list[dict]:
    return ctx.dispatcher.departments()
