"""The routing table (派单路由表): category and tags → responsible department, with its 权责清单 clause.

Operators edit a YAML file; it is validated on load so a typo is a clear error at start-up,
naming the route, rather than a wrong dispatch at three in the morning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator


class RoutingTableError(ValueError):
    """The routing table file is missing or invalid; the message names the place."""


class Department(BaseModel):
    name: str = Field(min_length=1)
    kind: Literal["bureau", "street"]


class Route(BaseModel):
    category: str = Field(min_length=1)
    department: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    default: bool = False
    street_level: bool = False

    @model_validator(mode="after")
    def _tags_or_default(self) -> Route:
        if not self.default and not self.tags:
            raise ValueError("a route needs tags unless it is the category's default")
        return self


class RoutingTable(BaseModel):
    departments: dict[str, Department]
    routes: list[Route]

    @model_validator(mode="after")
    def _consistent(self) -> RoutingTable:
        for index, route in enumerate(self.routes):
            if route.department not in self.departments:
                raise ValueError(f"routes[{index}] ({route.category}): unknown department '{route.department}'")
        defaults = [r.category for r in self.routes if r.default]
        duplicates = {c for c in defaults if defaults.count(c) > 1}
        if duplicates:
            raise ValueError(f"more than one default route for {sorted(duplicates)}")
        return self

    @property
    def categories(self) -> set[str]:
        return {r.category for r in self.routes}

    def routes_for(self, category: str) -> list[Route]:
        return [r for r in self.routes if r.category == category]

    def category_for_department(self, code: str) -> str | None:
        """The one first-level category routed to ``code``, or None (none, or several)."""
        categories = {r.category for r in self.routes if r.department == code}
        return categories.pop() if len(categories) == 1 else None

    def department_name(self, code: str) -> str:
        return self.departments[code].name


def load_routing_table(path: Path | str) -> RoutingTable:
    """Read and validate the routing table; raise RoutingTableError naming what is wrong."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return RoutingTable.model_validate(raw)
    except FileNotFoundError as exc:
        raise RoutingTableError(f"路由表文件不存在 / routing table not found: {path}") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise RoutingTableError(f"路由表无效 / invalid routing table {path}: {exc}") from exc
