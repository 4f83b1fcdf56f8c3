"""属地 extraction: streets, communities and roads named in a work order, with spaCy.

``spacy.blank("zh")`` with the jieba segmenter and an EntityRuler built from the district
gazetteer. The tokenizer gets its own jieba instance that knows the gazetteer names, so a
name is one token and matching does not depend on how jieba happens to cut it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jieba
import spacy
import yaml

LABELS = {"STREET": "街道", "COMMUNITY": "社区", "ROAD": "道路", "DISTRICT": "区"}


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
        segmenter = jieba.Tokenizer()
        for pattern in patterns:
            segmenter.add_word(pattern["pattern"], 10000)
        self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        self.nlp.tokenizer.jieba_seg = segmenter
        ruler = self.nlp.add_pipe("entity_ruler")
        ruler.add_patterns(patterns)

    def extract(self, text: str) -> list[Place]:
        places = []
        for ent in self.nlp(text).ents:
            street, office = self._street_of.get(ent.text, (None, None))
            places.append(Place(text=ent.text, kind=LABELS[ent.label_], street=street, office=office))
        return places

    def street_office(self, text: str) -> Place | None:
        """The first place in ``text`` that belongs to a street, if any."""
        return next((p for p in self.extract(text) if p.office), None)
