"""/api/me and /api/departments: who is signed in, and whom orders can be sent to (for the consoles)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from routing.api.deps import current_user, get_context, require
from routing.auth import Role, User
from routing.context import RouterContext

router = APIRouter(prefix="/api", tags=["directory"])


@router.get("/me")
async def me(user: User = Depends(current_user)) -> dict:
    """The signed-in user as the pages need it: they show or refuse themselves by role."""
    return {"name": user.name, "role": user.role.value, "department": user.department}


@router.get("/departments")
async def departments(ctx: RouterContext = Depends(get_context),
                      user: User = Depends(require(Role.OPERATOR, Role.DEPARTMENT, Role.TRAINER))) -> list[dict]:
    return [{"code": code, "name": d.name, "kind": d.kind} for code, d in ctx.table.departments.items()]
