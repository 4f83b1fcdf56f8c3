"""The 3-level category system (附件1) and rule-based level 2–3 candidates.

Only first-level labels exist in the training data, so levels 2 and 3 are ranked by rules:
how many words of a category's names appear in the message. Every candidate says
``method="rule"`` until labelled data for those levels exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from classifier.dataset import read_rows
from core.errors import DataError
from zhtext.clean import clean_text
from zhtext.segment import Segmenter, default_segmenter

TAXONOMY_COLUMNS = ("一级分类", "二级分类", "三级分类")


@dataclass(frozen=True)
class CategoryPath:
    level1: str
    level2: str
    level3: str


@dataclass(frozen=True)
class SubcategoryCandidate:
    """A level 2–3 suggestion with the words that matched it."""

    level2: str
    level3: str
    score: float
    evidence: list[str] = field(default_factory=list)
    method: str = "rule"


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class Taxonomy:
    """All category paths, with each path's matching terms precomputed once."""

    def __init__(self, paths: list[CategoryPath], segmenter: Segmenter | None = None) -> None:
        if not paths:
            raise DataError("分类体系为空", "the taxonomy is empty")
        self.paths = paths
        self._segmenter = segmenter or default_segmenter()
        self._terms = {p: self._path_terms(p) for p in paths}

    @classmethod
    def from_file(cls, path: Path | str, segmenter: Segmenter | None = None) -> Taxonomy:
        rows = read_rows(path)
        missing = [c for c in TAXONOMY_COLUMNS if c not in rows[0]]
        if missing:
            raise DataError(f"{path}: 缺少列 {'、'.join(missing)}", f"{path}: missing column(s) {', '.join(missing)}")
        paths = [CategoryPath(*(r[c] for c in TAXONOMY_COLUMNS)) for r in rows if all(r[c] for c in TAXONOMY_COLUMNS)]
        return cls(paths, segmenter)

    @property
    def level1_names(self) -> list[str]:
        return sorted({p.level1 for p in self.paths})

    def _path_terms(self, path: CategoryPath) -> dict[str, float]:
        """Terms of a path's level-3 name (weight 2) and level-2 name (weight 1)."""
        terms: dict[str, float] = {}
        for name, weight in ((path.level2, 1.0), (path.level3, 2.0)):
            for part in name.replace("、", " ").replace("和", " ").split():
                for token in self._segmenter.tokens(part):
                    if len(token) >= 2:
                        terms[token] = max(terms.get(token, 0.0), weight)
                for gram in _bigrams(part):
                    terms.setdefault(gram, weight / 2)
        return terms

    def candidates(self, level1: str, text: str, k: int = 3) -> list[SubcategoryCandidate]:
        """Rank the level 2–3 paths under ``level1`` by the share of their terms found in ``text``."""
        cleaned = clean_text(text)
        found = []
        for path in self.paths:
            if path.level1 != level1:
                continue
            terms = self._terms[path]
            matched = [t for t in terms if t in cleaned]
            if not matched:
                continue
            score = sum(terms[t] for t in matched) / sum(terms.values())
            telling = {t for t in matched if len(t) > 2 or terms[t] >= 1.0} or set(matched)
            evidence = sorted(telling, key=len, reverse=True)
            found.append(SubcategoryCandidate(path.level2, path.level3, round(score, 4), evidence[:5]))
        found.sort(key=lambda c: (-c.score, c.level2, c.level3))
        return found[:k]
