"""属地 extraction: streets, communities and roads named in a work order, with spaCy.

``spacy.blank("zh")`` with the jieba segmenter and an EntityRuler built from the district
gazetteer. The tokenizer gets its own jieba instance that knows the gazetteer names, so a
name is one token and matching does not depend on how jieba happens to cut it. The cutting is
done by rjieba (jieba-rs: jieba's tokens, natively, as ``zhtext.segment`` does) behind the small
part of jieba's interface spaCy calls. ``ruler_pipeline`` is that pipeline for any list of names
(the analysis stage finds the estates and roads it learns from messages with it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import rjieba
import spacy
import yaml
from spacy.language import Language

LABELS = {"STREET": "街道", "COMMUNITY": "社区", "ROAD": "道路", "DISTRICT": "区"}


class NativeJieba:
    """What spaCy's Chinese tokenizer calls of jieba (``add_word``, ``cut``), cut by rjieba."""

    def __init__(self) -> None:
        self._jieba = rjieba.Jieba()

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self._jieba.add_word(word, freq, tag)

    def cut(self, text: str, cut_all: bool = False) -> list[str]:
        return self._jieba.cut(text)


def ruler_pipeline(patterns: Sequence[dict], words: Iterable[tuple[str, int | None, str | None]] = ()) -> Language:
    """``spacy.blank("zh")`` whose segmenter knows ``words`` and every pattern as one word, with an
    EntityRuler of ``patterns`` (``{"label": …, "pattern": name}``); no ruler when there are none."""
    segmenter = NativeJieba()
    for word, freq, tag in words:
        segmenter.add_word(word, freq, tag)
    for pattern in patterns:
        segmenter.add_word(pattern["pattern"], 10000)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer.jieba_seg = segmenter
    if patterns:  # an empty ruler only warns; without one no entity is found, as it should be
        nlp.add_pipe("entity_ruler").add_patterns(list(patterns))
    return nlp


@dataclass(frozen=True)
class Place:
    text: str
    kind: str
    street: str | None
    office: str | None


class PlaceExtractor:
    """Finds gazetteer places in text; each place knows its street and street office."""

    def __init__(self, gazetteer_path: Path | str) -> None:
        data = yaml.safe_load(Path(gazetteer_path).read_text(encoding="utf-8"))
        self.district: str = data["district"]
        self._street_of: dict[str, tuple[str, str]] = {}
        patterns = [{"label": "DISTRICT", "pattern": self.district}]
        for street in data["streets"]:
            names = {"STREET": [street["name"], *street.get("aliases", [])],
                     "COMMUNITY": street.get("communities", []), "ROAD": street.get("roads", [])}
            for label, values in names.items():
                for value in values:
                    patterns.append({"label": label, "pattern": value})
                    self._street_of[value] = (street["name"], street["office"])
        self.nlp = ruler_pipeline(patterns)

    def extract(self, text: str) -> list[Place]:
        places = []
        for ent in self.nlp(text).ents:
            street, office = self._street_of.get(ent.text, (None, None))
            places.append(Place(text=ent.text, kind=LABELS[ent.label_], street=street, office=office))
        return places

    def street_office(self, text: str) -> Place | None:
        """The first place in ``text`` that belongs to a street, if any."""
        return next((p for p in self.extract(text) if p.office), None)
