"""An issue as leaders read it: where, what, since when, how many people, and how hot.

The description is built from the members themselves: the place most of them name (with its
district), and the problem words most of their titles share, weighted by how specific the words
are (class-based TF-IDF), read off the most typical title so that they keep their natural order
(翠竹园小区 + 搅拌站 噪音扰民 gives "青山区翠竹园小区 搅拌站噪音扰民").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

import numpy as np

from analytics.dataset import Message
from analytics.features import MessageAnalysis
from analytics.heat import Heat, HeatConfig, heat_index

_EDGE_RE = re.compile(r"^[\W_的]+|[\W_]+$")


@dataclass(frozen=True)
class DescriptionConfig:
    request_words: tuple[str, ...] = ()
    max_word_share: float = 0.2
    max_phrase_chars: int = 18
    min_coverage: float = 0.15
    generic_tails: tuple[str, ...] = ("小区", "社区", "片区")


@dataclass
class Issue:
    """One issue with its members; ``heat`` is computed as of ``as_of``."""

    id: int
    description: str
    place: str
    area: str
    problem: str
    first: datetime
    last: datetime
    n_messages: int
    n_users: int
    likes: int
    dislikes: int
    heat: float
    heat_parts: dict = field(default_factory=dict)
    message_ids: list[str] = field(default_factory=list)
    rank: int = 0

    def to_json(self) -> dict:
        data = asdict(self)
        data["first"] = self.first.isoformat(sep=" ")
        data["last"] = self.last.isoformat(sep=" ")
        return data


def describe(analyses: Sequence[MessageAnalysis], titles: Sequence[str], share: dict[str, float],
             typical: int, config: DescriptionConfig) -> tuple[str, str, str]:
    """(area, place, problem) of a group; ``typical`` indexes its most typical member, ``share`` is the
    share of all messages each word occurs in."""
    n = len(analyses)
    in_titles = [[p for p in a.places if p in t] or a.places for a, t in zip(analyses, titles, strict=True)]
    place = _most_common(in_titles, titles, n)
    districts = [[x for x in a.areas if x[-1] in "区县"] or a.areas for a in analyses]
    area = _most_common(districts, titles, n)
    names = [place, _stem(place, config.generic_tails), *{x for a in analyses for x in a.areas}]
    stripped = [_strip(t, names, config.request_words) for t in titles]
    if n == 1:
        return area, place, _EDGE_RE.sub("", stripped[0].replace("|", ""))[: config.max_phrase_chars]
    skip = {*names, *config.request_words}
    coverage = Counter(w for a in analyses for w in set(a.title_words)
                       if w not in skip and len(w) > 1 and w not in place
                       and share.get(w, 0.0) <= config.max_word_share)
    scored = sorted(coverage, key=lambda w: -coverage[w] * -math.log(share.get(w, 1 / len(share))))
    floor = max(2, config.min_coverage * n)
    words = [w for w in scored if coverage[w] >= floor][:4] or scored[:3]
    best = max(range(n), key=lambda i: (sum(w in stripped[i] for w in words), i == typical, -len(stripped[i])))
    return area, place, _phrase(stripped[best], words, config.max_phrase_chars)


def _stem(place: str, tails: Sequence[str]) -> str:
    """阳光家园小区 -> 阳光家园, which titles also use."""
    return next((place[: -len(t)] for t in tails if place.endswith(t) and len(place) - len(t) >= 2), "")


def _strip(title: str, names: Sequence[str], request_words: Sequence[str]) -> str:
    """``title`` with place names and areas marked ``|`` and request words dropped."""
    for name in sorted(filter(None, names), key=len, reverse=True):
        title = title.replace(name, "|")
    for word in sorted(request_words, key=len, reverse=True):
        title = title.replace(word, "")
    return title


def _most_common(values: Sequence[Sequence[str]], titles: Sequence[str], n: int) -> str:
    """The value most members name (at least a third of them); ties go to the one titles name first."""
    counts = Counter(v for group in values for v in set(group))
    if not counts:
        return ""

    def first_position(value: str) -> float:
        positions = [t.find(value) for t in titles if value in t]
        return sum(positions) / len(positions) if positions else float("inf")

    best = min(counts, key=lambda v: (-counts[v], first_position(v)))
    return best if counts[best] >= max(1, n / 3) else ""


def _phrase(title: str, words: Sequence[str], max_chars: int) -> str:
    """The shortest stretch of ``title`` that holds the problem words it contains, else the words."""
    hits = sorted((title.find(w), w) for w in words if w in title)
    if hits:
        begin, end = hits[0][0], max(i + len(w) for i, w in hits)
        if end - begin <= max_chars and "|" not in title[begin:end]:
            return title[begin:end]
        return "".join(w for _, w in hits)
    return "".join(words)


def build_issue(issue_id: int, members: Sequence[int], messages: Sequence[Message],
                analyses: Sequence[MessageAnalysis], share: dict[str, float], typical: int, as_of: datetime,
                heat_config: HeatConfig, description: DescriptionConfig) -> Issue:
    """Summarise the messages at positions ``members``; ``typical`` is a position among them."""
    chosen = [messages[i] for i in members]
    area, place, problem = describe([analyses[i] for i in members], [m.title for m in chosen], share,
                                    members.index(typical), description)
    times = [m.time for m in chosen]
    likes, dislikes = sum(m.likes for m in chosen), sum(m.dislikes for m in chosen)
    heat: Heat = heat_index(times, [m.user for m in chosen], likes, dislikes, as_of, heat_config)
    where = f"{area}{place}" if place else area
    return Issue(
        id=issue_id, description=f"{where} {problem}".strip(), place=place, area=area, problem=problem,
        first=min(times), last=max(times), n_messages=len(chosen), n_users=len({m.user for m in chosen}),
        likes=likes, dislikes=dislikes, heat=heat.heat,
        heat_parts={"reach": heat.reach, "recency": heat.recency, "growth": heat.growth},
        message_ids=[m.id for m in sorted(chosen, key=lambda m: m.time)],
    )


def most_typical(members: Sequence[int], similarity_rows: np.ndarray) -> int:
    """The member with the highest mean similarity to the others (``similarity_rows``: members × members)."""
    return members[int(np.argmax(similarity_rows.sum(axis=1)))]


def rank(issues: list[Issue]) -> list[Issue]:
    """Hottest first; ties go to more people, then to the earlier issue."""
    ordered = sorted(issues, key=lambda i: (-i.heat, -i.n_users, i.first))
    for position, issue in enumerate(ordered, start=1):
        issue.rank = position
    return ordered
