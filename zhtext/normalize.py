"""Normalisation for hotline text: width, whitespace, spreadsheet debris and courtesy boilerplate.

Citizens type on phones and PCs with full-width digits and letters, paste from Word and
Excel (``_x000D_``), and open and close with courtesies that say nothing about the matter.
Removing these before segmentation keeps features about the matter itself.
"""

from __future__ import annotations

import re
import unicodedata

# Greetings and thanks that carry no information about the matter. Longest first so that
# "尊敬的各位领导" is removed whole rather than leaving "各位".
_BOILERPLATE = sorted(
    [
        "尊敬的各位领导", "尊敬的领导", "尊敬的市长", "尊敬的书记", "领导您好", "领导你好",
        "各位领导", "您好", "你好", "非常感谢", "万分感谢", "谢谢您", "谢谢你们", "谢谢",
        "感谢您", "此致敬礼", "此致", "敬礼",
    ],
    key=len,
    reverse=True,
)
# A courtesy takes its trailing punctuation with it ("您好！" goes whole).
_BOILERPLATE_RE = re.compile("(?:" + "|".join(map(re.escape, _BOILERPLATE)) + r")[\s:;,.!?，。！？：；、]*")
_EXCEL_CR_RE = re.compile(r"_x000[dD]_|x000[dD]")
_SPACE_RE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Return ``text`` in NFKC width, without boilerplate, with single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _EXCEL_CR_RE.sub(" ", text)
    text = _BOILERPLATE_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()
