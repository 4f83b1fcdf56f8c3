"""Places named in citizen messages: estates, roads, villages, schools, learned from the messages.

The district gazetteer (``routing/config/gazetteer.yml``) lists streets and communities of one
district; messages name places it does not know (an estate, a road, a school). Names are learned
here from the titles of the messages themselves, the way unsupervised word extraction finds words:
a name ends with a place suffix (苑, 新城, 路, 村, 小学 …) and is a unit of its own, so the characters
just before and just after it vary across titles (翠竹园小区 follows 投诉, 河西街道, 关于 and precedes
附近, 旁边, 业主; 竹园小区 always follows 翠). The learned names, the gazetteer's own names and the
administrative areas (A3区) are then found with spaCy's EntityRuler on jieba tokens, as the router's
place extraction does, so every place is one token and matching does not depend on jieba's cut.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from itertools import accumulate
from pathlib import Path

import jieba
import yaml

from routing.places import ruler_pipeline
from zhtext.segment import default_segmenter

_SEPARATORS = r"[^\u4e00-\u9fa5A-Za-z0-9]+"
_PUNCT_RE = re.compile(r"[\W_]+")
AREA = "area"


def config_path(name: str) -> Path:
    return Path(str(resources.files("analytics") / "config" / name))


@dataclass(frozen=True)
class PlaceConfig:
    """How names are recognised; read from ``analytics/config/places.yml``."""

    suffixes: dict[str, list[str]]
    area_pattern: str
    area_kinds: list[str]
    generic_tails: list[str]
    min_titles: int = 2
    min_left_variety: int = 2
    min_right_variety: int = 2
    common_word_freq: int = 1000
    common_noun_freq: int = 10
    max_name_chars: int = 8

    @classmethod
    def load(cls, path: Path | str | None = None) -> PlaceConfig:
        data = yaml.safe_load(Path(path or config_path("places.yml")).read_text(encoding="utf-8"))
        return cls(**data)

    @cached_property
    def kind_of_suffix(self) -> dict[str, str]:
        return {suffix: kind for kind, values in self.suffixes.items() for suffix in values}

    @cached_property
    def suffix_re(self) -> re.Pattern[str]:
        return re.compile("|".join(sorted(map(re.escape, self.kind_of_suffix), key=len, reverse=True)))

    def kind(self, name: str) -> str:
        """The kind of the longest suffix ``name`` ends with."""
        for suffix in sorted(self.kind_of_suffix, key=len, reverse=True):
            if name.endswith(suffix):
                return self.kind_of_suffix[suffix]
        return "place"


@dataclass(frozen=True)
class Place:
    text: str
    kind: str


@dataclass(frozen=True)
class Analysed:
    """What one pass of the place finder gives: the content words and the places of a text."""

    words: list[str]
    places: list[Place]

    area_kinds: frozenset[str] = frozenset()

    @property
    def fine_places(self) -> list[str]:
        """Places one can stand at (estates, roads, villages, schools …), in order, once each."""
        return list(dict.fromkeys(p.text for p in self.places if p.kind != AREA and p.kind not in self.area_kinds))

    @property
    def areas(self) -> list[str]:
        """Administrative areas and wide areas (青山区, 河西街道, a lake district), in order, once each."""
        return list(dict.fromkeys(p.text for p in self.places if p.kind == AREA or p.kind in self.area_kinds))


def learn_place_names(titles: Iterable[str], config: PlaceConfig | None = None) -> dict[str, str]:
    """Names (with their kind) that message titles use as units of their own; see the module docstring.

    Titles, not bodies: a title names its place tersely, while a body's loose prose makes word
    fragments (影响小区, 人员进入小区) look as varied as names.
    """
    config = config or PlaceConfig.load()
    segmenter = default_segmenter()
    jieba_freq = _jieba_frequencies()
    separators = re.compile(f"({config.area_pattern})|{_SEPARATORS}")
    cut_titles = [[(chunk, after_area, segmenter.cut(chunk)) for chunk, after_area in _chunks(title, separators)]
                  for title in titles]
    token_df = Counter(token for chunks in cut_titles for token in {t for *_, cut in chunks for t in cut})
    common_df, common_word = max(5, 0.01 * len(cut_titles)), config.common_word_freq
    df: Counter[str] = Counter()
    left: dict[str, set[str]] = defaultdict(set)
    right: dict[str, set[str]] = defaultdict(set)
    for chunks in cut_titles:
        seen: set[str] = set()
        for chunk, after_area, tokens in chunks:
            starts = dict(zip(accumulate((len(t) for t in tokens), initial=0), tokens, strict=False))
            for match in config.suffix_re.finditer(chunk):
                for begin in range(max(0, match.start() - config.max_name_chars), match.start() - 1):
                    first = starts.get(begin)
                    if first is None or first in segmenter.stopwords:
                        continue
                    if len(first) > 1 and token_df[first] > common_df and jieba_freq.get(first, 0) >= common_word:
                        continue
                    name = chunk[begin:match.end()]
                    if not _may_be_name(name, chunk[begin:match.start()], jieba_freq, config):
                        continue
                    left[name].add(chunk[begin - 1] if begin else AREA if after_area else "^")
                    right[name].add(chunk[match.end()] if match.end() < len(chunk) else "$")
                    if name not in seen:
                        seen.add(name)
                        df[name] += 1
    names = {
        name for name, count in df.items()
        if count >= config.min_titles and len(right[name]) >= config.min_right_variety
        and (len(left[name]) >= config.min_left_variety or (left[name] == {AREA} and count > config.min_titles))
    }
    return {name: config.kind(name) for name in names if not _prefixed_copy(name, names, df, config)}


def _chunks(title: str, separators: re.Pattern[str]) -> list[tuple[str, bool]]:
    """Runs of name characters in ``title``, each with whether an area (A3区) comes just before it."""
    pieces = separators.split(title)
    chunks, after_area = [], False
    for index in range(0, len(pieces), 2):
        chunk = pieces[index]
        if len(chunk) >= 3:
            chunks.append((chunk, after_area))
        after_area = index + 1 < len(pieces) and pieces[index + 1] is not None
    return chunks


def _may_be_name(name: str, head: str, jieba_freq: dict[str, int], config: PlaceConfig) -> bool:
    """Not a kind of place (培训学校: 培训 is a common word, 家园小区: only suffixes) nor a common noun (加油站)."""
    if len(config.suffix_re.sub("", head)) < 2:
        return False
    if jieba_freq.get(head, 0) >= config.common_word_freq:
        return False
    return jieba_freq.get(name, 0) < config.common_noun_freq


def _prefixed_copy(name: str, names: set[str], df: Counter[str], config: PlaceConfig) -> bool:
    """``name`` is a known name with words that are not a place stuck in front (建搅拌站, 四号楼枫林路)."""
    for cut in range(1, len(name) - 1):
        head, tail = name[:cut], name[cut:]
        if tail in names and df[tail] >= df[name] and not config.suffix_re.search(head[-2:]):
            return True
    return False


def _jieba_frequencies() -> dict[str, int]:
    """jieba's dictionary frequencies: how common a word is in general Chinese."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.dt
    tokenizer.initialize()
    return tokenizer.FREQ


