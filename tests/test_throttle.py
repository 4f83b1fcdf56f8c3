"""core.throttle: at most ``limit`` attempts per key in a sliding window, in process or shared through Redis."""

from __future__ import annotations

import os
import uuid

import pytest

from core.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _backends() -> list[str]:
    return ["memory", "redis"] if os.environ.get("TEST_REDIS_URL") else ["memory"]


@pytest.fixture(params=_backends())
def make_throttle(request):
    url = os.environ.get("TEST_REDIS_URL") if request.param == "redis" else None

    def make(limit: int, window: float, clock: Clock) -> Throttle:
        return Throttle(f"test-{uuid.uuid4().hex}", limit, window, redis_url=url, clock=clock)

    return make


def test_attempts_over_the_limit_are_refused_until_the_window_has_passed(make_throttle):
    clock = Clock()
    throttle = make_throttle(3, 60, clock)
    assert [throttle.hit("ip:10.0.0.1") for _ in range(4)] == [True, True, True, False]
    clock.now += 61
    assert throttle.hit("ip:10.0.0.1")


def test_keys_are_counted_apart(make_throttle):
    throttle = make_throttle(1, 60, Clock())
    assert throttle.hit("ticket:1") and throttle.hit("ticket:2")
    assert not throttle.hit("ticket:1")


def test_workers_sharing_redis_count_together():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    name, clock = f"test-{uuid.uuid4().hex}", Clock()
    first, second = Throttle(name, 2, 60, redis_url=url, clock=clock), Throttle(name, 2, 60, redis_url=url, clock=clock)
    assert [first.hit("ip:a"), second.hit("ip:a"), first.hit("ip:a")] == [True, True, False]
