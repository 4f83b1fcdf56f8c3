"""/api/me and /api/departments, which the pages use to show themselves by role."""

from tests.helpers import auth


def test_me_names_the_signed_in_user_and_role(client):
    assert client.get("/api/me", headers=auth("hexi")).json() == {
        "name": "河西街道派单员", "role": "department", "department": "street_hexi"}


def test_me_without_a_token_is_401_in_both_languages(client):
    response = client.get("/api/me")
    assert response.status_code == 401 and response.json()["error"]["zh"] and response.json()["error"]["en"]


def test_departments_list_codes_and_names_for_the_override_menu(client):
    departments = {d["code"]: d["name"] for d in client.get("/api/departments", headers=auth("operator")).json()}
    assert departments["cgj"] == "青山区城市管理和综合执法局"


def test_pages_are_served_and_the_root_goes_to_the_citizen_chat(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/chat"
    for path in ("/chat", "/console", "/trainer", "/dashboard", "/login"):
        page = client.get(path)
        assert page.status_code == 200 and "<main" in page.text
