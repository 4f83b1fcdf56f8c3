"""Normalisation for hotline text: width, whitespace, spreadsheet debris and courtesy words.

Citizens type on phones and PCs with full-width digits and letters, paste from Word and
Excel (its ``_xHHHH_`` escape of a line break), and open and close with greetings and thanks
that say nothing about the matter. Removing these before segmentation keeps features about the
matter itself, and lets intake refuse a message that is nothing but courtesy.
"""

from __future__ import annotations

import re
import unicodedata

from zhtext.segment import read_wordlist, resource_path

_COURTESIES = sorted(read_wordlist(resource_path("courtesies.txt")), key=len, reverse=True)
# A courtesy takes its trailing punctuation with it, so a greeting and its comma go together.
_COURTESY_RE = re.compile("(?:" + "|".join(map(re.escape, _COURTESIES)) + r")[\s:;,.!?，。！？：；、]*")
# Excel writes a carriage return in a cell as "x" and its code point in hex, wrapped in underscores.
_EXCEL_CR = "x{:04X}".format(ord("\r"))
_EXCEL_CR_RE = re.compile(f"_{_EXCEL_CR}_|{_EXCEL_CR}", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
# Full-width ASCII and the ideographic space: most of what NFKC changes in Chinese text (，？：（）…), one
# character for one. Replacing them first often leaves nothing for NFKC to do (a quick check instead of a
# full pass), with the same result: NFKC decomposes them into exactly these characters.
_FULL_WIDTH = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")
# The commonest of them (nine in ten in real messages), replaced by str.replace rather than one call per match.
_COMMON_FULL_WIDTH = [(wide, _FULL_WIDTH[wide]) for wide in "，？！：（）；"]


def _nfkc(text: str) -> str:
    for wide, narrow in _COMMON_FULL_WIDTH:
        text = text.replace(wide, narrow)
    text = _FULL_WIDTH_RE.sub(lambda match: _FULL_WIDTH[match.group()], text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def normalize(text: str) -> str:
    """Return ``text`` in NFKC width, without courtesy words, with single spaces."""
    if not text:
        return ""
    text = _nfkc(text)
    text = _EXCEL_CR_RE.sub(" ", text)
    text = _COURTESY_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()
