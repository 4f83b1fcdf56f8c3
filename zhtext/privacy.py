"""Masking of personal data (个人信息) before text is stored, shown or used to train.

Citizens write their mobile, landline and ID numbers into complaints, replies and chats, in every
form a keyboard or a voice transcript allows: 138-1234-5678, 138.1234.5678, 1 3 8 1 2 3 4 5 6 7 8,
full-width digits, 一三八一二三四五六七八, (0731)12345678, 073112345678, 8888 6666, 15- and 18-digit IDs
written whole or as 110101 19900307 1234. Those numbers must not reach the database, other units, the
training data, logs or the model vocabulary, so every entry point masks them with this one function.

What is kept: order numbers, dates (20190512), money (23456789元), house and room numbers
(人民路120号, 15栋1203室), counts. The rules work on a view of the text in which every kind of digit
(full-width, Chinese 一…九/〇/零/幺) is an ASCII digit, one character for one, so a match is masked in
the original text at the same place.
"""

from __future__ import annotations

import re
import sys
import unicodedata

ID_MASK = "[身份证号]"
MOBILE_MASK = "[手机号]"
LANDLINE_MASK = "[电话]"

_CHINESE_DIGITS = {"〇": "0", "零": "0", "幺": "1", "一": "1", "二": "2", "三": "3", "四": "4",
                   "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# One optional separator between two digits: hyphen, dot, space (ASCII or full-width).
_S = r"[-.\s\u3000－．]?"
# Not inside a longer number or code: no letter or digit next to it, nor a digit behind one separator.
_START = r"(?<![0-9A-Za-z])(?<!\d[-.－．])"
_END = r"(?![0-9A-Za-z])(?![-.－．]\d)"


def _digits(*parts: str) -> str:
    """Digit patterns joined so that one separator may stand between any two of them."""
    return _S.join(parts)


_D = r"\d"
_YEAR = r"(?:1" + _S + "9|2" + _S + "0)" + _S + _D + _S + _D
_MONTH = r"(?:0" + _S + "[1-9]|1" + _S + "[0-2])"
_DAY = r"(?:0" + _S + "[1-9]|[12]" + _S + r"\d|3" + _S + "[01])"
_AREA = _digits("[1-8]", *[_D] * 5)
# Resident IDs: 18 digits (the last may be X) or the old 15 (two-digit year), a birth date inside.
_ID_RE = re.compile(_START + "(?:" + _digits(_AREA, _YEAR, _MONTH, _DAY, _D, _D, _D, r"[\dXx]")
                    + "|" + _digits(_AREA, _D, _D, _MONTH, _DAY, _D, _D, _D) + ")" + _END)
# Mainland mobiles, optionally +86/0086/86, any grouping; also ones already masked at source (138****5678).
_MOBILE_RE = re.compile(
    _START + r"(?:(?:\+|00)?86" + _S + r")?(?:" + _digits("1", "[3-9]", *[_D] * 9)
    + r"|1[3-9]\d(?:\*{8}|\d{2}\*{4}\d{2}|\*{4}\d{4}))" + _END
)
# Landlines with an area code (010, 02x, 0xxx), in brackets, separated or not: 0731-12345678, (0731)12345678,
# 073112345678, 010 8888 6666.
_LANDLINE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:[(（]" + _digits("0", "(?:[12]" + _S + r"\d|[3-9]" + _S + r"\d" + _S + r"\d)") + r"[)）]\s?|"
    + _START + _digits("0", "(?:[12]" + _S + r"\d|[3-9]" + _S + r"\d" + _S + r"\d)") + _S + ")"
    + _digits(*[_D] * 6, r"\d(?:" + _S + r"\d)?") + _END
)
# An 8-digit local number without its area code (8888 6666); a date or an amount of money is not one.
_LOCAL_RE = re.compile(_START + r"(?<![¥￥$])" + _digits("[2-8]", *[_D] * 7) + _END
                       + r"(?!\s?(?:元|块|万|亿|%|％|美元|平方|米|公里|千克|吨|人|次|个|件|户|号|年|月|日))")
_DATE_RE = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


def _digit_table() -> dict[int, str]:
    """Chinese numerals and every non-ASCII decimal digit (full-width ０-９ …) → its ASCII digit."""
    table = {ord(char): digit for char, digit in _CHINESE_DIGITS.items()}
    for code in range(128, sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Nd":
            table[code] = str(unicodedata.decimal(char))
    return table


_DIGITS_AS_ASCII = _digit_table()
#: The shortest number masked (an 8-digit local number) has this many digits, or digits and the stars of
#: a number masked at source (138********).
_FEWEST_DIGITS = 8
# A number is written only with these characters: digits of any script and Chinese numerals (or the stars of a
# number masked at source), and the ID's X, the country code's +, brackets and separators between them. Every
# match of the rules above lies inside one run of them holding at least _FEWEST_DIGITS digits or stars.
_DIGIT = r"[\d*" + "".join(_CHINESE_DIGITS) + "]"
_BETWEEN = r"[Xx+()（）\-.－．\s]"
_NUMBER_RUN_RE = re.compile(
    f"(?<!{_DIGIT})(?<!{_BETWEEN}){_BETWEEN}*+(?:{_DIGIT}{_BETWEEN}*+){{{_FEWEST_DIGITS},}}+"
)
# The rules' lookarounds read at most this many characters beyond a match (a separator, then a unit such as 美元).
_CONTEXT = 3


def _view(text: str) -> str:
    """``text`` with every digit as an ASCII digit, one character for one (a C-speed translate)."""
    return text.translate(_DIGITS_AS_ASCII)


def _mask(text: str, pattern: re.Pattern[str], placeholder: str, keep=None) -> str:
    view = _view(text)
    pieces, last = [], 0
    for match in pattern.finditer(view):
        if keep is not None and keep(match.group()):
            continue
        pieces.append(text[last:match.start()])
        pieces.append(placeholder)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _is_date(number: str) -> bool:
    return _DATE_RE.fullmatch(re.sub(r"\D", "", number)) is not None


def _mask_rules(text: str) -> str:
    """Every rule, in order, over the whole of ``text``: what ``mask_personal_data`` computes."""
    text = _mask(text, _ID_RE, ID_MASK)
    text = _mask(text, _MOBILE_RE, MOBILE_MASK)
    text = _mask(text, _LANDLINE_RE, LANDLINE_MASK)
    return _mask(text, _LOCAL_RE, LANDLINE_MASK, keep=_is_date)


def mask_personal_data(text: str) -> str:
    """Replace ID, mobile and landline numbers in ``text`` (in any of their common forms) with placeholders.

    The rules read only the runs of number characters long enough to hold a number, with the few characters
    around each that their lookarounds see: a message is mostly Chinese, and scanning all of it four times
    cost more than segmenting it. Masking never changes the characters around a run, so each run can be
    masked on its own.
    """
    if not text:
        return ""
    pieces, last = [], 0
    for run in _NUMBER_RUN_RE.finditer(text):
        start, end = run.span()
        before, after = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
        masked = _mask_rules(text[before:after])
        pieces.append(text[last:start])
        pieces.append(masked[start - before : len(masked) - (after - end)])
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)
