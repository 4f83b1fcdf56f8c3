"""Import an official catalogue export (the Guangdong portal's JSON lines) into our data model.

The export is richer in some places (consult phones, service objects) and poorer in others:
it has no fee field, gives materials by name only (no 原件/复印件, copies, 容缺 or 承诺),
and says 无 where a value is missing. The importer maps what it can and reports, per field,
how many items it could not map, so nobody mistakes "unknown" for "none".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.errors import DataError
from service_guide.catalogue import Catalogue
from service_guide.schema import Material, Online, Place, ServiceItem, TimeLimit

_NONE = {"", "无", "null", "None", "暂无", "/"}
_DAYS = re.compile(r"^\s*(\d+)\s*[(（]\s*(工作日|自然日)\s*[)）]\s*$")
_SPLIT = re.compile(r"[、,，;；]")


@dataclass
class ImportReport:
    catalogue: Catalogue
    lines: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "imported": len(self.catalogue),
            "skipped": [{"line": n, "reason": r} for n, r in self.skipped],
            "unmapped_fields": dict(sorted(self.unmapped.items())),
        }


def _value(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return None if text in _NONE else text


def _days(raw: dict[str, Any], key: str, unmapped: Counter) -> tuple[int | None, str | None]:
    text = _value(raw, key)
    if text is None:
        unmapped[f"{key} (无)"] += 1
        return None, None
    match = _DAYS.match(text)
    if not match:
        unmapped[f"{key} (unparsable)"] += 1
        return None, None
    return int(match.group(1)), match.group(2)


def _time_limit(raw: dict[str, Any], unmapped: Counter) -> TimeLimit:
    legal, legal_unit = _days(raw, "handle_time", unmapped)
    promised, promised_unit = _days(raw, "handle_time_limit", unmapped)
    if legal is not None and promised is not None and legal_unit != promised_unit:
        unmapped["handle_time (unit differs from promise)"] += 1
        legal = None
    if legal is not None and promised is not None and promised > legal:
        unmapped["handle_time_limit (longer than legal limit)"] += 1
        promised = None
    return TimeLimit(legal_days=legal, promised_days=promised, unit=promised_unit or legal_unit or "工作日")


def _material_id(name: str) -> str:
    """Materials with the same name are the same document across items."""
    return "gd-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def _materials(raw: dict[str, Any], unmapped: Counter) -> tuple[Material, ...]:
    names = [str(n).strip() for n in raw.get("material_intro") or [] if str(n).strip() not in _NONE]
    if not names:
        unmapped["material_intro (无)"] += 1
        return ()
    unmapped["material form/copies/容缺/承诺 (not in source)"] += 1
    unique = list(dict.fromkeys(names))
    return tuple(Material(id=_material_id(n), name=n) for n in unique)


def _place(raw: dict[str, Any], unmapped: Counter) -> Place | None:
    location = _value(raw, "handle_location")
    if location is None or location.startswith("无线下"):
        unmapped["handle_location (no counter)"] += 1
        return None
    hall = location.removeprefix("办理地点：").removeprefix("办理地点:").strip()
    return Place(hall=hall, address=hall, phone=_value(raw, "consult_phone"))


def _aliases(raw: dict[str, Any], name: str) -> tuple[str, ...]:
    """The short name (简称) and everyday name (日常用语) the portal gives, and the task's own name."""
    aliases = [a.strip() for key in ("matter_short", "matter_daily")
               for a in _SPLIT.split(_value(raw, key) or "") if a.strip()]
    for key in ("TASK_NAME", "subTaskName"):
        other = _value(raw, key)
        if other:
            aliases.append(other)
    return tuple(a for a in dict.fromkeys(aliases) if a != name)


def _listed(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    values = raw.get(key) or []
    if isinstance(values, str):
        values = _SPLIT.split(values)
    return tuple(dict.fromkeys(v for v in (str(v).strip() for v in values) if v not in _NONE))


def _item(raw: dict[str, Any], unmapped: Counter) -> ServiceItem:
    name = _value(raw, "matter_name") or _value(raw, "TASK_NAME")
    if not name:
        raise ValueError("no matter_name/TASK_NAME")
    unmapped["fee (not in source)"] += 1
    conditions = _value(raw, "accept_standard")
    if conditions is None:
        unmapped["accept_standard (无)"] += 1
    visits = _value(raw, "visit_number")
    return ServiceItem(
        code=str(raw.get("TASK_CODE") or "").strip(),
        name=name,
        aliases=_aliases(raw, name),
        department=_value(raw, "DEPT_NAME") or "未注明",
        item_type=_value(raw, "TASK_TYPE_TEXT") or _value(raw, "matter_type") or "未注明",
        conditions=(conditions,) if conditions else (),
        service_objects=_listed(raw, "service_object_name"),
        themes=_listed(raw, "theme_category"),
        catalogue_name=_value(raw, "parentCatalogName") or _value(raw, "CATANAME"),
        materials=_materials(raw, unmapped),
        time_limit=_time_limit(raw, unmapped),
        fee=None,
        place=_place(raw, unmapped),
        online=Online(available=raw.get("online_book") == "是" or raw.get("ONLINECHECK") == "1",
                      level="网上预约" if raw.get("online_book") == "是" else None,
                      url=_value(raw, "URL")),
        visits=int(visits) if visits and visits.isdigit() else None,
        source=f"广东政务服务网（{_value(raw, 'AREA_CODE_TEXT') or '广东'}）",
    )


def import_guangdong(path: Path | str) -> ImportReport:
    """Read the export; a line that cannot become an item is skipped and reported, not fatal."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"找不到办事指南导出文件：{path}", f"catalogue export not found: {path}")
    report = ImportReport(catalogue=Catalogue(items={}))
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            report.lines += 1
            unmapped: Counter = Counter()
            try:
                item = _item(json.loads(line), unmapped)
            except (json.JSONDecodeError, ValidationError, ValueError) as exc:
                report.skipped.append((number, str(exc).splitlines()[0]))
                continue
            if item.code in report.catalogue.items:
                report.skipped.append((number, f"duplicate TASK_CODE {item.code}"))
                continue
            report.catalogue.items[item.code] = item
            report.unmapped.update(unmapped)
    if not report.catalogue.items:
        raise DataError(f"导出文件中没有可导入的事项：{path}", f"no importable items in {path}")
    return report
