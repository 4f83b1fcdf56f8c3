"""The learned model as the service's dispatch source, and routing-table departments read as units.

A deployment chooses its source with ``ROUTER_DISPATCH_SOURCE``: ``table`` (the routing table and
the classifier's categories, for a new district without history — the sample district is the
demo) or ``learned`` (this package's model, for a city with replied orders to learn from). Both
answer with ``DepartmentSuggestion``s, so intake, the console and auto-dispatch do not care which.
With the learned source a department code is a unit key (``A3区|街道/乡镇|洋湖街道``); a
table code still works for overrides, read as the unit it stands for.
"""

from __future__ import annotations

from collections.abc import Sequence

from classifier.holder import ModelHolder
from classifier.model import LabelScore
from routing.departments.extract import ReplyUnitExtractor
from routing.departments.units import STREET_TYPE, Unit
from routing.dispatch import DepartmentSuggestion
from routing.table import RoutingTable


def table_unit_types(table: RoutingTable, extractor: ReplyUnitExtractor | None = None) -> dict[str, str]:
    """Each routing-table department's unit type, read from its name with the reply vocabulary
    (青山区住房和城乡建设局 → 住建/房产, 河西街道办事处 → 街道/乡镇)."""
    extractor = extractor or ReplyUnitExtractor()
    types = {}
    for code, department in table.departments.items():
        mentions = [m for m in extractor.mentions(department.name) if m.unit_type]
        types[code] = mentions[-1].unit_type if mentions else "其他"
    return types


def table_units(table: RoutingTable, district: str, extractor: ReplyUnitExtractor | None = None
                ) -> dict[str, Unit]:
    """Each routing-table department as a unit of ``district`` (a street office with its street's name)."""
    extractor = extractor or ReplyUnitExtractor()
    units = {}
    for code, unit_type in table_unit_types(table, extractor).items():
        name = None
        if unit_type == STREET_TYPE:
            streets = [m for m in extractor.mentions(table.departments[code].name) if m.unit_type == STREET_TYPE]
            name = streets[-1].name if streets else None
        units[code] = Unit(district, unit_type, name)
    return units


class LearnedDispatcher:
    """Suggests units with the dispatch model in service (hot-swapped after a promotion)."""

    def __init__(self, holder: ModelHolder, table: RoutingTable, units: dict[str, Unit]) -> None:
        self.holder = holder
        self.table = table
        self.table_units = units

    def suggest(self, text: str, categories: Sequence[LabelScore], k: int = 3) -> list[DepartmentSuggestion]:
        """Top-k units with their evidence; none until a dispatch model is trained."""
        loaded = self.holder.reload()
        if loaded is None:
            return []
        model = loaded.model
        category = categories[0].label if categories else None
        return [
            DepartmentSuggestion(
                department=s.key,
                name=s.unit.label(),
                score=s.score,
                evidence={
                    "unit_type": s.unit.unit_type,
                    "type_probability": s.type_probability,
                    "terms": s.evidence.get("terms", []),
                    "places": s.evidence.get("places", {}),
                    "streets": s.evidence.get("streets", []),
                    "category": category,
                    "model_version": loaded.version,
                    "complete": s.unit.complete,
                },
            )
            for s in model.suggest([text], k=k)[0]
        ]

    def should_auto_dispatch(self, suggestion: dict) -> bool:
        """A complete unit whose score reaches the threshold chosen when the model was trained."""
        loaded = self.holder.current
        unit = Unit.parse(suggestion.get("department", ""))
        return (loaded is not None and unit is not None and unit.complete
                and suggestion.get("score", 0.0) >= loaded.model.auto_threshold_)

    def knows(self, code: str) -> bool:
        """A routing-table code, or a complete unit of a type the model knows."""
        if code in self.table.departments:
            return True
        unit = Unit.parse(code)
        loaded = self.holder.current
        return unit is not None and unit.complete and (loaded is None or unit.unit_type in loaded.model.types_seen_)

    def department_name(self, code: str) -> str:
        if code in self.table.departments:
            return self.table.department_name(code)
        unit = Unit.parse(code)
        return unit.label() if unit else code

    def departments(self) -> list[dict]:
        """Units an operator can send an order to: those seen in training, then the table's."""
        loaded = self.holder.reload()
        known = list(loaded.model.units_) if loaded is not None else []
        listed = [{"code": key, "name": Unit.parse(key).label(), "kind": "unit"} for key in known]
        return listed + [{"code": c, "name": d.name, "kind": d.kind} for c, d in self.table.departments.items()]
