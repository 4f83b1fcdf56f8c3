"""Citizen messages with their times, support and (when answered) the official reply.

The real message-board exports mix ``2019/1/6 12:09:38`` and ``2019-01-06`` date formats; every
time is parsed here once, and a row that cannot be read is refused with its row number, so a
bad export stops the run instead of silently dropping messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from classifier.dataset import read_rows
from core.errors import DataError
from zhtext.clean import clean_text

_TIME_RE = re.compile(r"^\s*(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?\s*$")


@dataclass(frozen=True)
class Message:
    """One citizen message; ``reply`` fields are set only for answered messages."""

    id: str
    user: str
    title: str
    body: str
    time: datetime
    likes: int = 0
    dislikes: int = 0
    reply: str | None = None
    reply_time: datetime | None = None
    label: int | None = None  # a 0/1 manual rating shipped with some exports

    @property
    def text(self) -> str:
        return f"{self.title}。{self.body}" if self.title and self.body else self.title or self.body


def parse_time(value: str) -> datetime:
    """Parse the formats found in the exports; raise ``ValueError`` otherwise."""
    match = _TIME_RE.match(value or "")
    if not match:
        raise ValueError(f"unreadable time {value!r}")
    parts = [int(p) if p else 0 for p in match.groups()]
    return datetime(*parts)


def _int(value: str) -> int:
    value = (value or "").strip()
    return int(float(value)) if value else 0


def load_messages(path: Path | str) -> list[Message]:
    """Messages from a message-board export (.csv, .xlsx or .jsonl), in file order."""
    rows = read_rows(path)
    columns = set(rows[0])
    missing = [c for c in ("留言编号", "留言时间") if c not in columns]
    if missing or not {"留言主题", "留言详情"} & columns:
        need = "、".join(missing or ["留言主题/留言详情"])
        raise DataError(f"{path}: 缺少列 {need}", f"{path}: missing column(s) {need}")
    label_column = next((c for c in columns if c.endswith("可解释性")), None)
    messages, seen = [], set()
    for number, row in enumerate(rows, start=2):
        where = f"{path} 第 {number} 行", f"{path} row {number}"
        try:
            message = Message(
                id=row["留言编号"], user=row.get("留言用户", "") or f"row{number}",
                title=clean_text(row.get("留言主题", "")), body=clean_text(row.get("留言详情", "")),
                time=parse_time(row["留言时间"]), likes=_int(row.get("点赞数", "")),
                dislikes=_int(row.get("反对数", "")),
                reply=clean_text(row["答复意见"]) if row.get("答复意见") else None,
                reply_time=parse_time(row["答复时间"]) if row.get("答复时间") else None,
                label=_int(row[label_column]) if label_column and row.get(label_column) else None,
            )
        except ValueError as error:
            raise DataError(f"{where[0]}: {error}", f"{where[1]}: {error}") from error
        if not message.id or not message.text:
            raise DataError(f"{where[0]}: 留言编号或内容为空", f"{where[1]}: empty id or text")
        if message.id in seen:
            raise DataError(f"{where[0]}: 留言编号 {message.id} 重复", f"{where[1]}: duplicate id {message.id}")
        seen.add(message.id)
        messages.append(message)
    return messages
