"""One message, cleaned and segmented once, for every stage that reads it.

A work order is read by the category model, the work-order type model, the dispatch model and
the place extractor. Each used to normalise, mask and cut the text itself; a ``Document`` does
it once and carries the result through the pipeline: ``text`` is normalised and masked when the
document is made, ``words`` and ``tokens`` are cut from it on first use and kept.

    doc = Document.from_text("您好，小区楼下烧烤店油烟很大。")
    doc.text      # '小区楼下烧烤店油烟很大。'
    doc.words     # ('小区', '楼下', '烧烤店', '油烟', '很大', '。')  every token
    doc.tokens    # ('小区', '楼下', '烧烤店', '油烟', '很大')  content tokens: no stop-words, no punctuation
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from zhtext.clean import clean_text
from zhtext.segment import Segmenter, default_segmenter

# Only this much of a message is segmented: it bounds the work a pathological input can cause,
# and a message's matter is stated long before its 1,500th character.
MAX_CHARS = 1500


@dataclass(frozen=True, eq=False)
class Document:
    """Normalised, masked text and its tokens. Make one with ``Document.from_text``.

    The constructor takes text that is already clean (normalised and masked), such as a
    stored message; ``segmenter`` says which dictionary the tokens come from, so that a
    model trained with another dictionary can tell and cut the text again.
    """

    text: str
    segmenter: Segmenter = field(default_factory=default_segmenter, repr=False)
    max_chars: int = MAX_CHARS

    @classmethod
    def from_text(cls, raw: str, segmenter: Segmenter | None = None, max_chars: int = MAX_CHARS) -> Document:
        """Normalise and mask ``raw`` (the form in which text may be stored or learned from)."""
        return cls(clean_text(raw), segmenter or default_segmenter(), max_chars)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Every token of the first ``max_chars`` characters, stop-words and punctuation included."""
        return tuple(self.segmenter.cut(self.text[: self.max_chars]))

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """The content tokens among ``words``: what topic models learn from."""
        return tuple(self.segmenter.content(self.words))
