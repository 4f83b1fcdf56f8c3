"""The analysis in the running service: who may read it, the report from the database, live issues
fed by intake, and a poor department reply held for the operator before 办结."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from analytics.dataset import load_messages
from tests.helpers import SAMPLE, auth, intake, stored_time

FEBRUARY = {"start": "2026-02-01", "end": "2026-02-28"}


@pytest.fixture
def filed(client, clock, app_context):
    """The hand-written sample messages filed as work orders, each at its own time; id → order."""
    orders = {}
    for message in sorted(load_messages(SAMPLE / "hot_messages.csv"), key=lambda m: m.time):
        clock.now = stored_time(message.time)
        channel = "电话" if message.id < "S015" else "网页"
        orders[message.id] = intake(client, title=message.title, text=message.body, contact=message.user,
                                    channel=channel, external_no=message.id)
    app_context.analytics.flush()
    return orders


def handle(client, order_id: int, department_token: str = "zjj", department: str = "zjj") -> None:
    client.post(f"/api/tickets/{order_id}/dispatch", json={"department": department}, headers=auth("operator"))
    client.post(f"/api/tickets/{order_id}/accept", headers=auth(department_token))


@pytest.mark.parametrize("who, status", [("leader", 200), ("admin", 200), ("operator", 403), ("zjj", 403),
                                         ("trainer", 403)])
def test_only_leaders_read_the_report_the_live_issues_and_the_warnings(client, who, status):
    for path in ("/api/analysis/report?start=2026-02-01&end=2026-02-28", "/api/analysis/issues",
                 "/api/analysis/warnings"):
        assert client.get(path, headers=auth(who)).status_code == status, path


def test_the_analysis_needs_a_login(client):
    response = client.get("/api/analysis/report?start=2026-02-01&end=2026-02-28")
    assert response.status_code == 401 and response.json()["error"]["zh"]


def test_a_period_that_ends_before_it_starts_is_refused(client):
    response = client.get("/api/analysis/report?start=2026-03-01&end=2026-02-01", headers=auth("leader"))
    assert response.status_code == 400 and "结束日期" in response.json()["error"]["zh"]


def test_the_report_counts_the_orders_of_the_period_from_the_database(client, filed):
    handle(client, filed["S002"]["id"])
    report = client.get("/api/analysis/report", params=FEBRUARY, headers=auth("leader")).json()
    assert report["total"] == 19
    assert report["by_channel"] == {"电话": 10, "网页": 9}
    assert report["by_department"] == {"未派单": 18, "zjj": 1}
    assert sum(report["by_category"].values()) == 19
    top = report["hot_issues"][0]
    assert "翠竹园小区" in top["description"] and top["in_period"] == 7
    assert [w["day"] for w in report["warnings"]] == ["2026-02-12", "2026-02-22"]
    assert report["service"]["overall"]["received"] == 19
    assert report["bot_rating"]["rated"] == 0 and report["bot_rating"]["good_rate"] is None  # no ratings yet


def estate_issue(client) -> dict:
    issues = client.get("/api/analysis/issues?days=60", headers=auth("leader")).json()
    assert issues["ready"]
    return next(i for i in issues["issues"] if i["place"] == "翠竹园小区")


def test_new_orders_join_the_live_issues_as_they_arrive(client, clock, app_context, filed):
    before = estate_issue(client)
    assert before["n_messages"] == 8 and before["n_users"] == 7
    clock.now = datetime(2026, 3, 6, 22, 0)
    new = intake(client, title="翠竹园小区搅拌站今晚又在施工", contact="U950", channel="电话",
                 text="翠竹园小区旁边的搅拌站今晚又施工到半夜，噪音很大，请尽快处理。")
    app_context.analytics.flush()
    after = estate_issue(client)
    assert after["n_messages"] == 9 and str(new["id"]) in after["message_ids"]


def test_live_issues_give_their_first_and_last_times_with_chinas_offset(client, filed):
    issue = estate_issue(client)
    members = [m.time for m in load_messages(SAMPLE / "hot_messages.csv")
               if str(filed[m.id]["id"]) in issue["message_ids"]]
    china = ZoneInfo("Asia/Shanghai")
    assert issue["first"].endswith("+08:00") and issue["last"].endswith("+08:00")
    assert datetime.fromisoformat(issue["first"]) == min(members).replace(tzinfo=china)
    assert datetime.fromisoformat(issue["last"]) == max(members).replace(tzinfo=china)


def test_the_surge_at_the_estate_is_warned_on_the_day_it_happens(client, filed):
    warnings = client.get("/api/analysis/warnings?start=2026-02-01", headers=auth("leader")).json()
    first = warnings[0]
    assert first["day"] == "2026-02-12" and "翠竹园小区" in first["description"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is installed by `make setup`")
def test_the_report_downloads_as_a_pdf_with_chinese_text(client, filed, tmp_path):
    response = client.get("/api/analysis/report.pdf", params=FEBRUARY, headers=auth("leader"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "翠竹园小区" in text and "数据分析报告" in text


def test_a_poor_reply_is_held_for_the_operator_and_the_citizen_cannot_close_it(client):
    order = intake(client)
    handle(client, order["id"])
    held = client.post(f"/api/tickets/{order['id']}/reply", json={"reply": "您好，您反映的问题已转相关部门处理。"},
                       headers=auth("zjj")).json()
    assert held["status"] == "办理" and held["reply_held"]
    assert held["reply_check"]["poor"] and held["reply_check"]["reasons"] == ["仅转办 handed on only"]
    rating = client.post(f"/api/tickets/{order['id']}/rating",
                         json={"feedback_code": order["feedback_code"], "rating": "满意"})
    assert rating.status_code == 409
    assert client.post(f"/api/tickets/{order['id']}/close", json={"reason": "回访"},
                       headers=auth("operator")).status_code == 409
    queue = client.get("/api/tickets?held=true", headers=auth("operator")).json()
    assert [t["id"] for t in queue] == [order["id"]]


def test_the_operator_sends_a_poor_reply_back_and_a_good_one_reaches_the_citizen(client):
    order = intake(client)
    handle(client, order["id"])
    client.post(f"/api/tickets/{order['id']}/reply", json={"reply": "留言已收悉，我们将认真研究。"},
                headers=auth("zjj"))
    back = client.post(f"/api/tickets/{order['id']}/reply-review", headers=auth("operator"),
                       json={"decision": "return", "reason": "未说明处理结果"}).json()
    assert back["status"] == "办理" and not back["reply_held"]
    good = "经核实，该小区物业确有擅自收取停车费的情况，区住建局已于3月3日约谈物业公司，责令其停止收费并退还已收费用。"
    replied = client.post(f"/api/tickets/{order['id']}/reply", json={"reply": good}, headers=auth("zjj")).json()
    assert replied["status"] == "反馈" and not replied["reply_held"] and not replied["reply_check"]["poor"]
    events = [e["action"] for e in client.get(f"/api/tickets/{order['id']}/events", headers=auth("operator")).json()]
    assert events[-3:] == ["hold", "reply_back", "reply"]


def test_the_operator_may_release_a_held_reply_to_the_citizen(client):
    order = intake(client)
    handle(client, order["id"])
    client.post(f"/api/tickets/{order['id']}/reply", json={"reply": "已转相关部门核实处理。"}, headers=auth("zjj"))
    assert client.post(f"/api/tickets/{order['id']}/reply-review", json={"decision": "release"},
                       headers=auth("zjj")).status_code == 403
    released = client.post(f"/api/tickets/{order['id']}/reply-review", json={"decision": "release"},
                           headers=auth("operator")).json()
    assert released["status"] == "反馈" and released["replied_at"]
    again = client.post(f"/api/tickets/{order['id']}/reply-review", json={"decision": "release"},
                        headers=auth("operator"))
    assert again.status_code == 409


def test_reply_quality_by_department_shows_each_department_only_its_own(client):
    for department, token, reply in (("zjj", "zjj", "已转相关部门处理。"),
                                     ("cgj", "cgj", "经现场核查，城管执法中队已于3月3日拆除违章搭建的彩钢棚。")):
        order = intake(client, external_no=f"Q-{department}")
        handle(client, order["id"], token, department)
        client.post(f"/api/tickets/{order['id']}/reply", json={"reply": reply}, headers=auth(token))
    period = {"start": "2026-03-01", "end": "2026-03-31"}
    everyone = client.get("/api/analysis/reply-quality", params=period, headers=auth("operator")).json()
    assert set(everyone["by_department"]) == {"zjj", "cgj"}
    assert everyone["by_department"]["zjj"]["poor_share"] == 1.0 and everyone["by_department"]["zjj"]["held"] == 1
    assert everyone["by_department"]["cgj"]["poor_share"] == 0.0
    own = client.get("/api/analysis/reply-quality", params=period, headers=auth("cgj")).json()
    assert set(own["by_department"]) == {"cgj"}
    assert client.get("/api/analysis/reply-quality", params=period, headers=auth("trainer")).status_code == 403
