"""The loaded catalogue: items and bundles by code, and the merged checklist of several items."""

from __future__ import annotations

from dataclasses import dataclass, field

from service_guide.schema import Bundle, Material, ServiceItem


@dataclass(frozen=True)
class ChecklistEntry:
    """A material as asked for once, with the items that need it."""

    material: Material
    items: tuple[str, ...]


@dataclass
class Catalogue:
    items: dict[str, ServiceItem]
    bundles: dict[str, Bundle] = field(default_factory=dict)
    district: str = ""

    def __len__(self) -> int:
        return len(self.items)

    def item(self, code: str) -> ServiceItem | None:
        return self.items.get(code)

    def bundle(self, code: str) -> Bundle | None:
        return self.bundles.get(code)

    def item_codes_of(self, code: str) -> tuple[str, ...]:
        """The items behind an item or bundle code; empty for an unknown code."""
        if code in self.items:
            return (code,)
        bundle = self.bundles.get(code)
        return bundle.items if bundle else ()

    def checklist(self, item_codes: tuple[str, ...] | list[str]) -> list[ChecklistEntry]:
        """Materials of several items, each asked once (一件事: shared materials merge by id).

        A merged material is required if any item requires it; it may be supplied later
        (容缺) or replaced by a commitment (承诺) only if every item that needs it allows so.
        A certificate one of the items issues (营业执照 in 企业开办) is not asked for.
        """
        produced = {m for code in item_codes for m in self.items[code].produces}
        merged: dict[str, Material] = {}
        needed_by: dict[str, list[str]] = {}
        for code in item_codes:
            for material in self.items[code].materials:
                if material.id in produced:
                    continue
                if material.id not in merged:
                    merged[material.id] = material
                    needed_by[material.id] = [code]
                    continue
                previous = merged[material.id]
                required = previous.required or material.required
                merged[material.id] = previous.model_copy(update={
                    "required": required,
                    "copies": max(previous.copies, material.copies),
                    "rongque": required and _allows(previous, material, "rongque"),
                    "chengnuo": required and _allows(previous, material, "chengnuo"),
                })
                needed_by[material.id].append(code)
        return [ChecklistEntry(m, tuple(needed_by[m.id])) for m in merged.values()]


def _allows(a: Material, b: Material, flag: str) -> bool:
    """A substitute holds for a merged material only if each required use allows it."""
    return all(getattr(m, flag) for m in (a, b) if m.required)
