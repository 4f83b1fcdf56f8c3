"""/api/catalogue and /api/handoffs: the one source of truth the bot and the consoles read."""

from tests.helpers import auth


def test_search_returns_the_item_a_citizen_means(client):
    body = client.get("/api/catalogue/items", params={"q": "小孩上户口带什么"}).json()
    assert body["matches"][0]["code"] == "QS-GA-001"
    assert body["matches"][0]["department"] == "青山公安分局"
    assert body["ambiguous"] is False


def test_search_flags_close_candidates(client):
    body = client.get("/api/catalogue/items", params={"q": "身份证"}).json()
    assert body["ambiguous"] is True and len(body["matches"]) >= 2
    assert body["decision"] in ("clarify", "siblings") and body["question"]
    assert [o["code"] for o in body["options"]] == [m["code"] for m in body["matches"]]


def test_search_says_how_sure_it_is_and_which_fields_matched(client):
    body = client.get("/api/catalogue/items", params={"q": "小孩上户口带什么"}).json()
    assert body["decision"] == "answer" and 0.5 < body["confidence"] <= 1
    assert body["question"] is None and body["options"] == []
    assert "aliases" in body["matches"][0]["fields"] and body["matches"][0]["same_name"] == []


def test_a_question_no_guide_covers_is_said_so_with_no_matches(client):
    body = client.get("/api/catalogue/items", params={"q": "附近哪家奶茶店好喝"}).json()
    assert body["decision"] == "not_found" and body["matches"] == [] and body["confidence"] == 0


def test_search_reports_how_likely_no_guide_covers_the_question(client):
    outside = client.get("/api/catalogue/items", params={"q": "附近哪家奶茶店好喝"}).json()["out_of_catalogue"]
    inside = client.get("/api/catalogue/items", params={"q": "小孩上户口带什么"}).json()["out_of_catalogue"]
    assert 0 <= inside < outside <= 1


def test_search_without_a_query_is_a_bilingual_422(client):
    response = client.get("/api/catalogue/items", params={"q": ""})
    assert response.status_code == 422 and response.json()["error"]["zh"]


def test_an_item_answer_for_one_aspect(client):
    body = client.get("/api/catalogue/items/QS-GA-003", params={"aspect": "fee"}).json()
    assert body["text"].endswith("收费标准：工本费20元（临时身份证另收10元）")
    assert body["item"]["department"] == "青山公安分局"


def test_a_bundle_comes_with_its_merged_checklist(client):
    body = client.get("/api/catalogue/items/QS-YJS-001").json()
    assert body["kind"] == "bundle"
    assert [e["material"]["id"] for e in body["checklist"]].count("hukou_book") == 1


def test_an_unknown_item_is_a_bilingual_404(client):
    response = client.get("/api/catalogue/items/QS-NOPE")
    assert response.status_code == 404
    assert "QS-NOPE" in response.json()["error"]["zh"] and response.json()["error"]["en"]


def test_precheck_gives_the_one_time_verdict(client):
    body = client.post("/api/catalogue/precheck",
                       json={"code": "QS-GA-004", "text": "身份证户口本有，房产证还没下来"}).json()
    assert body["accept_today"] is True
    assert [m["name"] for m in body["rongque"]] == ["不动产权证书"]
    assert "一次" in body["text"]


def test_precheck_of_an_unknown_code_is_404(client):
    assert client.post("/api/catalogue/precheck", json={"code": "NOPE", "text": "身份证"}).status_code == 404


def test_precheck_rejects_unknown_fields(client):
    assert client.post("/api/catalogue/precheck", json={"code": "QS-GA-004", "txt": "x"}).status_code == 422


def test_the_bot_records_a_handoff_an_operator_sees_and_takes(client):
    transcript = [{"speaker": "user", "text": "我要找人工"}, {"speaker": "bot", "text": "正在为您转接人工客服"}]
    created = client.post("/api/handoffs", headers=auth("bot"),
                          json={"sender_id": "web-123", "reason": "requested", "transcript": transcript})
    assert created.status_code == 201
    waiting = client.get("/api/handoffs", params={"status": "待接入"}, headers=auth("operator")).json()
    assert [h["transcript"][0]["text"] for h in waiting] == ["我要找人工"]
    taken = client.post(f"/api/handoffs/{created.json()['id']}/take", headers=auth("operator")).json()
    assert taken["status"] == "已接入" and taken["taken_by"] == "话务员小王"


def test_asking_twice_keeps_one_waiting_handoff(client):
    for _ in range(2):
        client.post("/api/handoffs", headers=auth("bot"), json={"sender_id": "wx-9", "reason": "fallback"})
    assert len(client.get("/api/handoffs", headers=auth("operator")).json()) == 1


def test_a_taken_handoff_cannot_be_taken_again(client):
    handoff = client.post("/api/handoffs", headers=auth("bot"), json={"sender_id": "a", "reason": "requested"}).json()
    client.post(f"/api/handoffs/{handoff['id']}/take", headers=auth("operator"))
    assert client.post(f"/api/handoffs/{handoff['id']}/take", headers=auth("operator")).status_code == 409


def test_only_the_bot_files_handoffs_and_only_operators_read_them(client):
    body = {"sender_id": "a", "reason": "requested"}
    assert client.post("/api/handoffs", json=body).status_code == 401
    assert client.post("/api/handoffs", headers=auth("operator"), json=body).status_code == 403
    assert client.get("/api/handoffs", headers=auth("bot")).status_code == 403
