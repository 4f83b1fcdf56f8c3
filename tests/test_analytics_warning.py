"""Early warning on a replayed timeline of hand-written messages, and its back-test."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from analytics.warning import EarlyWarning, WarningConfig, backtest


def arrivals(*days_and_users):
    start = datetime(2026, 1, 1, 9)
    return [(start + timedelta(days=d), user, f"m{i}") for i, (d, user) in enumerate(days_and_users)]


@pytest.fixture
def detector():
    return EarlyWarning(WarningConfig(window_days=7, baseline_days=56, min_count=3, prior_count=1, alpha=0.01))


def test_a_trickle_never_warns(detector):
    history = arrivals(*[(d, f"u{d}") for d in range(0, 70, 10)])
    for k in range(1, len(history) + 1):
        assert detector.check(1, history[k - 1][0].date(), history[:k]) is None


def test_a_surge_over_its_own_baseline_warns_the_day_it_crosses_the_threshold(detector):
    history = arrivals((0, "a"), (20, "b"), (60, "e"), (61, "f"))
    assert detector.check(1, date(2026, 3, 3), history) is None  # two people this week: below min_count
    history += [(datetime(2026, 3, 3, 18), "g", "m9")]
    warning = detector.check(1, date(2026, 3, 3), history)
    assert warning is not None and warning.people == 3
    assert warning.expected == pytest.approx((2 + 1) * 7 / 56)  # a and b in the 56 days before the window


def test_one_surge_gives_one_warning_until_it_calms_down(detector):
    surge = arrivals((0, "a"), (0, "b"), (0, "c"))
    assert detector.check(7, date(2026, 1, 1), surge) is not None
    assert detector.check(7, date(2026, 1, 2), surge + arrivals((1, "d"))[-1:]) is None
    calm_then_surge = surge + arrivals((30, "e"), (30, "f"), (30, "g"), (30, "h"))  # 4: above a baseline of 3
    assert detector.check(7, date(2026, 1, 20), surge) is None  # window empty: armed again
    assert detector.check(7, date(2026, 1, 31), calm_then_surge) is not None


def test_one_author_posting_every_day_is_not_a_surge(detector):
    same_person = arrivals(*[(d, "a") for d in range(5)])
    assert detector.check(1, date(2026, 1, 5), same_person) is None


def test_replaying_the_sample_warns_on_the_estate_noise_before_its_peak_and_not_on_the_steady_issue(
        sample_hot_issues):
    result = sample_hot_issues.replay()
    by_day = {w.day: w for w in result.warnings}
    assert set(by_day) == {date(2026, 2, 12), date(2026, 2, 22)}
    assert "翠竹园小区" in by_day[date(2026, 2, 12)].description
    assert "枫林路" in by_day[date(2026, 2, 22)].description
    steady = {"S009", "S010", "S011", "S012", "S013"}
    assert not any(steady & set(w.message_ids) for w in result.warnings)


def test_backtest_reports_lead_time_and_false_alarms(sample_hot_issues):
    result = sample_hot_issues.replay()
    figures = backtest(sample_hot_issues.messages, sample_hot_issues.index.labels, result,
                       sample_hot_issues.config.warning, top=2)
    largest = figures["largest_issues"][0]
    assert largest["people"] == 7 and largest["peak_week_end"] == "2026-02-14"
    assert largest["lead_days"] == 2
    assert figures["largest_issues"][1]["first_warning"] is None  # the steady 阳光家园小区 issue
    assert figures["warnings"] == 2 and figures["false_alarms"] == 1  # 枫林路 ends with 3 people, fewer than 5
