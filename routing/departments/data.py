"""Replied messages: the citizen's message, its time, and the official reply that names the unit.

The file has the columns of the real data (留言编号, 留言主题, 留言详情, 留言时间, 答复意见, …);
``.csv``, ``.xlsx`` and ``.jsonl`` are read by the classifier's table reader. Each record is
labelled with the reply extractor here, once, so training and evaluation see the same labels.
Evaluation is by time: the earlier part trains, the later part tests, as a live centre would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from classifier.dataset import read_rows
from core.errors import DataError
from routing.departments.extract import Extraction, ReplyUnitExtractor
from routing.departments.units import Unit
from zhtext.clean import clean_text

REQUIRED_COLUMNS = ("留言编号", "留言时间", "答复意见")
TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")


@dataclass(frozen=True)
class RepliedMessage:
    """One message with its reply and the unit read from the reply (None: the reply does not say)."""

    id: str
    text: str
    time: datetime
    reply: str
    extraction: Extraction | None

    @property
    def handler(self) -> Unit | None:
        """The unit that handled the message, when the reply says (not a mere referral)."""
        return self.extraction.unit if self.extraction is not None and self.extraction.handling else None

    @property
    def labelled(self) -> bool:
        return self.handler is not None


def parse_time(value: str) -> datetime | None:
    """The data mixes ``2019/1/6 12:09:38`` and ``2019-01-06``; None when neither fits."""
    value = (value or "").strip()
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def load_replied(path: Path | str, extractor: ReplyUnitExtractor | None = None) -> list[RepliedMessage]:
    """Load, clean and label a replied-messages file, sorted by message time (then id)."""
    rows = read_rows(path)
    missing = [c for c in REQUIRED_COLUMNS if c not in rows[0]]
    if "留言主题" not in rows[0] and "留言详情" not in rows[0]:
        missing.append("留言主题/留言详情")
    if missing:
        raise DataError(f"{path}: 缺少列 {', '.join(missing)}", f"{path}: missing columns {', '.join(missing)}")
    extractor = extractor or ReplyUnitExtractor()
    records = []
    for number, row in enumerate(rows, start=2):
        title, body = row.get("留言主题", ""), row.get("留言详情", "")
        raw = f"{title}。{body}" if title and body else title or body
        text = clean_text(raw)
        time = parse_time(row["留言时间"])
        if not text or time is None:
            problem = "留言内容为空" if not text else f"留言时间无法识别: {row['留言时间']!r}"
            english = "message text is empty" if not text else f"unreadable time {row['留言时间']!r}"
            raise DataError(f"{path} 第 {number} 行: {problem}", f"{path} row {number}: {english}")
        reply = row.get("答复意见", "")
        extraction = extractor.extract(reply, raw)
        records.append(RepliedMessage(id=row["留言编号"], text=text, time=time, reply=reply, extraction=extraction))
    return sorted(records, key=lambda r: (r.time, r.id))


def random_split(records: Sequence[RepliedMessage], test_fraction: float = 0.2, seed: int = 0) -> tuple[list, list]:
    """A seeded random ``1 - test_fraction`` / ``test_fraction`` split, each part in the order of ``records``.

    A diagnostic only: it mixes periods (and so cities) that a live centre would meet in order,
    so set against the split by time it shows how much of the error is the shift over time.
    """
    order = np.random.default_rng(seed).permutation(len(records))
    cut = int(round(len(records) * (1 - test_fraction)))
    train, test = sorted(order[:cut]), sorted(order[cut:])
    return [records[i] for i in train], [records[i] for i in test]


def time_split(records: Sequence[RepliedMessage], test_fraction: float = 0.2) -> tuple[list, list]:
    """Earlier ``1 - test_fraction`` and later ``test_fraction`` of ``records`` by time."""
    ordered = sorted(records, key=lambda r: (r.time, r.id))
    cut = int(round(len(ordered) * (1 - test_fraction)))
    return ordered[:cut], ordered[cut:]
