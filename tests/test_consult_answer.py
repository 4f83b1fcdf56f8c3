"""A 咨询 work order carries the best-matching guide's answer, so the operator can settle it on the call."""

from tests.helpers import auth


def _consult(client, text: str, ticket_type: str = "咨询") -> dict:
    created = client.post("/api/tickets", json={"text": text, "channel": "电话", "ticket_type": ticket_type},
                          headers=auth("operator"))
    assert created.status_code == 201, created.text
    return client.get(f"/api/tickets/{created.json()['id']}", headers=auth("operator")).json()


def test_a_question_order_shows_the_guides_materials_time_limit_and_place(client):
    guide = _consult(client, "来电咨询：孩子刚出生，想给他上户口，需要准备哪些材料，到哪里办？")["guide"]
    assert guide["name"] == "出生登记" and guide["department"] == "青山公安分局"
    assert any("出生医学证明" in m for m in guide["materials"])
    assert guide["time_limit"] and "青山公安分局户政服务大厅" in guide["place"]


def test_a_complaint_order_carries_no_guide_answer(client):
    assert _consult(client, "楼下烧烤店油烟太大，每天晚上熏得开不了窗", ticket_type="投诉")["guide"] is None


def test_a_question_no_guide_covers_carries_no_guide_answer(client):
    assert _consult(client, "请问明天会不会下暴雨")["guide"] is None
