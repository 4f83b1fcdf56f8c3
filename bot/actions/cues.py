"""The words shared with the dialogue policy (bot/dialogue_cues.yml): rating replies, the aspects a
follow-up asks about, and whether a message asks at all."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

_CUES = yaml.safe_load((Path(__file__).parent.parent / "dialogue_cues.yml").read_text(encoding="utf-8"))
SATISFIED = re.compile(_CUES["rating"]["satisfied"])
UNSATISFIED = re.compile(_CUES["rating"]["unsatisfied"])
#: (aspect, pattern) in the file's order: the order an answer lists them in.
ASPECT_WORDS: List[Tuple[str, "re.Pattern[str]"]] = [(name, re.compile(p)) for name, p in _CUES["aspects"].items()]
QUESTION = re.compile(_CUES["question"])
NOT_ASKING = re.compile(_CUES["not_asking"])
URGE = re.compile(_CUES["urge"])
FILED = re.compile(_CUES["filed"])
CODE_REPLY = re.compile(_CUES["code_reply"])


def compact(text: str) -> str:
    """The message without spaces and without what it says it does not know (不知道档案在哪)."""
    return NOT_ASKING.sub("", re.sub(r"\s", "", text or ""))


def rating_in(text: str) -> Optional[str]:
    said = compact(text)
    if UNSATISFIED.match(said):
        return "unsatisfied"
    if SATISFIED.match(said):
        return "satisfied"
    return None


def aspects_named(text: str) -> List[str]:
    said = compact(text)
    return [name for name, words in ASPECT_WORDS if words.search(said)]


def asks(text: str) -> bool:
    return bool(QUESTION.search(compact(text)))


def urges(text: str) -> bool:
    """催一下 / 加急: urging a work order along."""
    return bool(URGE.search(compact(text)))


def asks_if_filed(text: str) -> bool:
    """登记上了吗: whether the order was filed."""
    return bool(FILED.search(compact(text)))


def replies_about_code(text: str) -> bool:
    """找不到了 / 没收到 / a code or number: a reply to being asked for the 查询码."""
    return bool(CODE_REPLY.search(compact(text)))
