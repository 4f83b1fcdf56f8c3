"""The heat index: each part moves the way its documented reason says."""

from __future__ import annotations

from datetime import datetime, timedelta

from analytics.heat import HeatConfig, heat_index

NOW = datetime(2026, 3, 1, 12, 0)
CONFIG = HeatConfig()


def heat(days_ago, users, likes=0, dislikes=0):
    return heat_index([NOW - timedelta(days=d) for d in days_ago], users, likes, dislikes, NOW, CONFIG)


def test_more_people_make_an_issue_hotter_than_one_person_repeating_it():
    five_people = heat([20] * 5, ["a", "b", "c", "d", "e"])
    one_person = heat([20] * 5, ["a"] * 5)
    assert five_people.reach == 5
    assert one_person.reach == 1 + 0.5 * 4
    assert five_people.heat > one_person.heat


def test_ten_likes_weigh_as_one_author_and_dislikes_cancel_likes():
    assert heat([20], ["a"], likes=10).reach == 2
    assert heat([20], ["a"], likes=10, dislikes=10).reach == 1
    assert heat([20], ["a"], likes=0, dislikes=50).reach == 1


def test_recency_halves_towards_its_floor_every_half_life():
    assert heat([0], ["a"]).recency == 1.0
    assert heat([30], ["a"]).recency == 0.75
    assert abs(heat([3000], ["a"]).recency - 0.5) < 0.001


def test_an_issue_that_just_appeared_gets_the_full_growth_bonus_and_a_steady_one_none():
    fresh = heat([1, 2, 3], ["a", "b", "c"])
    steady = heat([2, 16, 30, 44, 58, 72, 86, 100], list("abcdefgh"))  # one a fortnight
    assert fresh.growth == 1.5
    assert steady.growth == 1.0


def test_heat_is_ten_log2_of_one_plus_reach_times_recency_and_growth():
    result = heat([0], ["a"])
    assert result.heat == round(10 * 1.0 * 1.0 * 1.5, 2)  # log2(1 + 1) = 1, new today: growth 1.5
