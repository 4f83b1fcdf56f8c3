"""The analysis report: its numbers on hand-written messages, and a PDF that shows Chinese text."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest

from analytics.dataset import load_messages
from analytics.places import default_gazetteer, gazetteer_names
from analytics.report import BOT_RATING_GAP, Labels, ReportData, build_report, main, render_pdf
from tests.helpers import SAMPLE

FEBRUARY = (date(2026, 2, 1), date(2026, 2, 28))


@pytest.fixture(scope="module")
def february() -> ReportData:
    messages = load_messages(SAMPLE / "hot_messages.csv")
    replies = load_messages(SAMPLE / "reply_quality.csv")
    channels = {m.id: "电话" if m.id < "S015" else "网站" for m in messages}
    service = {"overall": {"响应率": 0.9, "办结率": 0.8, "按时办结率": 0.75, "满意率": 0.95}, "by_department": {}}
    return build_report(messages, *FEBRUARY, replies=replies, labels=Labels(channel=channels), service=service,
                        known=gazetteer_names(default_gazetteer()), sources={"留言": "sample"})


def test_the_report_counts_the_messages_of_the_period_day_by_day(february):
    assert february.total == 19
    assert len(february.volume_by_day) == 28
    assert sum(count for _, count in february.volume_by_day) == 19
    assert dict(february.volume_by_day)["2026-02-12"] == 3


def test_the_report_breaks_volume_down_by_what_the_source_knows(february):
    assert february.by_channel == {"电话": 10, "网站": 9}
    assert february.by_category is None and february.by_department is None


def test_the_hottest_issue_of_the_period_comes_first_with_its_weekly_trend(february):
    top = february.hot_issues[0]
    assert top["rank"] == 1 and "翠竹园小区" in top["description"]
    assert top["in_period"] == 7 and top["weekly_trend"] == [0, 6, 0, 1]  # weeks from Sunday 1 February


def test_the_report_lists_the_warnings_raised_in_the_period(february):
    assert [w["day"] for w in february.warnings] == ["2026-02-12", "2026-02-22"]


def test_reply_quality_covers_the_replies_to_messages_of_the_period(february):
    assert february.reply_quality["n"] == 4  # R001, R002, R003, R005 answer February messages
    assert february.reply_quality["poor_share"] == 0.5


def test_a_period_without_messages_says_so():
    empty = build_report([], date(2025, 1, 1), date(2025, 1, 31))
    assert empty.total == 0 and empty.hot_issues == [] and empty.notes


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is installed by `make setup`")
def test_the_pdf_embeds_a_chinese_font_and_shows_chinese_text(february, tmp_path):
    pdf = render_pdf(february, tmp_path / "report.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and " yes yes " in fonts  # embedded, subset
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("数据分析报告", "热点问题", "翠竹园小区", "苗头性问题预警", "答复质量", BOT_RATING_GAP[:10]):
        assert words in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 3


def test_cli_writes_the_pdf_and_the_numbers(tmp_path, capsys):
    out, numbers = tmp_path / "feb.pdf", tmp_path / "feb.json"
    assert main(["--from", "2026-02-01", "--to", "2026-02-28", "--out", str(out), "--json", str(numbers),
                 "--messages", str(SAMPLE / "hot_messages.csv"), "--replies", str(SAMPLE / "reply_quality.csv")],
                progress=lambda *_: None) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert json.loads(numbers.read_text(encoding="utf-8"))["total"] == 19


def test_cli_refuses_a_period_that_ends_before_it_starts(tmp_path, capsys):
    assert main(["--from", "2026-03-01", "--to", "2026-02-01", "--out", str(tmp_path / "r.pdf"),
                 "--messages", str(SAMPLE / "hot_messages.csv")], progress=lambda *_: None) == 2
    assert "结束日期早于开始日期" in capsys.readouterr().err


def test_cli_refuses_an_unreadable_date():
    with pytest.raises(SystemExit) as exit_info:
        main(["--from", "上个月", "--to", "2026-02-01", "--out", "r.pdf"])
    assert exit_info.value.code == 2
