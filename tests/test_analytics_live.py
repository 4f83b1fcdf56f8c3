"""Live issues: rebuilt from recent orders, then joined one by one with the warning checked on arrival."""

from __future__ import annotations

from datetime import date, datetime

from analytics.dataset import load_messages
from analytics.live import LiveIssues
from analytics.places import default_gazetteer, gazetteer_names
from tests.helpers import SAMPLE

SURGE_DAY = datetime(2026, 2, 12)


def sample_in_time_order():
    return sorted(load_messages(SAMPLE / "hot_messages.csv"), key=lambda m: m.time)


def test_orders_arriving_after_a_rebuild_join_their_issue_and_the_surge_warns_on_arrival():
    messages = sample_in_time_order()
    live = LiveIssues(known_places=gazetteer_names(default_gazetteer()))
    live.rebuild([m for m in messages if m.time < SURGE_DAY])
    assert live.ready and live.warnings() == []
    joined = {m.id: live.add(m) for m in messages if m.time >= SURGE_DAY}
    assert joined["S004"].issue == live.issue_of("S002") == live.issue_of("S008")
    warning = joined["S004"].warning  # third person in a week against one in the eight weeks before
    assert warning is not None and warning.day == date(2026, 2, 12) and "翠竹园小区" in warning.description
    assert joined["S005"].warning is None  # one warning per surge
    assert [w.day for w in live.warnings(start=date(2026, 2, 1))] == [date(2026, 2, 12), date(2026, 2, 22)]


def test_the_hottest_live_issue_is_listed_first():
    live = LiveIssues(known_places=gazetteer_names(default_gazetteer()))
    live.rebuild(sample_in_time_order())
    top = live.issues(top=3)
    assert [i.rank for i in top] == [1, 2, 3] and top[0].place == "翠竹园小区"


def test_orders_wait_for_enough_history_and_the_first_rebuild_takes_them():
    messages = sample_in_time_order()
    live = LiveIssues(min_messages=5)
    assert [live.add(m).issue for m in messages[:4]] == [None] * 4
    assert not live.ready
    fifth = live.add(messages[4])
    assert live.ready and fifth.issue is not None
    assert live.issue_of(messages[0].id) is not None
