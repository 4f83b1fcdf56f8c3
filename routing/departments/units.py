"""Handling units (承办单位): jurisdiction + unit type (+ name for a street or town).

A unit is what a dispatcher chooses: "A3区 街道/乡镇 洋湖街道" or "A市 住建/房产". The
jurisdiction is a place code as the data writes it: a city (``A市``, its city-level
bureaus), a district or county (``A3区``, ``A7县``, a county-level city ``J11市``) or the
province (``西地省``). The type vocabulary and the words that name each type live in
``config/unit_types.yml`` so a deployment can extend them without touching code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parent / "config"
UNIT_TYPES_FILE = CONFIG_DIR / "unit_types.yml"
JURISDICTIONS_FILE = CONFIG_DIR / "jurisdictions.yml"

STREET_TYPE = "街道/乡镇"
GOVERNMENT_TYPE = "政府办"
OTHER_TYPE = "其他"
PROVINCE = "西地省"

# A3区, A7县, J11市 (district level: letter and number) or A市 (a city: letter only).
CODE_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z])(\d{0,2})([市区县])")

LEVEL_PROVINCE = "省级"
LEVEL_CITY = "市级"
LEVEL_DISTRICT = "区县级"


@dataclass(frozen=True)
class Unit:
    """A handling unit; ``name`` is kept only for streets and towns, where it picks the office."""

    jurisdiction: str | None
    unit_type: str
    name: str | None = None

    @property
    def key(self) -> str:
        """The full unit as one string, e.g. ``A3区|街道/乡镇|洋湖街道`` or ``A市|住建/房产``."""
        parts = [self.jurisdiction or "?", self.unit_type]
        if self.unit_type == STREET_TYPE:
            parts.append(self.name or "?")
        return "|".join(parts)

    @property
    def complete(self) -> bool:
        """Whether jurisdiction (and a street's name) are known, so the full unit can be scored."""
        return self.jurisdiction is not None and (self.unit_type != STREET_TYPE or bool(self.name))

    @classmethod
    def parse(cls, key: str) -> Unit | None:
        """The unit a ``key`` names (``A3区|街道/乡镇|洋湖街道``), or None if it is not one."""
        parts = (key or "").split("|")
        if len(parts) not in (2, 3) or not parts[1] or (len(parts) == 3) != (parts[1] == STREET_TYPE):
            return None
        jurisdiction = None if parts[0] in ("", "?") else parts[0]
        name = parts[2] if len(parts) == 3 and parts[2] not in ("", "?") else None
        return cls(jurisdiction, parts[1], name)

    def label(self) -> str:
        """How an operator reads it: ``A3区 洋湖街道``, ``A市 住建/房产``."""
        where = self.jurisdiction or "?"
        what = self.name if self.unit_type == STREET_TYPE and self.name else self.unit_type
        return f"{where} {what}"


@dataclass(frozen=True)
class Jurisdictions:
    """Recognises jurisdictions in text: the data's codes by pattern, a deployment's names from a file."""

    province: str = PROVINCE
    cities: tuple[str, ...] = ()
    districts: tuple[tuple[str, str], ...] = ()

    @property
    def pattern(self) -> re.Pattern:
        names = [self.province, *self.cities, *(d for d, _ in self.districts)]
        named = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
        return re.compile(f"{named}|{CODE_RE.pattern}")

    def find(self, text: str) -> list[str]:
        """Jurisdictions in the order they occur (A市, A3区, 青山区…), repeats kept."""
        return [m.group(0) for m in self.pattern.finditer(text)]

    def level(self, code: str | None) -> str | None:
        """省级, 市级 or 区县级."""
        if code is None:
            return None
        if code == self.province:
            return LEVEL_PROVINCE
        if code in self.cities:
            return LEVEL_CITY
        if code in dict(self.districts):
            return LEVEL_DISTRICT
        match = CODE_RE.fullmatch(code)
        if match is None:
            return None
        return LEVEL_CITY if not match.group(2) and match.group(3) == "市" else LEVEL_DISTRICT

    def city(self, code: str | None) -> str | None:
        """The city a jurisdiction belongs to: ``A3区`` → ``A市``, ``青山区`` → ``江城市``."""
        if code in self.cities:
            return code
        named = dict(self.districts)
        if code in named:
            return named[code]
        match = CODE_RE.fullmatch(code or "")
        return f"{match.group(1)}市" if match else None


def load_jurisdictions(path: Path | str = JURISDICTIONS_FILE) -> Jurisdictions:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return Jurisdictions(
        province=raw.get("province", PROVINCE),
        cities=tuple(raw.get("cities", [])),
        districts=tuple((name, city) for name, city in (raw.get("districts") or {}).items()),
    )


@lru_cache(maxsize=4)
def default_jurisdictions() -> Jurisdictions:
    return load_jurisdictions(JURISDICTIONS_FILE)


@dataclass(frozen=True)
class UnitVocabulary:
    """The unit types, their naming words, relay offices, non-units and generic references."""

    keywords: dict[str, str]
    relays: tuple[str, ...]
    not_units: frozenset[str]
    generic: tuple[str, ...]

    @property
    def types(self) -> list[str]:
        return sorted(set(self.keywords.values()))


def load_vocabulary(path: Path | str = UNIT_TYPES_FILE) -> UnitVocabulary:
    """Read the unit-type file; a keyword listed under two types is an error."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    keywords: dict[str, str] = {}
    for unit_type, words in raw["types"].items():
        for word in words:
            if word in keywords and keywords[word] != unit_type:
                raise ValueError(f"{path}: '{word}' is listed under {keywords[word]} and {unit_type}")
            keywords[word] = unit_type
    return UnitVocabulary(
        keywords=keywords,
        relays=tuple(str(w) for w in raw.get("relays", [])),
        not_units=frozenset(raw.get("not_units", [])),
        generic=tuple(raw.get("generic", [])),
    )


@lru_cache(maxsize=4)
def default_vocabulary() -> UnitVocabulary:
    return load_vocabulary(UNIT_TYPES_FILE)
