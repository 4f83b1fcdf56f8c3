"""Hot issues on hand-written messages: places, grouping, descriptions, the live join and the CLI."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from analytics.dataset import Message, load_messages, parse_time
from analytics.hotspots import HotIssues, main
from analytics.places import learn_place_names
from core.errors import DataError
from tests.helpers import SAMPLE


def issue_of(hot: HotIssues, message_id: str) -> int:
    return hot.index.labels[[m.id for m in hot.messages].index(message_id)]


def test_export_dates_in_both_formats_are_read():
    assert parse_time("2019/1/6 12:09:38") == datetime(2019, 1, 6, 12, 9, 38)
    assert parse_time("2019-01-06") == datetime(2019, 1, 6)


def test_a_row_with_an_unreadable_time_is_refused_with_its_row_number(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("留言编号,留言用户,留言主题,留言时间,留言详情\n1,U1,路灯不亮,昨天下午,枫林路路灯不亮\n",
                   encoding="utf-8")
    with pytest.raises(DataError, match="第 2 行"):
        load_messages(bad)


def test_place_names_are_learned_from_titles_that_use_them_as_units():
    titles = [m.title for m in load_messages(SAMPLE / "hot_messages.csv")]
    names = learn_place_names(titles)
    assert {"翠竹园小区", "阳光家园小区", "枫林路"} <= set(names)
    assert "搅拌站" not in names  # what a complaint is about, not where


def test_messages_raising_one_problem_at_one_place_form_one_issue(sample_hot_issues):
    issues = {issue_of(sample_hot_issues, f"S00{i}") for i in range(1, 9)}
    assert len(issues) == 1


def test_the_same_problem_at_another_estate_is_another_issue(sample_hot_issues):
    other = issue_of(sample_hot_issues, "S020")
    assert other == issue_of(sample_hot_issues, "S031")
    assert other != issue_of(sample_hot_issues, "S002")


def test_a_message_on_its_own_subject_stays_alone(sample_hot_issues):
    alone = issue_of(sample_hot_issues, "S025")
    assert sample_hot_issues.index.labels.count(alone) == 1


def test_the_hottest_issue_is_described_by_its_place_and_problem(sample_hot_issues):
    top = sample_hot_issues.issues()[0]
    assert top.place == "翠竹园小区"
    assert "搅拌站" in top.problem
    assert top.n_messages == 8 and top.n_users == 7
    assert top.message_ids[0] == "S001"


def test_a_new_message_joins_the_live_issue_it_belongs_to(sample_hot_issues):
    hot = HotIssues(sample_hot_issues.config, sample_hot_issues.known_places).fit(sample_hot_issues.messages)
    before = hot.index.n_issues
    joined = hot.add(Message("N1", "U900", "翠竹园小区搅拌站晚上施工太吵",
                             "翠竹园小区旁边搅拌站今晚又施工到凌晨，噪音很大。", datetime(2026, 3, 6, 23, 0)))
    assert joined == issue_of(hot, "S002")
    opened = hot.add(Message("N2", "U901", "体育馆游泳池池水浑浊", "体育馆游泳池这几天池水浑浊，不少人游完皮肤发痒。",
                             datetime(2026, 3, 6, 9, 0)))
    assert opened == before
    assert hot.index.n_issues == before + 1


def test_cli_prints_the_ranked_issues_as_json(capsys):
    assert main(["--data", str(SAMPLE / "hot_messages.csv"), "--top", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    issues = result["issues"]
    assert [i["rank"] for i in issues] == [1, 2, 3]
    assert issues[0]["heat"] >= issues[1]["heat"] >= issues[2]["heat"]
    assert {"description", "place", "first", "last", "n_messages", "n_users", "message_ids"} <= set(issues[0])


def test_cli_refuses_a_missing_file_with_exit_code_2(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "missing.csv"), "--json"]) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_cli_refuses_a_top_below_one(capsys):
    assert main(["--data", str(SAMPLE / "hot_messages.csv"), "--top", "0"]) == 2
