"""The learned gazetteer: streets, towns, communities and estates, each tied to its district.

Citizens rarely write the district: "洋湖街道…", "星沙…", "景蓉华苑小区…". The replies and the
messages that do write it teach which district (and which street) a place belongs to: every
message that names a district code and a place is a vote for that pair. A place is kept when
it was seen often enough (``min_count``) and mostly with one district (``min_purity``); stems
of street and town names (洋湖 for 洋湖街道) are kept the same way, since people drop the suffix.

Saved as YAML so a person can read and correct it, like the routing table's gazetteer.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from routing.departments.extract import ReplyUnitExtractor, clean_reply, trim_name
from routing.departments.units import LEVEL_DISTRICT, STREET_TYPE, Jurisdictions, Unit

KIND_STREET = "街道/乡镇"
KIND_STEM = "地名"
KIND_COMMUNITY = "社区/村"
KIND_ESTATE = "小区"

# A community or village, an estate: a short name and one of these endings.
_COMMUNITY_RE = re.compile(r"([\u4e00-\u9fff]{2,5}?)(社区|村)(?![民委组级庄里镇])")
_ESTATE_RE = re.compile(
    r"([\u4e00-\u9fff]{2,6}?)(小区|花园|家园|新村|公寓|华庭|雅苑|花苑|名苑|山庄|国际)(?![\u4e00-\u9fff]{0,1}区)"
)
_GENERIC_STEMS = frozenset(
    "我们 这个 该 本 所在 附近 周边 当地 整个 一个 这里 那里 我家 我们小区 老旧 新建 安置 农村 城市 全市 各个 相关 "
    "这些 那些 居民 业主 我的 其他 现在 目前 没有 一些 很多 所有 以及".split()
)


@dataclass(frozen=True)
class PlaceHit:
    """A gazetteer place found in a text."""

    name: str
    kind: str
    district: str
    street: str | None


@dataclass(frozen=True)
class Observation:
    """What one message teaches: its text, its reply, and the unit read from the reply (if any)."""

    text: str
    reply: str = ""
    unit: Unit | None = None


class LearnedGazetteer:
    """Places → district (and street), learned from messages and replies; see the module docstring."""

    def __init__(self, min_count: int = 2, min_purity: float = 0.75, jurisdictions: Jurisdictions | None = None,
                 extractor: ReplyUnitExtractor | None = None) -> None:
        self.extractor = extractor or ReplyUnitExtractor(jurisdictions=jurisdictions)
        self.jurisdictions = self.extractor.jurisdictions
        self.min_count = min_count
        self.min_purity = min_purity
        self.places: dict[str, dict] = {}
        self._pattern: re.Pattern | None = None

    # ---- learning ------------------------------------------------------------------------

    def candidates(self, text: str) -> list[tuple[str, str]]:
        """(name, kind) of the places written in ``text``: streets and towns, their stems,
        communities and villages, estates."""
        found: list[tuple[str, str]] = []
        for mention in self.extractor.mentions(text):
            if mention.unit_type == STREET_TYPE and not mention.self_suffix:
                name = mention.name.removeprefix(mention.prefix_code or "")
                found.append((name, KIND_STREET))
                stem = name.removesuffix("街道").rstrip("镇乡")
                if len(stem) >= 2 and stem not in _GENERIC_STEMS:
                    found.append((stem, KIND_STEM))
        for pattern, kind in ((_COMMUNITY_RE, KIND_COMMUNITY), (_ESTATE_RE, KIND_ESTATE)):
            for match in pattern.finditer(text):
                stem = trim_name(match.group(1), place=True)
                if len(stem) >= 2 and stem not in _GENERIC_STEMS:
                    found.append((stem + match.group(2), kind))
        return found

    def fit(self, observations: Iterable[Observation]) -> LearnedGazetteer:
        """Count place–district and place–street pairs over the messages; keep the clear ones."""
        district_votes: dict[str, Counter] = defaultdict(Counter)
        street_votes: dict[str, Counter] = defaultdict(Counter)
        kinds: dict[str, str] = {}
        for obs in observations:
            text = clean_reply(obs.text)
            reply = clean_reply(obs.reply)
            district = self._home_district(text, reply, obs.unit)
            places = set(self.candidates(text)) | set(self.candidates(reply))
            streets = {n for n, k in places if k == KIND_STREET}
            if obs.unit is not None and obs.unit.unit_type == STREET_TYPE and obs.unit.name:
                streets.add(obs.unit.name)
            for name, kind in places:
                kinds.setdefault(name, kind)
                if district:
                    district_votes[name][district] += 1
                if kind in (KIND_COMMUNITY, KIND_ESTATE) and len(streets) == 1:
                    street_votes[name][next(iter(streets))] += 1
        for name in sorted(district_votes, key=len, reverse=True):
            shorter = self._known_suffix(name, district_votes)
            if shorter:
                district_votes[shorter].update(district_votes.pop(name))
                street_votes[shorter].update(street_votes.pop(name, Counter()))
        self.places = {}
        for name, votes in district_votes.items():
            total = sum(votes.values())
            district, count = votes.most_common(1)[0]
            if total < self.min_count or count / total < self.min_purity:
                continue
            entry = {"kind": kinds[name], "district": district, "support": count}
            street_count = street_votes.get(name)
            if street_count:
                street, n = street_count.most_common(1)[0]
                if n / sum(street_count.values()) >= self.min_purity:
                    entry["street"] = street
            self.places[name] = entry
        self._pattern = None
        return self

    @staticmethod
    def _known_suffix(name: str, seen: dict) -> str | None:
        """The shortest proper suffix of ``name`` that was itself seen as a place (减轻附近洞井街道 → 洞井街道):
        the text before it was a word the name trimming did not know."""
        for start in range(len(name) - 3, 0, -1):
            suffix = name[start:]
            if suffix in seen:
                return suffix
        return None

    def canonical(self, name: str) -> str:
        """The gazetteer's form of a place name: itself if known, else its longest known suffix."""
        if name in self.places:
            return name
        for start in range(1, len(name) - 2):
            if name[start:] in self.places:
                return name[start:]
        return name

    def _home_district(self, text: str, reply: str, unit: Unit | None) -> str | None:
        """The district a message is about: the one it names, else its handling unit's district."""
        for source in (text, reply):
            districts = [c for c in self.jurisdictions.find(source) if self.jurisdictions.level(c) == LEVEL_DISTRICT]
            if districts:
                return Counter(districts).most_common(1)[0][0]
        if unit is not None and self.jurisdictions.level(unit.jurisdiction) == LEVEL_DISTRICT:
            return unit.jurisdiction
        return None

    # ---- using it ------------------------------------------------------------------------

    def locate(self, text: str) -> list[PlaceHit]:
        """Gazetteer places in ``text``, longest names first where they overlap."""
        if not self.places:
            return []
        if self._pattern is None:
            names = sorted(self.places, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, names)))
        hits = []
        for match in self._pattern.finditer(text):
            entry = self.places[match.group(0)]
            hits.append(PlaceHit(match.group(0), entry["kind"], entry["district"], entry.get("street")))
        return hits

    def district_of(self, street_name: str) -> str | None:
        entry = self.places.get(street_name)
        return entry["district"] if entry else None

    def complete(self, unit: Unit) -> Unit:
        """A street label without its district gets the district the gazetteer ties the street to."""
        if unit.jurisdiction is None and unit.unit_type == STREET_TYPE and unit.name:
            district = self.district_of(unit.name)
            if district:
                return Unit(district, unit.unit_type, unit.name)
        return unit

    # ---- storage -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {"min_count": self.min_count, "min_purity": self.min_purity,
                "places": {name: self.places[name] for name in sorted(self.places)}}

    def save(self, path: Path | str) -> None:
        header = "# 学习得到的地名库 / learned gazetteer: place → district (and street); see gazetteer.py\n"
        Path(path).write_text(header + yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False),
                              encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str, jurisdictions: Jurisdictions | None = None) -> LearnedGazetteer:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        gazetteer = cls(raw.get("min_count", 2), raw.get("min_purity", 0.75), jurisdictions=jurisdictions)
        gazetteer.places = dict(raw.get("places") or {})
        return gazetteer


def observations(texts: Sequence[str], replies: Sequence[str], units: Sequence[Unit | None]) -> list[Observation]:
    return [Observation(t, r, u) for t, r, u in zip(texts, replies, units, strict=False)]