class PlaceFinder:
    """Finds known places and administrative areas with spaCy's EntityRuler on jieba tokens.

    The tokenizer knows the project's domain words and every place name, so one pass gives both
    the places and the words the text is about (``analyse``).
    """

    def __init__(self, names: dict[str, str], config: PlaceConfig | None = None,
                 areas: Iterable[str] = ()) -> None:
        self.config = config or PlaceConfig.load()
        self.names = dict(names)
        self.stopwords = default_segmenter().stopwords
        patterns = [{"label": kind, "pattern": name} for name, kind in self.names.items()]
        patterns += [{"label": AREA, "pattern": area} for area in sorted(set(areas))]
        self.nlp = ruler_pipeline(patterns, default_segmenter().user_words)

    @classmethod
    def learn(cls, titles: Sequence[str], config: PlaceConfig | None = None,
              known: dict[str, str] | None = None) -> PlaceFinder:
        """Learn names from message titles; ``known`` adds names from a gazetteer."""
        config = config or PlaceConfig.load()
        names = {**learn_place_names(titles, config), **(known or {})}
        area_re = re.compile(config.area_pattern)
        areas = {area for title in titles for area in area_re.findall(title)}
        return cls(names, config, areas)

    def find(self, text: str) -> list[Place]:
        return self.analyse([text])[0].places

    def analyse(self, texts: Iterable[str], batch_size: int = 128) -> list[Analysed]:
        """Content words and places of each text.

        A place counts as one word under its canonical name; administrative areas are left out of
        the words (a district says little about which problem a message raises).
        """
        return [self._analysed(doc) for doc in self.nlp.pipe(texts, batch_size=batch_size)]

    def canonical(self, name: str) -> str:
        """The most specific known name: 阳光家园小区 and 青山街道阳光家园 are both 阳光家园."""
        for tail in self.config.generic_tails:
            if name.endswith(tail) and name[: -len(tail)] in self.names:
                return self.canonical(name[: -len(tail)])
        for cut in range(2, len(name) - 1):
            head, rest = name[:cut], name[cut:]
            if rest in self.names and (head in self.names or self.config.suffix_re.search(head[-2:])):
                return self.canonical(rest)
        return name

    def _analysed(self, doc) -> Analysed:
        places, spans = [], {}
        for ent in doc.ents:
            name = ent.text if ent.label_ == AREA else self.canonical(ent.text)
            places.append(Place(name, ent.label_))
            spans[ent.start] = (ent.end, None if ent.label_ == AREA else name)
        words, index = [], 0
        while index < len(doc):
            if index in spans:
                index, name = spans[index]
                if name:
                    words.append(name)
                continue
            text = doc[index].text
            if not text.isspace() and text not in self.stopwords and not _PUNCT_RE.fullmatch(text):
                words.append(text)
            index += 1
        return Analysed(words, places, frozenset(self.config.area_kinds))


def default_gazetteer() -> Path:
    """The router's district gazetteer, shipped with ``routing``."""
    return Path(str(resources.files("routing") / "config" / "gazetteer.yml"))


def gazetteer_names(path: Path | str) -> dict[str, str]:
    """Streets, communities and roads of the router's district gazetteer, with their kind."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    names = {data["district"]: AREA}
    for street in data.get("streets", []):
        names.update({street["name"]: "town", **{a: "town" for a in street.get("aliases", [])}})
        names.update({c: "community" for c in street.get("communities", [])})
        names.update({r: "road" for r in street.get("roads", [])})
    return names
