"""智能派单: suggest the responsible departments for a work order, with scores and evidence.

Each of the classifier's top categories spreads its calibrated probability over that
category's routes: routes whose tags occur in the text share it by number of hits, the
category's default route keeps a small part; when no tag matched, the default keeps only
part of it if the category has other routes (the department is then a guess). A
street-level route goes to the street office of the place named in the text (属地), with
the bureau kept as an alternative. Scores are summed per department and never exceed the
category's probability: the top score is the confidence auto-dispatch compares to its threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from classifier.model import LabelScore
from routing.places import Place, PlaceExtractor
from routing.table import Route, RoutingTable

DEFAULT_SHARE_WHEN_TAGS_MATCH = 0.25
# When a category has specific routes and none matched, its default is a guess: it keeps this
# share and the rest stays unallocated, so such guesses do not reach auto-dispatch.
DEFAULT_SHARE_WHEN_NOTHING_MATCHES = 0.6
STREET_SHARE = 0.8


@dataclass
class DepartmentSuggestion:
    department: str
    name: str
    score: float
    evidence: dict = field(default_factory=dict)


class Dispatcher:
    """Combines classifier probabilities with the routing table and 属地 rules."""

    def __init__(self, table: RoutingTable, places: PlaceExtractor, auto_threshold: float) -> None:
        self.table = table
        self.places = places
        self.auto_threshold = auto_threshold

    def suggest(self, text: str, categories: Sequence[LabelScore], k: int = 3) -> list[DepartmentSuggestion]:
        place = self.places.street_office(text)
        scores: dict[str, float] = defaultdict(float)
        evidence: dict[str, dict] = {}
        for category in categories:
            for route, share, tags in self._route_shares(category.label, text):
                for department, part in self._departments(route, place):
                    score = category.probability * share * part
                    scores[department] += score
                    if department not in evidence or score > evidence[department]["_score"]:
                        evidence[department] = {
                            "_score": score,
                            "category": category.label,
                            "category_probability": round(category.probability, 4),
                            "terms": [e.term for e in category.evidence],
                            "tags": tags,
                            "place": place.text if place and route.street_level else None,
                            "clause": route.clause,
                        }
        ranked = sorted(scores.items(), key=lambda item: -item[1])[:k]
        return [
            DepartmentSuggestion(
                department=code,
                name=self.table.department_name(code),
                score=round(score, 4),
                evidence={k: v for k, v in evidence[code].items() if k != "_score"},
            )
            for code, score in ranked
        ]

    def should_auto_dispatch_score(self, top_score: float) -> bool:
        """Auto-dispatch only when the best department's score reaches the configured threshold."""
        return top_score >= self.auto_threshold

    def should_auto_dispatch(self, suggestion: dict) -> bool:
        """The same decision for a stored suggestion (the interface the learned source shares)."""
        return self.should_auto_dispatch_score(suggestion.get("score", 0.0))

    def knows(self, code: str) -> bool:
        """Whether an order can be sent to ``code``."""
        return code in self.table.departments

    def department_name(self, code: str) -> str:
        return self.table.department_name(code)

    def departments(self) -> list[dict]:
        """Whom orders can be sent to, for the consoles."""
        return [{"code": code, "name": d.name, "kind": d.kind} for code, d in self.table.departments.items()]

    def _route_shares(self, category: str, text: str) -> list[tuple[Route, float, list[str]]]:
        routes = self.table.routes_for(category)
        hits = {id(r): [t for t in r.tags if t in text] for r in routes}
        matched = [r for r in routes if hits[id(r)]]
        default = next((r for r in routes if r.default), None)
        weights = [(r, float(len(hits[id(r)]))) for r in matched]
        if default is None:
            total = sum(w for _, w in weights)
            return [(r, w / total, hits[id(r)]) for r, w in weights] if total else []
        if not matched:
            guess = DEFAULT_SHARE_WHEN_NOTHING_MATCHES if len(routes) > 1 else 1.0
            return [(default, guess, [])]
        weights.append((default, DEFAULT_SHARE_WHEN_TAGS_MATCH * sum(w for _, w in weights)))
        total = sum(w for _, w in weights)
        return [(r, w / total, hits[id(r)]) for r, w in weights]

    @staticmethod
    def _departments(route: Route, place: Place | None) -> list[tuple[str, float]]:
        if route.street_level and place is not None and place.office:
            return [(place.office, STREET_SHARE), (route.department, 1 - STREET_SHARE)]
        return [(route.department, 1.0)]
