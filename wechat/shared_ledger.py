"""The WeChat ledger in Redis, so several worker processes agree on what was sent and what is owed.

WeChat retries a message it got no answer to within 5 s, and the retry may reach another worker;
the user's next message too. With ``REDIS_URL`` set, every worker reads and writes the same records:

- ``msg:<MsgId>`` — claimed (SET NX) by the one worker that sends the message to the bot;
- ``ans:<MsgId>`` — the bot's answer (or ``ERROR``), which a retry on any worker waits for;
- ``held:<MsgId>`` — a holding reply went out, so an answer arriving later is owed (``late:<user>``);
- ``done:<MsgId>`` — the answer was delivered (SET NX: delivered once, whoever delivers it);
- ``sig:<timestamp>:<nonce>:<signature>`` — the body a signed request carried: the same signature
  with another body is a replay (a plain-mode body is not covered by WeChat's signature).

Every record lives for the ledger's ``ttl`` (at least the whole timestamp window), late answers for
``late_ttl``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

ERROR = "\x00error"


class SharedLedger:
    def __init__(self, redis: Any, ttl_seconds: float, late_ttl_seconds: float, prefix: str = "wechat",
                 poll_seconds: float = 0.05) -> None:
        self.redis = redis
        self.ttl = max(1, int(ttl_seconds))
        self.late_ttl = max(1, int(late_ttl_seconds))
        self.prefix = prefix
        self.poll = poll_seconds

    @classmethod
    def connect(cls, url: str, ttl_seconds: float, late_ttl_seconds: float) -> SharedLedger:
        import redis.asyncio

        return cls(redis.asyncio.Redis.from_url(url, decode_responses=True, socket_timeout=2), ttl_seconds,
                   late_ttl_seconds)

    def _key(self, kind: str, name: str) -> str:
        return f"{self.prefix}:{kind}:{name}"

    async def bind(self, signed: str, digest: str) -> bool:
        """Remember which body a signature carried; False when it carried another one before (a replay)."""
        key = self._key("sig", signed)
        if await self.redis.set(key, digest, nx=True, ex=self.ttl):
            return True
        return await self.redis.get(key) == digest

    async def claim(self, key: str) -> bool:
        """True for the one caller, on any worker, that should send this message to the bot."""
        return bool(await self.redis.set(self._key("msg", key), "1", nx=True, ex=self.ttl))

    async def answered(self, key: str, user: str, answer: str | None) -> None:
        """Store the bot's answer (None: the bot failed); owe it to the user if a holding reply went out."""
        await self.redis.set(self._key("ans", key), ERROR if answer is None else answer, ex=self.ttl)
        if answer is not None and await self.redis.exists(self._key("held", key)):
            await self._owe(user, key)

    async def _owe(self, user: str, key: str) -> None:
        late = self._key("late", user)
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.rpush(late, key).expire(late, self.late_ttl).execute()

    async def wait(self, key: str, seconds: float) -> str | None:
        """The answer once any worker stored it, None if it is not there within ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            answer = await self.redis.get(self._key("ans", key))
            if answer is not None or time.monotonic() >= deadline:
                return answer
            await asyncio.sleep(self.poll)

    async def hold(self, key: str, user: str) -> str | None:
        """A holding reply is going out: the answer is owed when it comes. Returns it if it just came."""
        await self.redis.set(self._key("held", key), user, ex=self.ttl)
        answer = await self.redis.get(self._key("ans", key))
        if answer is not None and answer != ERROR:
            await self._owe(user, key)
        return answer

    async def deliver(self, key: str) -> bool:
        """Mark the answer delivered; True for the first delivery only."""
        return bool(await self.redis.set(self._key("done", key), "1", nx=True, ex=self.ttl))

    async def take_late(self, user: str) -> list[str]:
        """Answers owed to ``user`` that no reply has delivered yet, each once."""
        late = self._key("late", user)
        async with self.redis.pipeline(transaction=True) as pipe:
            keys, _ = await pipe.lrange(late, 0, -1).delete(late).execute()
        answers = []
        for key in dict.fromkeys(keys):
            answer = await self.redis.get(self._key("ans", key))
            if answer is not None and answer != ERROR and await self.deliver(key):
                answers.append(answer)
        return answers
