"""属地 extraction: streets, communities and roads named in a work order.

A name is found as whole tokens: the text is cut by a segmenter that knows every gazetteer name
as one word (rjieba, jieba's tokens natively, as ``zhtext.segment`` does), so matching does not
depend on how the general dictionary happens to cut a name, and a name is not found inside a
longer word. The extractor reproduces exactly what spaCy's EntityRuler found on that segmenter's
tokens (longest match first, then earliest), without building a spaCy ``Doc`` per order: on the
request path that cost more than the cutting itself. ``ruler_pipeline`` is the spaCy pipeline for
any list of names (the analysis stage finds the estates and roads it learns from messages with it).
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
        self._segmenter = NativeJieba()
        for pattern in patterns:
            self._segmenter.add_word(pattern["pattern"], 10000)
        self._phrases: dict[tuple[str, ...], str] = {}
        for pattern in patterns:
            words = tuple(word for word, _, _ in self._tokens(pattern["pattern"]))
            self._phrases.setdefault(words, pattern["label"])
        self._lengths = sorted({len(words) for words in self._phrases}, reverse=True)
        # Usually every name is one token (each was added as a word): then a place is a token that is a name.
        self._single = {words[0]: label for words, label in self._phrases.items()} if self._lengths == [1] else None

    def _tokens(self, text: str) -> list[tuple[str, int, int]]:
        """Tokens with their character spans, whitespace handled as spaCy does (a single space after a
        token belongs to it; any other run of whitespace is a token of its own, which matches nothing)."""
        tokens, position = [], 0
        for word in self._segmenter.cut(text):
            if not word or word.isspace():
                continue
            start = text.index(word, position)
            if start > position:
                tokens.append((text[position:start], position, start))
            tokens.append((word, start, start + len(word)))
            position = start + len(word)
            if position < len(text) and text[position] == " ":
                position += 1
        return tokens

    def extract(self, text: str) -> list[Place]:
        """The places named in ``text``, in order; overlapping names resolved longest first, then earliest."""
        if self._single is not None:
            return [self._place(word, self._single[word]) for word in self._segmenter.cut(text) if word in self._single]
        tokens = self._tokens(text)
        words = [word for word, _, _ in tokens]
        matches = [(length, -start, label) for start in range(len(words)) for length in self._lengths
                   if (label := self._phrases.get(tuple(words[start : start + length])))]
        seen: set[int] = set()
        found = []
        for length, negative_start, label in sorted(matches, reverse=True):
            start, end = -negative_start, -negative_start + length
            if start not in seen and end - 1 not in seen:
                found.append((start, end, label))
                seen.update(range(start, end))
        return [self._place(text[tokens[start][1] : tokens[end - 1][2]], label) for start, end, label in sorted(found)]

    def _place(self, name: str, label: str) -> Place:
        street, office = self._street_of.get(name, (None, None))
        return Place(text=name, kind=LABELS[label], street=street, office=office)

    def street_office(self, text: str) -> Place | None:
        """The first place in ``text`` that belongs to a street, if any."""
        return next((p for p in self.extract(text) if p.office), None)
