"""The bot's turns and the citizens' 好差评 of its answers, stored masked.

The bot reports its fallbacks, its low-confidence guesses and every catalogue answer it gives
(``record_turn``); the citizen rates an answer from the web chat or by a numbered reply in WeChat
(``rate_turn``: one rating per turn, the latest kept). Routing holds the store because every reader
sits above it: the dashboard's metrics, the trainer's review (learning) and the monthly report
(analytics).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import utcnow
from core.errors import NotFound
from routing.orm import BotTurn
from zhtext.privacy import mask_personal_data

KINDS = ("fallback", "low_confidence", "answer")
SATISFIED, UNSATISFIED = "satisfied", "unsatisfied"
RATINGS = (SATISFIED, UNSATISFIED)


#: Full-width digits, letters and the signs of a phone number, as ASCII (masking reads ASCII digits).
_NARROW = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code - 0xFEE0).isalnum()
           or chr(code - 0xFEE0) in "+-*"}


def narrow(text: str) -> str:
    return (text or "").translate(_NARROW)


def mask(text: str) -> str:
    """The citizen's words as they may be stored and learned from: personal numbers masked, nothing else changed.

    Unlike ``zhtext.clean_text`` courtesy words and Chinese punctuation stay: 你好 and 谢谢 are what the
    bot's greet and thank intents learn from, and the bot reads text as the citizen typed it."""
    return mask_personal_data(narrow(text)).strip()


def relocate_entities(original: str, masked: str, entities: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities with offsets into the masked text: each one's words found again nearest to where they were.

    Masking shortens a phone number, so later offsets move; an entity whose words were masked away
    (a phone number tagged as an entity) is dropped rather than pointing at the wrong characters."""
    moved = []
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        surface = original[start:end] if isinstance(start, int) and isinstance(end, int) and 0 <= start < end else ""
        surface = narrow(surface or str(entity.get("value") or "")).strip()
        if not surface or mask(surface) != surface:
            continue
        hits = [i for i in range(len(masked)) if masked.startswith(surface, i)]
        if not hits:
            continue
        at = min(hits, key=lambda i: abs(i - (start if isinstance(start, int) else 0)))
        moved.append({"entity": str(entity.get("entity")), "value": mask(str(entity.get("value") or surface)),
                      "start": at, "end": at + len(surface)})
    return moved


@dataclass(frozen=True)
class TurnReport:
    """What the bot reports of one turn (``POST /api/bot/turns``), before masking."""

    conversation_id: str
    turn_id: str
    channel: str
    text: str
    kind: str
    intent: str | None = None
    confidence: float | None = None
    entities: Sequence[dict[str, Any]] = ()
    item_code: str | None = None
    bot_reply: str | None = None


def record_turn(session: Session, report: TurnReport, now: datetime | None = None) -> BotTurn:
    """Store a turn masked; the same turn reported again (a retry) is the one already stored."""
    existing = find_turn(session, report.conversation_id, report.turn_id)
    if existing is not None:
        return existing
    text = mask(report.text)
    turn = BotTurn(conversation_id=report.conversation_id, turn_id=report.turn_id, channel=report.channel,
                   text=text, kind=report.kind, intent=report.intent, confidence=report.confidence,
                   entities=relocate_entities(narrow(report.text), text, report.entities),
                   item_code=report.item_code or None,
                   bot_reply=mask(report.bot_reply) if report.bot_reply else None,
                   created_at=now or utcnow())
    session.add(turn)
    try:
        session.commit()
    except IntegrityError:  # the same retry raced this one in
        session.rollback()
        return find_turn(session, report.conversation_id, report.turn_id)
    return turn


def find_turn(session: Session, conversation_id: str, turn_id: str) -> BotTurn | None:
    return session.scalar(select(BotTurn).where(BotTurn.conversation_id == conversation_id,
                                                BotTurn.turn_id == turn_id))


def rate_turn(session: Session, conversation_id: str, turn_id: str, rating: str, comment: str | None = None,
              now: datetime | None = None) -> BotTurn:
    """The citizen's 满意/不满意 of one answer; a second rating of the same turn replaces the first."""
    turn = find_turn(session, conversation_id, turn_id)
    if turn is None:
        raise NotFound("没有找到要评价的回答", "no such answer to rate in this conversation")
    turn.rating = rating
    turn.rating_comment = mask(comment) if comment and comment.strip() else None
    turn.rated_at = now or utcnow()
    session.commit()
    return turn


def recent_turns(session: Session, conversation_id: str, until: datetime, limit: int = 6) -> list[BotTurn]:
    """The conversation's last ``limit`` turns up to ``until``, oldest first (the context a trainer reads)."""
    query = (select(BotTurn).where(BotTurn.conversation_id == conversation_id, BotTurn.created_at <= until)
             .order_by(BotTurn.created_at.desc(), BotTurn.id.desc()).limit(limit))
    return list(reversed(session.scalars(query).all()))


def _figures(good: int, bad: int) -> dict[str, Any]:
    rated = good + bad
    return {"good": good, "bad": bad, "rated": rated, "good_rate": round(good / rated, 4) if rated else None}


def rating_summary(session: Session, start: datetime | None = None, end: datetime | None = None) -> dict[str, Any]:
    """好差评 of the bot's answers rated in ``[start, end)``: overall, by intent and by catalogue item.

    ``good``/``bad`` count 满意/不满意, ``good_rate`` is 满意 among rated (None when nothing was rated);
    ``answers`` counts the answers given in the period, rated or not."""
    rated = select(BotTurn.intent, BotTurn.item_code, BotTurn.rating, func.count()).where(BotTurn.rating.is_not(None))
    answers = select(func.count()).select_from(BotTurn).where(BotTurn.kind == "answer")
    if start is not None:
        rated, answers = rated.where(BotTurn.rated_at >= start), answers.where(BotTurn.created_at >= start)
    if end is not None:
        rated, answers = rated.where(BotTurn.rated_at < end), answers.where(BotTurn.created_at < end)
    counts: dict[str, dict[str, list[int]]] = {"intent": {}, "item": {}}
    good = bad = 0
    for intent, item, rating, n in session.execute(rated.group_by(BotTurn.intent, BotTurn.item_code, BotTurn.rating)):
        satisfied = rating == SATISFIED
        good, bad = good + n * satisfied, bad + n * (not satisfied)
        for key, value in (("intent", intent or "未识别"), ("item", item or "无事项")):
            pair = counts[key].setdefault(value, [0, 0])
            pair[0 if satisfied else 1] += n

    def ranked(groups: dict[str, list[int]]) -> dict[str, dict[str, Any]]:
        return {name: _figures(*pair) for name, pair in sorted(groups.items(), key=lambda kv: (-sum(kv[1]), kv[0]))}

    return {**_figures(good, bad), "answers": session.scalar(answers) or 0,
            "by_intent": ranked(counts["intent"]), "by_item": ranked(counts["item"])}

