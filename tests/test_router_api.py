"""Whole work-order lifecycles through the HTTP API, on a real database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from learning.orm import LabelCandidate
from routing.orm import Ticket
from tests.helpers import COMPLAINT, auth, intake, stored_time


def count(app_context, model) -> int:
    with app_context.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_intake_classifies_and_suggests_departments_with_evidence(client):
    ticket = intake(client)
    assert ticket["status"] == "受理"
    assert ticket["category"] == "城乡建设"
    top = ticket["suggestions"][0]
    assert top["department"] == "zjj" and 0 < top["score"] <= 1
    assert top["evidence"]["clause"] and top["evidence"]["tags"]
    assert ticket["suggested_department"] == "zjj"


def test_happy_path_runs_the_closed_loop_and_records_every_step(client):
    ticket = intake(client)
    tid = ticket["id"]
    dispatched = client.post(f"/api/tickets/{tid}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    assert dispatched.json()["status"] == "转办"
    assert client.post(f"/api/tickets/{tid}/accept", headers=auth("zjj")).json()["status"] == "办理"
    replied = client.post(f"/api/tickets/{tid}/reply", json={"reply": "已约谈物业公司，恢复免费停车"},
                          headers=auth("zjj"))
    assert replied.json()["status"] == "反馈"
    rated = client.post(f"/api/tickets/{tid}/rating", json={"feedback_code": ticket["feedback_code"], "rating": "满意"})
    assert rated.json()["status"] == "办结"
    events = client.get(f"/api/tickets/{tid}/events", headers=auth("operator")).json()
    assert [(e["action"], e["to_status"]) for e in events] == [
        ("intake", "受理"), ("dispatch", "转办"), ("accept", "办理"), ("reply", "反馈"), ("close", "办结")
    ]
    assert events[1]["actor"] == "话务员小王" and events[2]["role"] == "department"


def test_confirmed_suggestion_counts_as_kept_in_metrics(client):
    ticket = intake(client)
    client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    metrics = client.get("/api/metrics", headers=auth("operator")).json()
    assert metrics["overall"]["suggestion_accuracy"] == 1.0
    assert metrics["by_department"]["zjj"]["dispatched"] == 1


def test_return_goes_back_to_the_queue_and_becomes_a_candidate_label(client, app_context):
    ticket = intake(client, text="河西街道翠竹园6栋楼顶违章搭建彩钢房，正在施工")
    tid = ticket["id"]
    client.post(f"/api/tickets/{tid}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    returned = client.post(f"/api/tickets/{tid}/return",
                           json={"reason": "违建查处属城管职责", "suggested_department": "cgj"}, headers=auth("zjj"))
    assert returned.json()["status"] == "受理" and returned.json()["return_count"] == 1
    queue = client.get("/api/tickets?returned=true", headers=auth("operator")).json()
    assert [t["id"] for t in queue] == [tid]
    redispatched = client.post(f"/api/tickets/{tid}/dispatch", json={"department": "cgj"}, headers=auth("operator"))
    assert redispatched.json()["department"] == "cgj"
    with app_context.sessions() as session:
        sources = sorted(c.source for c in session.scalars(select(LabelCandidate)))
    assert "return" in sources


def test_override_is_stored_as_a_labelled_example_with_provenance(client, app_context):
    ticket = intake(client)
    client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": "scjgj", "category": "商贸旅游"},
                headers=auth("operator"))
    with app_context.sessions() as session:
        candidates = {c.field: c for c in session.scalars(select(LabelCandidate))}
    assert (candidates["department"].old_value, candidates["department"].new_value) == ("zjj", "scjgj")
    assert (candidates["category"].old_value, candidates["category"].new_value) == ("城乡建设", "商贸旅游")
    assert candidates["category"].actor == "话务员小王" and candidates["category"].source == "override"
    assert "13812345678" not in candidates["category"].text


def test_overdue_orders_are_flagged_for_supervision(client, clock):
    ticket = intake(client)
    client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    assert client.get("/api/tickets?overdue=true", headers=auth("operator")).json() == []
    clock.advance(hours=25)
    overdue = client.get("/api/tickets?overdue=true", headers=auth("operator")).json()
    assert [t["id"] for t in overdue] == [ticket["id"]] and overdue[0]["overdue"] is True


def test_marking_urgent_shortens_the_deadline(client):
    ticket = intake(client)
    urgent = client.post(f"/api/tickets/{ticket['id']}/triage", json={"urgency": "紧急"},
                         headers=auth("operator")).json()
    assert urgent["completion_due"] < ticket["completion_due"]


def test_unsatisfied_rating_reopens_the_order_for_the_department(client):
    ticket = intake(client)
    tid = ticket["id"]
    client.post(f"/api/tickets/{tid}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    client.post(f"/api/tickets/{tid}/accept", headers=auth("zjj"))
    client.post(f"/api/tickets/{tid}/reply", json={"reply": "已处理"}, headers=auth("zjj"))
    reopened = client.post(f"/api/tickets/{tid}/rating",
                           json={"feedback_code": ticket["feedback_code"], "rating": "不满意", "comment": "还在收费"})
    assert reopened.json()["status"] == "办理" and reopened.json()["reopen_count"] == 1
    client.post(f"/api/tickets/{tid}/reply", json={"reply": "已全部退还停车费"}, headers=auth("zjj"))
    closed = client.post(f"/api/tickets/{tid}/rating",
                         json={"feedback_code": ticket["feedback_code"], "rating": "基本满意"})
    assert closed.json()["status"] == "办结"
    assert client.get("/api/metrics", headers=auth("operator")).json()["overall"]["满意率"] == 1.0


def test_wrong_feedback_code_is_refused(client):
    ticket = intake(client)
    response = client.post(f"/api/tickets/{ticket['id']}/rating", json={"feedback_code": "wrong", "rating": "满意"})
    assert response.status_code == 403


def test_same_external_number_twice_creates_one_order(client, app_context):
    first = client.post("/api/tickets", json={**COMPLAINT, "external_no": "QS20260302001"}, headers=auth("operator"))
    second = client.post("/api/tickets", json={**COMPLAINT, "external_no": "QS20260302001"}, headers=auth("operator"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert count(app_context, Ticket) == 1


def test_personal_data_is_masked_except_in_the_protected_contact_field(client):
    ticket = intake(client, text="物业乱收费，我电话13912345678，身份证43010219900101123X")
    assert "13912345678" not in ticket["text"] and "[手机号]" in ticket["text"]
    assert ticket["contact"] == "13812345678"


def test_contact_is_hidden_from_departments_the_order_is_not_assigned_to(client):
    ticket = intake(client)
    client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    assert client.get(f"/api/tickets/{ticket['id']}", headers=auth("zjj")).json()["contact"] == "13812345678"
    assert client.get(f"/api/tickets/{ticket['id']}", headers=auth("trainer")).json()["contact"] is None


def test_illegal_transition_is_a_409_with_a_clear_message(client):
    ticket = intake(client)
    response = client.post(f"/api/tickets/{ticket['id']}/reply", json={"reply": "x"}, headers=auth("operator"))
    assert response.status_code == 403
    client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    response = client.post(f"/api/tickets/{ticket['id']}/reply", json={"reply": "已处理"}, headers=auth("zjj"))
    assert response.status_code == 409
    assert "不能执行" in response.json()["error"]["zh"] and response.json()["error"]["en"]


def test_missing_token_is_401_and_wrong_role_is_403(client):
    assert client.post("/api/tickets", json=COMPLAINT).status_code == 401
    assert client.post("/api/tickets", json=COMPLAINT, headers={"Authorization": "Bearer nope"}).status_code == 401
    response = client.post("/api/tickets", json=COMPLAINT, headers=auth("zjj"))
    assert response.status_code == 403 and "无权" in response.json()["error"]["zh"]


def test_a_department_cannot_act_on_another_departments_order(client):
    ticket = intake(client)
    client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    response = client.post(f"/api/tickets/{ticket['id']}/accept", headers=auth("cgj"))
    assert response.status_code == 403


def test_empty_text_is_refused_and_nothing_is_stored(client, app_context):
    for text in ("", "   ", "您好！谢谢！"):
        response = client.post("/api/tickets", json={**COMPLAINT, "text": text}, headers=auth("operator"))
        assert response.status_code in (400, 422)
        assert response.json()["error"]["zh"]
    assert count(app_context, Ticket) == 0


def test_hundred_thousand_characters_are_refused_and_nothing_is_stored(client, app_context):
    response = client.post("/api/tickets", json={**COMPLAINT, "text": "物业乱收费" * 20000}, headers=auth("operator"))
    assert response.status_code == 400 and "过长" in response.json()["error"]["zh"]
    assert count(app_context, Ticket) == 0


def test_malformed_json_is_a_422_with_a_bilingual_message(client, app_context):
    response = client.post("/api/tickets", content='{"text": "物业'.encode(),
                           headers={**auth("operator"), "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["en"]
    assert count(app_context, Ticket) == 0


def test_unknown_department_is_refused_and_the_order_stays_in_the_queue(client, app_context):
    ticket = intake(client)
    response = client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": "nosuch"},
                           headers=auth("operator"))
    assert response.status_code == 400 and "nosuch" in response.json()["error"]["zh"]
    assert client.get(f"/api/tickets/{ticket['id']}", headers=auth("operator")).json()["status"] == "受理"
    assert count(app_context, LabelCandidate) == 0


def test_unknown_ticket_is_404(client):
    assert client.get("/api/tickets/999999", headers=auth("operator")).status_code == 404


def test_metrics_reject_an_inverted_period(client):
    response = client.get("/api/metrics?start=2026-03-02&end=2026-03-01", headers=auth("operator"))
    assert response.status_code == 400 and response.json()["error"]["zh"]


def test_metrics_count_the_days_of_the_period_in_china(client, clock):
    clock.now = stored_time(datetime(2026, 3, 1, 7, 30))  # 07:30 on 1 March in China is still 28 February in UTC
    intake(client)

    def received(start: str, end: str) -> int:
        figures = client.get("/api/metrics", params={"start": start, "end": end}, headers=auth("operator")).json()
        return figures["overall"]["received"]

    assert (received("2026-03-01", "2026-03-01"), received("2026-02-28", "2026-02-28")) == (1, 0)


def test_confident_orders_are_dispatched_automatically_by_the_system(client, app_context):
    app_context.router.dispatcher.auto_threshold = 0.5
    ticket = intake(client)
    assert ticket["status"] == "转办" and ticket["auto_dispatched"] is True
    assert ticket["department"] == ticket["suggested_department"]
    events = client.get(f"/api/tickets/{ticket['id']}/events", headers=auth("operator")).json()
    assert events[-1]["role"] == "system" and "阈值" in events[-1]["reason"]


def test_type_is_suggested_by_the_model_and_confirmed_by_the_operator(client):
    ticket = intake(client, text="请问小区旁边的内河整治工程什么时候完工？围挡什么时候拆除？")
    assert ticket["ticket_type"] == "咨询" and ticket["type_confirmed"] is False
    assert 0 < ticket["type_confidence"] <= 1
    confirmed = client.post(f"/api/tickets/{ticket['id']}/triage", json={"ticket_type": "咨询"},
                            headers=auth("operator")).json()
    assert confirmed["type_confirmed"] is True


def test_type_given_at_intake_counts_as_confirmed(client):
    ticket = intake(client, ticket_type="建议")
    assert (ticket["ticket_type"], ticket["type_confirmed"]) == ("建议", True)


def test_an_order_carries_level_2_and_3_candidates_under_its_category(client):
    ticket = intake(client)
    assert ticket["category"] == "城乡建设"
    top = ticket["subcategories"][0]
    assert (top["level2"], top["level3"]) == ("住房保障和房地产", "物业管理")
    assert "物业" in top["evidence"] and top["method"] == "rule" and 0 < top["score"] <= 1
    assert client.get(f"/api/tickets/{ticket['id']}", headers=auth("operator")).json()["subcategories"] == \
        ticket["subcategories"]


def test_an_order_is_cut_once_for_its_type_and_its_category(client, monkeypatch):
    """The type model and the classifier read the words of one Document made at intake."""
    from zhtext.segment import Segmenter

    cuts = []
    cut = Segmenter.cut
    monkeypatch.setattr(Segmenter, "cut", lambda self, text: cuts.append(text) or cut(self, text))
    created = intake(client, title="翠竹园电梯", text="翠竹园小区3栋电梯停运一周，老人上下楼很困难")
    assert created["ticket_type"] and created["category"]
    assert cuts.count(f"{created['title']}。{created['text']}") == 1
