"""The bot's learning loop, trainer side: its doubtful turns reviewed and written as Rasa NLU examples.

Fallbacks, low-confidence guesses and answers a citizen rated 不满意 wait for a trainer (most
instructive first: what a citizen complained about, then what the bot did not understand, then the
least confident guesses), shown with the conversation's turns before them. The trainer gives the
right intent and entities, marks the message out of scope, or rejects it (noise, abuse, a test).
Every labelled or out-of-scope decision is an example in ``reviewed_file``, rewritten from the
database after each decision in Rasa's NLU YAML, so the next bot retrain learns from it.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.auth import User
from core.db import utcnow
from core.errors import BadRequest, Conflict, NotFound
from learning.orm import BotReview
from routing.conversations import UNSATISFIED, recent_turns
from routing.orm import BotTurn

ACTIONS = ("label", "out_of_scope", "reject")
OUT_OF_SCOPE = "out_of_scope"
_WRITE_LOCK = threading.Lock()


@dataclass(frozen=True)
class BotVocabulary:
    """The intents a trainer may assign (retrieval intents such as faq/chitchat excluded: their examples
    need a response key) and the entities, read from the bot's domain."""

    intents: tuple[str, ...]
    entities: tuple[str, ...]

    @classmethod
    def from_domain(cls, path: Path) -> BotVocabulary:
        try:
            domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as error:
            raise BadRequest(f"读不到机器人的 domain 文件 {path}", f"cannot read the bot's domain {path}: {error}") \
                from error
        retrieval = {name.split("/", 1)[0].removeprefix("utter_") for name in domain.get("responses") or {}
                     if "/" in name}
        intents = [i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []]
        entities = [e if isinstance(e, str) else next(iter(e)) for e in domain.get("entities") or []]
        return cls(tuple(i for i in intents if i not in retrieval), tuple(entities))


@dataclass
class ReviewCandidate:
    turn: BotTurn
    reason: str  # unsatisfied | fallback | low_confidence
    context: list[BotTurn] = field(default_factory=list)


def _reason(turn: BotTurn) -> str:
    return "unsatisfied" if turn.rating == UNSATISFIED else turn.kind


def review_queue(session: Session, limit: int = 50, context_turns: int = 6) -> list[ReviewCandidate]:
    """Turns waiting for a trainer, each with the conversation's turns up to it (oldest first)."""
    reviewed = select(BotReview.turn_id)
    waiting = select(BotTurn).where(
        or_(BotTurn.kind.in_(("fallback", "low_confidence")), BotTurn.rating == UNSATISFIED),
        BotTurn.id.not_in(reviewed))
    order = {"unsatisfied": 0, "fallback": 1, "low_confidence": 2}
    turns = sorted(session.scalars(waiting),
                   key=lambda t: (order[_reason(t)], t.confidence if t.confidence is not None else 0.0, -t.id))
    return [ReviewCandidate(t, _reason(t), recent_turns(session, t.conversation_id, t.created_at, context_turns))
            for t in turns[:limit]]


def _checked_entities(text: str, entities: list[dict[str, Any]], known: tuple[str, ...]) -> list[dict[str, Any]]:
    """Entities as the trainer marked them: a known name over a non-overlapping span of the text."""
    checked, taken = [], set()
    for entity in sorted(entities, key=lambda e: e.get("start", 0)):
        name, start, end = entity.get("entity"), entity.get("start"), entity.get("end")
        if name not in known:
            raise BadRequest(f"未知的实体 {name}（可选：{'、'.join(known)}）", f"unknown entity {name}")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise BadRequest(f"实体 {name} 的位置不在文本内", f"entity {name} has no valid span in the text")
        span = set(range(start, end))
        if span & taken:
            raise BadRequest("实体的位置有重叠", "entities overlap")
        taken |= span
        surface = text[start:end]
        if not surface.strip() or "[" in surface or "]" in surface:
            raise BadRequest(f"实体 {name} 的文字不能为空或是遮蔽的个人信息", f"entity {name} is empty or masked")
        value = str(entity.get("value") or surface)
        checked.append({"entity": name, "start": start, "end": end, "value": value})
    return checked


