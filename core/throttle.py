"""A small throttle: at most ``limit`` hits per key in a sliding ``window`` of seconds.

In process by default; shared through Redis when a URL is configured (``REDIS_URL``), so several
workers count together. Used for what a stranger can try without logging in (the citizen's 查询码,
ratings) and for failed logins::

    throttle = Throttle("lookup", limit=10, window=60, redis_url=settings.redis.url)
    if not throttle.hit(f"ip:{client_ip}"):
        raise TooManyRequests(...)
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable

from core.errors import ServiceError


class TooManyRequests(ServiceError):
    status_code = 429


class Throttle:
    """``hit(key)`` records one attempt and says whether it is still within the limit."""

    def __init__(self, name: str, limit: int, window: float, redis_url: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.name, self.limit, self.window, self.clock = name, limit, window, clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url)

    def hit(self, key: str) -> bool:
        """One attempt for ``key``; False once ``limit`` attempts fell within the last ``window`` seconds."""
        now = self.clock()
        if self._redis is not None:
            return self._hit_redis(f"throttle:{self.name}:{key}", now)
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle keys rather than grow without bound
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
            return True

    def exceeded(self, key: str) -> bool:
        """True when ``key`` has used its allowance in the current window (records nothing): failed sign-ins
        are counted with ``hit``, and every attempt is refused once they are too many."""
        now = self.clock()
        if self._redis is not None:
            return self._redis.zcount(f"throttle:{self.name}:{key}", now - self.window, "+inf") >= self.limit
        with self._lock:
            return sum(1 for moment in self._hits.get(key, ()) if moment > now - self.window) >= self.limit

    def _hit_redis(self, key: str, now: float) -> bool:
        """A sorted set of attempt times per key, trimmed to the window, in one transaction."""
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(key, 0, now - self.window)
        pipe.zcard(key)
        pipe.zadd(key, {f"{now}:{uuid.uuid4().hex}": now})
        pipe.expire(key, int(self.window) + 1)
        _, count, _, _ = pipe.execute()
        return count < self.limit

    def check(self, *keys: str) -> None:
        """Record an attempt for each key; refuse with 429 if any is over its limit."""
        allowed = [self.hit(key) for key in keys]
        if not all(allowed):
            raise TooManyRequests("尝试过于频繁，请稍后再试", "too many attempts, try again later")
