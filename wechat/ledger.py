"""MsgId deduplication and late answers.

WeChat retries a message (same MsgId) when it got no reply in 5 s. Each MsgId is sent to the
bot once; a retry waits for the same answer. An answer that arrives after the holding reply
went out is kept for that user and delivered with their next message.

The ledger lives in the process: run the WeChat callback in one worker process (the bot, not
this process, is the slow part).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class Entry:
    task: asyncio.Task
    user: str
    created: float = field(default_factory=time.monotonic)
    delivered: bool = False
    kept: bool = False


class ReplyLedger:
    def __init__(self, ttl_seconds: float = 120.0, late_ttl_seconds: float = 3600.0) -> None:
        self.ttl = ttl_seconds
        self.late_ttl = late_ttl_seconds
        self._entries: dict[str, Entry] = {}
        self._late: dict[str, list[tuple[str, str, float]]] = {}

    def get(self, key: str) -> Entry | None:
        return self._entries.get(key)

    def add(self, key: str, user: str, task: asyncio.Task) -> Entry:
        self._expire()
        entry = self._entries[key] = Entry(task, user)
        return entry

    def delivered(self, key: str) -> None:
        entry = self._entries.get(key)
        if entry:
            entry.delivered = True

    def keep_when_done(self, key: str) -> None:
        """After a holding reply: when the answer comes, keep it for the user's next message."""
        entry = self._entries[key]
        if entry.kept:  # a retry that also timed out: the answer is already waited for
            return
        entry.kept = True

        def keep(task: asyncio.Task) -> None:
            if entry.delivered or task.cancelled() or task.exception() is not None:
                return
            self._late.setdefault(entry.user, []).append((key, task.result(), time.monotonic()))

        entry.task.add_done_callback(keep)

    def take_late(self, user: str) -> list[str]:
        """Answers owed to ``user`` that no retry has delivered meanwhile."""
        owed = self._late.pop(user, [])
        answers = []
        for key, answer, _ in owed:
            entry = self._entries.get(key)
            if entry is None or not entry.delivered:
                answers.append(answer)
                if entry:
                    entry.delivered = True
        return answers

    def sizes(self) -> tuple[int, int]:
        """(messages remembered, users owed a late answer): what the ledger holds in memory."""
        return len(self._entries), len(self._late)

    def _expire(self) -> None:
        """Forget finished messages after ``ttl`` and undelivered late answers after ``late_ttl``."""
        now = time.monotonic()
        for key in [k for k, e in self._entries.items() if e.created < now - self.ttl and e.task.done()]:
            del self._entries[key]
        for user in list(self._late):
            kept = [owed for owed in self._late[user] if owed[2] >= now - self.late_ttl]
            if kept:
                self._late[user] = kept
            else:
                del self._late[user]
