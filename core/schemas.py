"""What every API shares at its edge: bounded ids, clean input text, timestamps with their zone, error bodies.

- ``IdPath``: a row id as a path parameter, within the range of an INTEGER column on every supported
  database (PostgreSQL's 32 bits are the smaller), so ``/api/tickets/4294967296`` is a 422, not a 500.
- ``InputModel``: request bodies whose strings lose NUL and other control characters (PostgreSQL refuses
  NUL; none is readable) before their lengths are checked; line breaks and tabs stay.
- ``Timestamp``: a stored time (naive UTC) answered as ISO 8601 with its offset, in the display time zone.
- ``ERROR_RESPONSES``: the bilingual error body, documented for every error status the API answers.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, field_validator

from core.settings import DisplaySettings

#: The largest id an INTEGER primary key holds on PostgreSQL (SQLite's is larger).
MAX_ID = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="编号 id")]

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """``text`` without NUL, other control characters and lone surrogates; tabs and line breaks kept."""
    return _CONTROL_RE.sub("", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


class InputModel(BaseModel):
    """A request body: unknown fields refused, control characters stripped from every string."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _strip_controls(cls, value: Any) -> Any:
        return _clean(value)


_ZONE = ZoneInfo(DisplaySettings().timezone)


def local_time(value: datetime) -> str:
    """A stored time (naive means UTC) in the display time zone, with its offset: 2026-03-02T17:00:00+08:00."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_ZONE).isoformat()


def local_naive(value: datetime) -> datetime:
    """A stored time (naive UTC) as the wall-clock time of the display zone, for grouping by local day."""
    return value.replace(tzinfo=UTC).astimezone(_ZONE).replace(tzinfo=None)


def local_wall_time(value: datetime) -> str:
    """A wall-clock time of the display zone kept naive (the analysis's message times) with its offset."""
    return value.replace(tzinfo=_ZONE).isoformat()


def local_midnight_in_utc(day: date) -> datetime:
    """The stored time (naive UTC) at which the local day ``day`` starts."""
    return datetime.combine(day, time.min, tzinfo=_ZONE).astimezone(UTC).replace(tzinfo=None)


def local_days_in_utc(start: date, end: date) -> tuple[datetime, datetime]:
    """The stored-time (naive UTC) bounds of the local days ``start``..``end``, both included: a leader's
    "today" starts at midnight in China, not at midnight UTC."""
    return local_midnight_in_utc(start), local_midnight_in_utc(end + timedelta(days=1))


Timestamp = Annotated[datetime, PlainSerializer(local_time, return_type=str, when_used="json"),
                      WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization")]


class ErrorDetail(BaseModel):
    zh: str
    en: str
    details: list[dict[str, Any]] | None = Field(default=None, description="请求校验的字段错误 / validation problems")


class ErrorOut(BaseModel):
    """Every 4xx answer: a Chinese and an English message."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": description}
    for code, description in [(400, "请求不正确 / bad request"), (401, "未登录或令牌无效 / not signed in"),
                              (403, "无权操作 / forbidden"), (404, "不存在 / not found"),
                              (409, "状态冲突 / conflict"), (413, "内容过大 / too large"),
                              (422, "字段不正确 / invalid input"), (429, "过于频繁 / too many requests")]
}