def decide(session: Session, turn_id: int, action: str, user: User, vocabulary: BotVocabulary,
           reviewed_file: Path, intent: str | None = None,
           entities: list[dict[str, Any]] | None = None) -> BotReview:
    """Record the trainer's decision on one turn; labelled and out-of-scope turns become NLU examples."""
    turn = session.get(BotTurn, turn_id)
    if turn is None:
        raise NotFound(f"对话记录 {turn_id} 不存在", f"bot turn {turn_id} not found")
    if session.scalar(select(BotReview).where(BotReview.turn_id == turn_id)) is not None:
        raise Conflict(f"对话记录 {turn_id} 已审核", f"bot turn {turn_id} was already reviewed")
    if action not in ACTIONS:
        raise BadRequest(f"未知的操作 {action}", f"unknown action {action}")
    checked: list[dict[str, Any]] = []
    if action == "label":
        if intent not in vocabulary.intents:
            raise BadRequest(f"未知的意图 {intent}", f"unknown intent {intent}")
        checked = _checked_entities(turn.text, entities or [], vocabulary.entities)
    elif action == OUT_OF_SCOPE:
        intent = OUT_OF_SCOPE
    else:
        intent = None
    if action != "reject" and not turn.text.strip():
        raise BadRequest("这条消息是空的，不能作为训练样例", "the message is empty")
    review = BotReview(turn_id=turn.id, action=action, intent=intent, entities=checked, text=turn.text,
                       reviewed_by=user.name, reviewed_at=utcnow())
    session.add(review)
    session.commit()
    if action != "reject":
        write_reviewed(session, reviewed_file)
    return review


def _plain(text: str) -> str:
    """Text outside an annotation, safe in Rasa's markup: its brackets (the masks' [手机号]) made full-width."""
    return text.replace("[", "【").replace("]", "】").replace("\n", " ")


def annotated(text: str, entities: list[dict[str, Any]]) -> str:
    """One example in Rasa's markup: ``[surface](entity)``, or with a JSON value when it differs."""
    parts, at = [], 0
    for entity in sorted(entities, key=lambda e: e["start"]):
        surface = text[entity["start"]:entity["end"]]
        parts.append(_plain(text[at:entity["start"]]))
        if entity["value"] == surface:
            parts.append(f"[{surface}]({entity['entity']})")
        else:
            value = entity["value"].replace('"', "'")
            parts.append(f'[{surface}]{{"entity": "{entity["entity"]}", "value": "{value}"}}')
        at = entity["end"]
    parts.append(_plain(text[at:]))
    return "".join(parts).strip()


def approved_examples(session: Session) -> dict[str, list[str]]:
    """Examples by intent, each message once (the latest decision about the same words wins)."""
    latest: dict[str, tuple[str, str]] = {}
    approved = select(BotReview).where(BotReview.action != "reject").order_by(BotReview.id)
    for review in session.scalars(approved):
        key = " ".join(review.text.split())
        latest[key] = (review.intent, annotated(review.text, review.entities))
    by_intent: dict[str, list[str]] = {}
    for intent, example in latest.values():
        if example not in by_intent.setdefault(intent, []):
            by_intent[intent].append(example)
    return dict(sorted(by_intent.items()))


def render_nlu(examples: dict[str, list[str]]) -> str:
    """Rasa 3 NLU YAML (``version: "3.1"``) with one block of examples per intent."""
    lines = ["# 对话审核通过的样例 / examples approved in the trainer's 对话 review (learning.bot_review).",
             "# Rewritten from the database after every decision: edit them in /trainer, not here.",
             'version: "3.1"', "nlu:" if examples else "nlu: []"]
    for intent, texts in examples.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in texts]
    return "\n".join(lines) + "\n"


def write_reviewed(session: Session, path: Path) -> Path:
    """Rewrite the reviewed examples file atomically (a reader never sees half a file)."""
    body = render_nlu(approved_examples(session))
    path.parent.mkdir(parents=True, exist_ok=True)
    with _WRITE_LOCK:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".reviewed-", suffix=".yml")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(body)
        os.replace(temporary, path)
    return path
