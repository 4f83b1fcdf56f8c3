"""jieba segmentation with the project's domain dictionary and stop-words.

The published training corpus was cut by jieba with stop-words and punctuation removed;
serving must produce the same kind of tokens from raw text. ``Segmenter.tokens`` is that
one path, used for training (after re-joining pre-cut text) and for serving alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import jieba

jieba.setLogLevel(logging.WARNING)

_PUNCT_RE = re.compile(r"[\W_]+")
_ASCII_WORD_RE = re.compile(r"[0-9A-Za-z]+")


class DictEntry(NamedTuple):
    """One line of a jieba user dictionary."""

    word: str
    freq: int | None = None
    tag: str | None = None


def read_dictionary(path: Path | str) -> list[DictEntry]:
    """Parse a jieba user dictionary, allowing ``#`` comments and blank lines."""
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        entries.append(DictEntry(parts[0], freq, tag))
    return entries


def read_wordlist(path: Path | str) -> list[str]:
    """Read one word per line, skipping ``#`` comments and blank lines."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#")]


def detokenize(tokens: str) -> str:
    """Re-join space-separated tokens into running text for re-segmentation.

    Chinese tokens are joined directly; a space is kept only between two ASCII words
    (``A3 区`` → ``A3区`` but ``ETC app`` stays two words).
    """
    parts = tokens.split()
    out: list[str] = []
    for part in parts:
        if out and _ASCII_WORD_RE.fullmatch(part[0]) and _ASCII_WORD_RE.fullmatch(out[-1][-1]):
            out.append(" ")
        out.append(part)
    return "".join(out)


class Segmenter:
    """A jieba tokenizer of its own (not jieba's global one) with domain words and stop-words."""

    def __init__(self, user_words: Iterable[DictEntry] = (), stopwords: Iterable[str] = ()) -> None:
        self.user_words = tuple(DictEntry(*e) for e in user_words)
        self.stopwords = frozenset(stopwords)
        self._jieba = jieba.Tokenizer()
        for entry in self.user_words:
            self._jieba.add_word(entry.word, entry.freq, entry.tag)

    def cut(self, text: str) -> list[str]:
        """All non-blank tokens, stop-words and punctuation included."""
        return [w for w in self._jieba.lcut(text) if not w.isspace()]

    def tokens(self, text: str) -> list[str]:
        """Content tokens: no stop-words, no punctuation, no whitespace."""
        stop = self.stopwords
        return [
            w
            for w in self._jieba.lcut(text)
            if w not in stop and not w.isspace() and not _PUNCT_RE.fullmatch(w)
        ]


def resource_path(name: str) -> Path:
    """Path of a file shipped in ``zhtext/resources``."""
    return Path(str(resources.files("zhtext") / "resources" / name))


@lru_cache(maxsize=8)
def cached_segmenter(user_words: tuple[DictEntry, ...], stopwords: frozenset[str]) -> Segmenter:
    """One Segmenter per dictionary: building jieba's prefix dictionary takes about a second."""
    return Segmenter(user_words, stopwords)


def default_segmenter() -> Segmenter:
    """The segmenter with the project's own domain dictionary and stop-words, loaded once."""
    return cached_segmenter(
        tuple(read_dictionary(resource_path("domain_dict.txt"))),
        frozenset(read_wordlist(resource_path("stopwords.txt"))),
    )
