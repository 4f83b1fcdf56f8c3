"""Trainers: corrections become reviewed examples; retraining promotes, refuses and rolls back."""

from __future__ import annotations

import csv
import io
import threading

from tests.helpers import COMPLAINT, auth, intake, wait_for_job


def override(client, text: str, department: str, category: str | None = None) -> dict:
    ticket = intake(client, text=text)
    body = {"department": department, **({"category": category} if category else {})}
    assert client.post(f"/api/tickets/{ticket['id']}/dispatch", json=body, headers=auth("operator")).status_code == 200
    return ticket


CORRECTED = "小区物业把公共绿地改成收费停车位"  # the sample model files this under 城乡建设


def test_override_appears_in_the_review_queue_with_the_label_it_teaches(client):
    override(client, CORRECTED, "scjgj", category="商贸旅游")
    queue = client.get("/api/feedback/queue", headers=auth("trainer")).json()
    assert queue and {item["category"] for item in queue} == {"商贸旅游"}
    assert {item["model_category"] for item in queue} == {"城乡建设"}
    assert all(item["candidate"]["source"] == "override" for item in queue)


def test_queue_puts_disagreement_and_low_confidence_first(client):
    override(client, COMPLAINT["text"], "street_hexi")
    override(client, CORRECTED, "scjgj", category="商贸旅游")
    queue = client.get("/api/feedback/queue", headers=auth("trainer")).json()
    assert queue[0]["category"] == "商贸旅游" and queue[-1]["category"] is None
    assert [i["priority"] for i in queue] == sorted((i["priority"] for i in queue), reverse=True)


def test_approved_example_is_exported_in_the_training_format(client):
    override(client, CORRECTED, "scjgj", category="商贸旅游")
    for item in client.get("/api/feedback/queue", headers=auth("trainer")).json():
        response = client.post(f"/api/feedback/{item['candidate']['id']}/approve", headers=auth("trainer"))
        assert response.json()["status"] == "approved"
    rows = list(csv.DictReader(io.StringIO(client.get("/api/feedback/export.csv", headers=auth("trainer")).text)))
    assert [(r["留言详情"], r["一级标签"]) for r in rows] == [(CORRECTED, "商贸旅游")]


def test_rejected_example_is_not_exported_and_cannot_be_reviewed_twice(client):
    override(client, CORRECTED, "scjgj", category="商贸旅游")
    for item in client.get("/api/feedback/queue", headers=auth("trainer")).json():
        client.post(f"/api/feedback/{item['candidate']['id']}/reject", headers=auth("trainer"))
    candidate_id = item["candidate"]["id"]
    assert client.post(f"/api/feedback/{candidate_id}/approve", headers=auth("trainer")).status_code == 409
    assert client.get("/api/feedback/export.csv", headers=auth("trainer")).text.strip().count("\n") == 0


def test_trainer_correction_with_an_unknown_label_is_refused(client):
    response = client.post("/api/feedback", json={"text": "路灯坏了", "label": "不存在的类"}, headers=auth("trainer"))
    assert response.status_code == 422 and "未知的类别" in response.json()["error"]["zh"]


def test_operators_cannot_review_labels(client):
    assert client.get("/api/feedback/queue", headers=auth("operator")).status_code == 403


def test_retrain_with_feedback_promotes_and_the_service_swaps_without_failing_requests(client):
    client.post("/api/feedback", json={"text": "景点停车乱收费，导游强迫购物", "label": "商贸旅游"},
                headers=auth("trainer"))
    before = client.get("/healthz").json()["model_version"]
    job = client.post("/api/models/retrain", headers=auth("trainer"))
    assert job.status_code == 202
    statuses: list[int] = []
    stop = threading.Event()

    def keep_submitting() -> None:
        while not stop.is_set():
            statuses.append(client.post("/api/tickets", json=COMPLAINT, headers=auth("operator")).status_code)

    worker = threading.Thread(target=keep_submitting)
    worker.start()
    try:
        finished = wait_for_job(client, job.json()["id"])
    finally:
        stop.set()
        worker.join()
    assert finished["decision"] == "promoted" and finished["n_feedback"] == 1
    assert finished["report"]["candidate"]["macro_f1"] > 0 and finished["report"]["baseline"] is not None
    assert client.get("/healthz").json()["model_version"] == finished["candidate_version"] != before
    assert statuses and set(statuses) == {201}


def test_retrain_that_is_worse_than_the_tolerance_allows_is_refused(client, app_context):
    app_context.learning.settings.promote_tolerance = -0.5
    before = client.get("/healthz").json()["model_version"]
    finished = wait_for_job(client, client.post("/api/models/retrain", headers=auth("trainer")).json()["id"])
    assert finished["status"] == "refused" and finished["decision"] == "refused"
    assert client.get("/healthz").json()["model_version"] == before
    versions = client.get("/api/models", headers=auth("trainer")).json()
    assert finished["candidate_version"] in [v["version"] for v in versions["versions"]]


def test_rollback_restores_the_previous_model(client):
    before = client.get("/healthz").json()["model_version"]
    promoted = wait_for_job(client, client.post("/api/models/retrain", headers=auth("trainer")).json()["id"])
    assert client.get("/healthz").json()["model_version"] == promoted["candidate_version"]
    response = client.post("/api/models/rollback", headers=auth("trainer"))
    assert response.json()["current"] == before
    assert client.get("/healthz").json()["model_version"] == before


def test_rollback_without_a_previous_model_is_a_409(client):
    response = client.post("/api/models/rollback", headers=auth("trainer"))
    assert response.status_code == 409 and response.json()["error"]["zh"]


def test_a_trainer_can_promote_a_refused_candidate_after_reading_its_report(client, app_context):
    app_context.learning.settings.promote_tolerance = -0.5
    refused = wait_for_job(client, client.post("/api/models/retrain", headers=auth("trainer")).json()["id"])
    response = client.post("/api/models/promote", headers=auth("trainer"),
                           json={"version": refused["candidate_version"]})
    assert response.status_code == 200
    assert client.get("/healthz").json()["model_version"] == refused["candidate_version"]


def test_promoting_an_unknown_version_is_a_404_and_changes_nothing(client):
    before = client.get("/healthz").json()["model_version"]
    response = client.post("/api/models/promote", headers=auth("trainer"), json={"version": "20990101T000000-nope"})
    assert response.status_code == 404 and response.json()["error"]["zh"]
    assert client.get("/healthz").json()["model_version"] == before


def test_the_comparison_report_has_both_confusion_matrices_as_pictures(client):
    finished = wait_for_job(client, client.post("/api/models/retrain", headers=auth("trainer")).json()["id"])
    for which in ("candidate", "baseline"):
        picture = client.get(f"/api/models/jobs/{finished['id']}/confusion.png", params={"which": which},
                             headers=auth("trainer"))
        assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
        assert picture.content.startswith(b"\x89PNG")
    assert client.get(f"/api/models/jobs/{finished['id']}/confusion.png", headers=auth("operator")).status_code == 403
