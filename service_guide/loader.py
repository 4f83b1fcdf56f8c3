"""Load the hand-written catalogue YAML, resolving shared materials and halls, validating every entry.

The file keeps one definition per material (``materials:``) and per service hall (``halls:``);
items refer to them by ``ref`` and may override per-item fields (copies, 容缺, 承诺, note).
A referenced material is the same document wherever it appears (asked once in a bundle),
unless its definition says ``per_item: true`` (each item's own application form).
A broken entry stops start-up with an error naming the item and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.errors import DataError
from service_guide.catalogue import Catalogue
from service_guide.schema import Bundle, ServiceItem


class CatalogueError(DataError):
    """A catalogue entry is malformed; the message names the entry and the field."""


def _entry_error(kind: str, code: str, field: str, problem: str) -> CatalogueError:
    kind_en = {"事项": "item", "一件事": "bundle"}[kind]
    return CatalogueError(f"办事指南{kind} {code} 的字段 {field} 有误：{problem}",
                          f"catalogue {kind_en} {code}, field {field}: {problem}")


def _resolve_ref(entry: dict[str, Any], library: dict[str, dict], code: str, field: str) -> dict[str, Any]:
    if "ref" not in entry:
        return dict(entry)
    ref = entry["ref"]
    if ref not in library:
        raise _entry_error("事项", code, f"{field}.ref", f"未定义的引用 {ref!r} (unknown reference)")
    definition = dict(library[ref])
    per_item = definition.pop("per_item", False)
    resolved = {**definition, **{k: v for k, v in entry.items() if k != "ref"}}
    resolved.setdefault("id", f"{ref}@{code}" if per_item else ref)
    return resolved


def _build_item(raw: Any, materials: dict[str, dict], halls: dict[str, dict], position: int) -> ServiceItem:
    if not isinstance(raw, dict):
        raise _entry_error("事项", f"#{position + 1}", "(整条)", "应为映射 (must be a mapping)")
    code = str(raw.get("code") or f"#{position + 1}")
    data = dict(raw)
    data["materials"] = [
        _resolve_ref(m if isinstance(m, dict) else {"ref": m}, materials, code, f"materials[{i}]")
        for i, m in enumerate(raw.get("materials") or [])
    ]
    if isinstance(raw.get("place"), dict):
        data["place"] = _resolve_ref(raw["place"], halls, code, "place")
        data["place"].pop("id", None)
    try:
        return ServiceItem.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(整条)"
        raise _entry_error("事项", code, field, first["msg"]) from exc


def catalogue_from_dict(data: dict[str, Any]) -> Catalogue:
    """Validate a parsed catalogue document; codes are unique and bundles name known items."""
    materials = data.get("materials") or {}
    halls = data.get("halls") or {}
    items: dict[str, ServiceItem] = {}
    for position, raw in enumerate(data.get("items") or []):
        item = _build_item(raw, materials, halls, position)
        if item.code in items:
            raise _entry_error("事项", item.code, "code", "编码重复 (duplicate code)")
        items[item.code] = item
    if not items:
        raise CatalogueError("办事指南没有任何事项", "the catalogue has no items")
    bundles: dict[str, Bundle] = {}
    for position, raw in enumerate(data.get("bundles") or []):
        code = str(raw.get("code") or f"#{position + 1}") if isinstance(raw, dict) else f"#{position + 1}"
        try:
            bundle = Bundle.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise _entry_error("一件事", code, ".".join(str(p) for p in first["loc"]), first["msg"]) from exc
        unknown = [c for c in bundle.items if c not in items]
        if unknown:
            raise _entry_error("一件事", code, "items", f"引用了不存在的事项 {', '.join(unknown)} (unknown items)")
        if code in items or code in bundles:
            raise _entry_error("一件事", code, "code", "编码重复 (duplicate code)")
        bundles[code] = bundle
    return Catalogue(items=items, bundles=bundles, district=str(data.get("district", "")))


def load_catalogue(path: Path | str) -> Catalogue:
    """Read a catalogue: the hand-written YAML, or an official JSON-lines export (by extension)."""
    path = Path(path)
    if not path.exists():
        raise CatalogueError(f"找不到办事指南文件：{path}", f"catalogue file not found: {path}")
    if path.suffix == ".jsonl":
        from service_guide.guangdong import import_guangdong

        return import_guangdong(path).catalogue
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"办事指南文件不是合法的 YAML：{path}：{exc}",
                             f"catalogue is not valid YAML: {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"办事指南文件格式不对：{path}", f"catalogue must be a mapping: {path}")
    return catalogue_from_dict(data)
