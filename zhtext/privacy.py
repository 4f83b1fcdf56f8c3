"""Masking of personal data (个人信息) before text is stored or used to train.

Citizens write their mobile and ID numbers into complaints. Those numbers must not reach
the training data, logs or the model vocabulary, so every entry point masks them first.
Expects NFKC-normalised text (ASCII digits).
"""

from __future__ import annotations

import re

ID_MASK = "[身份证号]"
MOBILE_MASK = "[手机号]"
LANDLINE_MASK = "[电话]"

# 18-digit resident ID (last char may be X), optionally with spaces every few digits.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                    r"\d{3}[\dXx](?![0-9A-Za-z])")
# Mainland mobile numbers, optionally +86 and separated 3-4-4; also ones already masked
# at source such as 138********.
_MOBILE_RE = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}[- ]?\d{4}|\*{8}|\d{2}\*{4}\d{2}|\*{4}\d{4})(?!\d)"
)
# Landlines with area code: 0731-12345678, 0731 1234567.
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}[- ]\d{7,8}(?!\d)")


def mask_personal_data(text: str) -> str:
    """Replace ID, mobile and landline numbers in ``text`` with placeholders."""
    if not text:
        return ""
    text = _ID_RE.sub(ID_MASK, text)
    text = _MOBILE_RE.sub(MOBILE_MASK, text)
    return _LANDLINE_RE.sub(LANDLINE_MASK, text)
