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


class ReplyLedger:
    def __init__(self, ttl_seconds: float = 120.0) -> None:
        self.ttl = ttl_seconds
        self._entries: dict[str, Entry] = {}
        self._late: dict[str, list[tuple[str, str]]] = {}

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

        def keep(task: asyncio.Task) -> None:
            if entry.delivered or task.cancelled() or task.exception() is not None:
                return
            self._late.setdefault(entry.user, []).append((key, task.result()))

        entry.task.add_done_callback(keep)

    def take_late(self, user: str) -> list[str]:
        """Answers owed to ``user`` that no retry has delivered meanwhile."""
        owed = self._late.pop(user, [])
        answers = []
        for key, answer in owed:
            entry = self._entries.get(key)
            if entry is None or not entry.delivered:
                answers.append(answer)
                if entry:
                    entry.delivered = True
        return answers

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.ttl
        for key in [k for k, e in self._entries.items() if e.created < cutoff and e.task.done()]:
            del self._entries[key]
