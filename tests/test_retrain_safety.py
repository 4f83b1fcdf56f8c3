"""Retraining survives crashes and several workers: stale jobs end, one active job is the database's rule,
approved labels come from the taxonomy, and an approval can be withdrawn."""

from __future__ import annotations

import subprocess
import threading
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.db import make_engine, make_session_factory, utcnow
from core.errors import Conflict
from learning.context import LearningContext
from learning.orm import LabelCandidate, RetrainJob
from learning.retrain import fail_stale_jobs, queue_job, this_worker
from server.context import AppContext
from tests.helpers import auth


def dead_worker() -> str:
    """A worker name on this host whose process has exited."""
    process = subprocess.Popen(["true"])
    process.wait()
    return this_worker().rsplit(":", 1)[0] + f":{process.pid}"


def add_job(sessions, **fields) -> int:
    with sessions() as session:
        job = RetrainJob(requested_by="训练师小李", status="running", active=True, **fields)
        session.add(job)
        session.commit()
        return job.id


def job_of(sessions, job_id: int) -> RetrainJob:
    with sessions() as session:
        return session.get(RetrainJob, job_id)


def test_a_job_whose_worker_was_killed_is_failed_at_start_up_with_the_reason(app_context, app_settings, client):
    job_id = add_job(app_context.sessions, worker=dead_worker(), heartbeat_at=utcnow())
    restarted = AppContext.build(app_settings)
    restarted.engine.dispose()
    job = job_of(app_context.sessions, job_id)
    assert job.status == "failed" and job.active is None and job.finished_at is not None
    assert "已退出" in job.message and "exited" in job.message
    assert client.post("/api/models/retrain", headers=auth("trainer")).status_code == 202


def test_a_job_of_a_live_worker_survives_another_worker_starting(app_context, app_settings):
    job_id = add_job(app_context.sessions, worker=this_worker(), heartbeat_at=utcnow())
    AppContext.build(app_settings).engine.dispose()
    assert job_of(app_context.sessions, job_id).status == "running"


def test_a_job_silent_for_longer_than_the_limit_is_failed_when_the_next_is_asked_for(app_context, client):
    long_ago = utcnow() - timedelta(seconds=app_context.learning.settings.stale_job_seconds + 60)
    job_id = add_job(app_context.sessions, worker="另一台主机:4242", heartbeat_at=long_ago)
    assert client.post("/api/models/retrain", headers=auth("trainer")).status_code == 202
    job = job_of(app_context.sessions, job_id)
    assert job.status == "failed" and "没有进展" in job.message


def test_a_recently_seen_job_on_another_host_is_not_ended(app_context):
    job_id = add_job(app_context.sessions, worker="另一台主机:4242", heartbeat_at=utcnow())
    assert fail_stale_jobs(app_context.sessions, app_context.learning.settings.stale_job_seconds) == []
    assert job_of(app_context.sessions, job_id).status == "running"


def test_the_database_refuses_a_second_active_job(app_context):
    add_job(app_context.sessions, worker=this_worker(), heartbeat_at=utcnow())
    with pytest.raises(IntegrityError):
        add_job(app_context.sessions, worker="另一台主机:4242", heartbeat_at=utcnow())


def test_parallel_starts_from_separate_connections_queue_exactly_one_job(app_context, app_settings):
    """Eight starts at once, each through its own engine as separate worker processes would."""
    starts = 8
    barrier = threading.Barrier(starts)
    queued: list[int] = []
    refused: list[Conflict] = []

    def start() -> None:
        engine = make_engine(app_settings.database.url, pool_size=1)
        ctx = LearningContext(app_context.learning.settings, make_session_factory(engine), app_context.models,
                              app_context.router.table)
        try:
            barrier.wait()
            queued.append(queue_job(ctx, "训练师小李"))
        except Conflict as error:
            refused.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(starts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(queued) == 1 and len(refused) == starts - 1
    with app_context.sessions() as session:
        assert session.query(RetrainJob).filter(RetrainJob.status == "queued").count() == 1


def pending_candidate(app_context, category: str) -> int:
    with app_context.sessions() as session:
        candidate = LabelCandidate(text="青山区河西街道路灯坏了一个月没人修", field="category", new_value=category,
                                   source="override", actor="话务员小王")
        session.add(candidate)
        session.commit()
        return candidate.id


def test_approving_a_category_outside_the_taxonomy_is_a_422(app_context, client):
    candidate_id = pending_candidate(app_context, "随便写的类")
    response = client.post(f"/api/feedback/{candidate_id}/approve", headers=auth("trainer"))
    assert response.status_code == 422
    assert "不在分类体系中" in response.json()["error"]["zh"] and response.json()["error"]["en"]
    relabelled = client.post(f"/api/feedback/{candidate_id}/approve", json={"label": "城乡建设"},
                             headers=auth("trainer"))
    assert relabelled.status_code == 200 and relabelled.json()["new_value"] == "城乡建设"


def test_an_unknown_label_given_at_approval_is_a_422(app_context, client):
    candidate_id = pending_candidate(app_context, "城乡建设")
    response = client.post(f"/api/feedback/{candidate_id}/approve", json={"label": "第八类"}, headers=auth("trainer"))
    assert response.status_code == 422


def test_an_unknown_category_approved_before_the_check_is_not_taught(app_context, client):
    with app_context.sessions() as session:
        session.add(LabelCandidate(text="青山区河西街道路灯坏了一个月没人修", field="category", new_value="随便写的类",
                                   source="override", actor="话务员小王", status="approved"))
        session.commit()
    assert "随便写的类" not in client.get("/api/feedback/export.csv", headers=auth("trainer")).text


def test_a_withdrawn_approval_is_pending_again_and_leaves_the_training_data(app_context, client):
    candidate_id = pending_candidate(app_context, "城乡建设")
    client.post(f"/api/feedback/{candidate_id}/approve", headers=auth("trainer"))
    assert "城乡建设" in client.get("/api/feedback/export.csv", headers=auth("trainer")).text
    response = client.post(f"/api/feedback/{candidate_id}/withdraw", headers=auth("trainer"))
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert "城乡建设" not in client.get("/api/feedback/export.csv", headers=auth("trainer")).text
    queue = client.get("/api/feedback/queue", headers=auth("trainer")).json()
    assert candidate_id in [item["candidate"]["id"] for item in queue]


def test_withdrawing_an_undecided_candidate_is_a_409(app_context, client):
    candidate_id = pending_candidate(app_context, "城乡建设")
    response = client.post(f"/api/feedback/{candidate_id}/withdraw", headers=auth("trainer"))
    assert response.status_code == 409 and response.json()["error"]["zh"]


def test_only_trainers_withdraw_approvals(app_context, client):
    candidate_id = pending_candidate(app_context, "城乡建设")
    client.post(f"/api/feedback/{candidate_id}/approve", headers=auth("trainer"))
    assert client.post(f"/api/feedback/{candidate_id}/withdraw", headers=auth("operator")).status_code == 403
