"""The learned dispatch model in the service: chosen by setting, taught by overrides and 退单, retrained
by the same jobs as the category model."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from learning.feedback import training_unit
from learning.orm import LabelCandidate
from routing.departments.settings import DepartmentSettings
from routing.departments.units import Unit
from routing.settings import RouterSettings
from server.app import create_app
from server.context import AppContext
from tests.helpers import SAMPLE, auth, intake, wait_for_job

SCHOOL = "青山区一所小学违规收取课后服务费，家长意见很大"
STREET_UNIT = "青山区|街道/乡镇|河西街道"


@pytest.fixture
def learned_context(app_settings, department_registry, clock, tmp_path):
    settings = replace(
        app_settings,
        router=RouterSettings(auto_dispatch_threshold=1.01, dispatch_source="learned"),
        departments=DepartmentSettings(model_dir=shutil.copytree(department_registry.root, tmp_path / "dispatch"),
                                       replies_file=SAMPLE / "replied_messages.csv"),
    )
    context = AppContext.build(settings)
    context.router.clock = clock
    yield context
    context.engine.dispose()


@pytest.fixture
def learned_client(learned_context):
    with TestClient(create_app(context=learned_context)) as test_client:
        yield test_client


def test_the_routing_table_is_the_default_source(client, app_context):
    ticket = intake(client, text=SCHOOL)
    assert ticket["suggestions"]
    assert {s["department"] for s in ticket["suggestions"]} <= set(app_context.router.table.departments)


def test_the_learned_source_suggests_units_with_their_evidence(learned_client):
    first = intake(learned_client, text=SCHOOL)["suggestions"][0]
    assert first["department"] == "青山区|教育" and first["name"] == "青山区 教育"
    evidence = first["evidence"]
    assert evidence["unit_type"] == "教育" and evidence["terms"] and 0 < evidence["type_probability"] <= 1


def test_the_learned_source_without_a_trained_model_suggests_nothing_until_one_is_trained(app_settings, clock):
    settings = replace(app_settings, router=RouterSettings(dispatch_source="learned"))
    context = AppContext.build(settings)
    try:
        with TestClient(create_app(context=context)) as test_client:
            ticket = intake(test_client, text=SCHOOL)
            assert ticket["suggestions"] == [] and ticket["status"] == "受理"
    finally:
        context.engine.dispose()


def test_the_learned_source_offers_the_units_it_has_seen(learned_client):
    codes = {d["code"] for d in learned_client.get("/api/departments", headers=auth("operator")).json()}
    assert {"青山区|教育", STREET_UNIT, "zjj"} <= codes


@pytest.mark.parametrize("code", ["青山区|不存在的类型", "?|教育", "青山区|街道/乡镇"])
def test_an_order_cannot_be_sent_to_something_that_is_not_a_unit(learned_client, code):
    ticket = intake(learned_client, text=SCHOOL)
    response = learned_client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": code},
                                   headers=auth("operator"))
    assert response.status_code == 400 and "未知的部门" in response.json()["error"]["zh"]


def test_an_override_to_a_unit_teaches_the_dispatch_model_through_the_retraining_job(learned_client):
    ticket = intake(learned_client, text="红星村村口的垃圾堆了一个星期没人清运，苍蝇很多")
    assert learned_client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": STREET_UNIT},
                               headers=auth("operator")).status_code == 200
    queue = learned_client.get("/api/feedback/queue", headers=auth("trainer")).json()
    taught = [item for item in queue if item["candidate"]["new_value"] == STREET_UNIT]
    assert taught and taught[0]["candidate"]["field"] == "department"
    learned_client.post(f"/api/feedback/{taught[0]['candidate']['id']}/approve", headers=auth("trainer"))

    started = learned_client.post("/api/models/retrain?model=departments", headers=auth("trainer"))
    assert started.status_code == 202 and started.json()["model"] == "departments"
    job = wait_for_job(learned_client, started.json()["id"])
    assert job["status"] in ("succeeded", "refused"), job["message"]
    assert job["n_feedback"] == 1 and job["report"]["metric"] == "unit_top1"
    versions = learned_client.get("/api/models?model=departments", headers=auth("trainer")).json()["versions"]
    assert len(versions) == 2 and versions[-1]["n_feedback"] == 1


def test_a_return_naming_a_table_department_teaches_the_unit_it_stands_for(client, app_context):
    ticket = intake(client, text="翠竹园小区门口的路灯坏了很久")
    client.post(f"/api/tickets/{ticket['id']}/dispatch", json={"department": "zjj"}, headers=auth("operator"))
    returned = client.post(f"/api/tickets/{ticket['id']}/return",
                           json={"reason": "属地街道负责", "suggested_department": "street_hexi"}, headers=auth("zjj"))
    assert returned.status_code == 200
    with app_context.sessions() as session:
        candidate = session.scalars(select(LabelCandidate).where(LabelCandidate.source == "return")).one()
        assert training_unit(candidate, app_context.router.table_units) == Unit("青山区", "街道/乡镇", "河西街道")


def test_a_retraining_job_for_an_unknown_model_is_refused(client):
    response = client.post("/api/models/retrain?model=weather", headers=auth("trainer"))
    assert response.status_code == 422



@pytest.mark.slow
def test_the_replay_corrects_wrong_suggestions_and_retrains_through_the_job_every_round(tmp_path):
    from learning.replay import replay

    result = replay(SAMPLE / "replied_messages.csv", tmp_path, every=6)
    rounds = result["rounds"]
    assert result["stream"] == sum(r["orders"] for r in rounds) and len(rounds) == -(-result["stream"] // 6)
    assert all(r["retrain_decision"] in ("promoted", "refused") for r in rounds)
    assert all(r["corrections"] == round(r["scored"] * (1 - r["unit_top1"])) for r in rounds if r["scored"])
    assert result["first_model"]["decision"] == "promoted"
