"""Segmentation with the project's domain dictionary and stop-words, by jieba-rs.

The published training corpus was cut by jieba with stop-words and punctuation removed;
serving must produce the same kind of tokens from raw text. ``Segmenter.tokens`` is that
one path, used for training (after re-joining pre-cut text) and for serving alike.

The cutting is done by rjieba, a binding of jieba-rs (the Rust port of jieba 0.42 with the
same dictionary and HMM): the same Chinese tokens as jieba's pure-Python ``cut``, about
twenty times faster, which made segmentation half of a ticket's classification time.
It differs from jieba on runs of ASCII letters and digits joined by ``.`` or ``-``
(``GB8702-1988``, ``2000-2002``, web addresses), which it keeps whole. Rasa's
JiebaTokenizer in the bot keeps jieba itself; the classifier trains and serves on this one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from itertools import compress
from pathlib import Path
from typing import NamedTuple

import rjieba

_PUNCT_RE = re.compile(r"[\W_]+")
_ASCII_WORD_RE = re.compile(r"[0-9A-Za-z]+")
# Tokens already judged content or not; bounded so that a stream of novel tokens cannot grow it forever.
_VERDICT_CACHE_LIMIT = 200_000


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
    """A tokenizer of its own (not a global one) with domain words and stop-words."""

    def __init__(self, user_words: Iterable[DictEntry] = (), stopwords: Iterable[str] = ()) -> None:
        self.user_words = tuple(DictEntry(*e) for e in user_words)
        self.stopwords = frozenset(stopwords)
        self._jieba = rjieba.Jieba()
        for entry in self.user_words:
            self._jieba.add_word(entry.word, entry.freq, entry.tag)
        self._is_content: dict[str, bool] = {}

    def __reduce__(self) -> tuple:
        # The Rust tokenizer cannot be pickled; a copy in another process rebuilds it (once) from the same words.
        return cached_segmenter, (self.user_words, self.stopwords)

    def cut(self, text: str) -> list[str]:
        """All non-blank tokens, stop-words and punctuation included."""
        return list(filter(str.strip, self._jieba.cut(text)))

    def in_dictionary(self, word: str) -> bool:
        """Whether the dictionary knows the word (else the HMM glued it from unknown characters)."""
        return bool(self._jieba.has_word(word))

    def tokens(self, text: str) -> list[str]:
        """Content tokens: no stop-words, no punctuation, no whitespace."""
        return self.content(self._jieba.cut(text))

    def content(self, words: Sequence[str]) -> list[str]:
        """The content tokens among already-cut ``words``: what ``tokens`` keeps of ``cut``."""
        verdicts = self._is_content
        keep = list(map(verdicts.get, words))
        if None in keep:
            keep = [self._judge(word) if k is None else k for word, k in zip(words, keep, strict=True)]
        return list(compress(words, keep))

    def _judge(self, word: str) -> bool:
        """Whether a word carries content; remembered, as the same words recur in every message."""
        keep = word not in self.stopwords and not word.isspace() and not _PUNCT_RE.fullmatch(word)
        if len(self._is_content) < _VERDICT_CACHE_LIMIT:
            self._is_content[word] = keep
        return keep


def resource_path(name: str) -> Path:
    """Path of a file shipped in ``zhtext/resources``."""
    return Path(str(resources.files("zhtext") / "resources" / name))


@lru_cache(maxsize=8)
def cached_segmenter(user_words: tuple[DictEntry, ...], stopwords: frozenset[str]) -> Segmenter:
    """One Segmenter per dictionary, shared: loading the main dictionary takes a tenth of a second."""
    return Segmenter(user_words, stopwords)


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """The segmenter with the project's own domain dictionary and stop-words, loaded once."""
    return cached_segmenter(
        tuple(read_dictionary(resource_path("domain_dict.txt"))),
        frozenset(read_wordlist(resource_path("stopwords.txt"))),
    )
