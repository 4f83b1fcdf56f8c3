"""The citizen's web chat and the trainer's 对话 tab in a real browser (headless Chromium), against the main
service as a process. The Rasa server is not started: the chat's call to it is answered in the browser with
what the bot sends (its REST replies), and the bot's turn is reported to the service through the API as the
bot's action does. The real bot in the chat is in tests/test_bot.py."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from routing.settings import RouterSettings
from tests.helpers import call, screenshot, sign_in, start_site

pytestmark = pytest.mark.browser

MAX_CHARS = RouterSettings().max_text_chars


@pytest.fixture(scope="module")
def chat_work(tmp_path_factory):
    return tmp_path_factory.mktemp("chat-site")


@pytest.fixture(scope="module")
def chat_site(model_registry, type_registry, chat_work):
    """The service; the bot's reviewed examples are written to chat_work/reviewed.yml."""
    yield from start_site(chat_work, model_registry, type_registry)


def answer_as_the_bot(page, site: str, replies_for) -> list[dict]:
    """Answer the chat's calls to the Rasa REST webhook in the browser; ``replies_for(message, sender)``
    gives the bot's replies. The messages the page sent are collected."""
    sent: list[dict] = []

    def handle(route) -> None:
        body = json.loads(route.request.post_data)
        sent.append(body)
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps(replies_for(body["message"], body["sender"]), ensure_ascii=False))

    page.route("**/webhooks/rest/webhook", handle)
    return sent


def say(page, text: str) -> None:
    answered = page.locator(".msg.bot").count()
    box = page.get_by_label("输入您的问题")
    box.fill(text)
    page.get_by_role("button", name="发送").click()
    expect(page.locator(".msg.bot")).not_to_have_count(answered)


def test_a_citizen_rates_an_answer_and_the_trainer_labels_it_in_the_dialogue_tab(page, chat_site, chat_work):
    def materials(message: str, sender: str) -> list[dict]:
        # the bot's action: report the turn (bot token), then answer with the text and the rate payload
        turn_id = f"turn-{len(message)}"
        call(chat_site, "bot", "POST", "/api/bot/turns", json={
            "conversation_id": sender, "turn_id": turn_id, "channel": "web", "text": message,
            "intent": "ask_fee", "confidence": 0.52, "entities": [], "item_code": "QS-SC-001", "kind": "answer",
            "bot_reply": "办理营业执照不收费。"})
        return [{"recipient_id": sender, "text": "办理营业执照不收费。"},
                {"recipient_id": sender, "custom": {"rate": {"turn_id": turn_id, "intent": "ask_fee",
                                                             "item_code": "QS-SC-001"}}}]

    answer_as_the_bot(page, chat_site, materials)
    page.goto(f"{chat_site}/chat")
    say(page, "开个小饭馆要带哪些材料")
    rating = page.get_by_role("group", name="这个回答对您有帮助吗？")
    rating.get_by_role("button", name="不满意").click()
    expect(rating).to_contain_text("谢谢，我们会改进这个回答。")
    expect(rating.get_by_role("button", name="不满意")).to_have_attribute("aria-pressed", "true")

    sign_in(page, chat_site, "trainer", "/trainer")
    page.get_by_role("tab", name="对话").click()
    item = page.locator("#dialogue-queue li[data-turn]").filter(has_text="开个小饭馆要带哪些材料")
    expect(item).to_contain_text("市民评为不满意")
    expect(item).to_contain_text("助手：办理营业执照不收费。")
    screenshot(page, "trainer-dialogue")
    item.get_by_label("意图").select_option("ask_materials")
    item.get_by_label("实体", exact=True).select_option("service_item")
    item.get_by_label("实体原文").fill("小饭馆")
    item.get_by_role("button", name="添加实体").click()
    expect(item.get_by_role("list", name="已标注的实体")).to_contain_text("小饭馆 → service_item")
    item.get_by_role("button", name="标注通过").click()
    expect(page.locator("#notice")).to_contain_text("已标注并写入训练数据")
    expect(item).to_have_count(0)
    assert "    - 开个[小饭馆](service_item)要带哪些材料" in (chat_work / "reviewed.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_the_chat_fits_a_360_px_phone_with_send_in_view(page, chat_site, large):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{chat_site}/chat")
    if large:
        page.get_by_role("button", name="大字模式").click()
        expect(page.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    send = page.get_by_role("button", name="发送")
    expect(send).to_be_in_viewport()
    box = send.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    screenshot(page, f"chat-360-{'large' if large else 'normal'}")


def test_the_citizens_page_has_no_staff_links_and_says_how_long_a_message_may_be(page, chat_site):
    page.goto(f"{chat_site}/chat")
    for staff in ("派单台", "训练台", "指标", "分析研判"):
        expect(page.get_by_role("link", name=staff)).to_have_count(0)
    expect(page.locator("#limit")).to_contain_text(f"最多可输入 {MAX_CHARS} 字")
    expect(page.get_by_label("输入您的问题")).to_have_attribute("maxlength", str(MAX_CHARS))


def test_a_long_letter_reaches_the_bot_whole(page, chat_site):
    sent = answer_as_the_bot(page, chat_site, lambda message, sender: [{"text": "已收到您的来信。"}])
    page.goto(f"{chat_site}/chat")
    letter = "我是翠竹园小区的老住户，" + "楼下烧烤店油烟很大，晚上吵到十二点，" * 120
    assert len(letter) > 2000
    say(page, letter)
    assert sent[-1]["message"] == letter


def test_the_precheck_verdict_is_shown_once_as_a_card(page, chat_site):
    verdict = {"accept_today": True, "text": "预审结果：材料齐全，可以当天受理。", "complete": [{"name": "居民身份证"}],
               "missing": [], "rongque": [{"name": "不动产权证书"}], "chengnuo": [], "on_site": [],
               "optional_missing": []}
    answer_as_the_bot(page, chat_site, lambda message, sender: [{"text": verdict["text"]},
                                                                {"custom": {"precheck": verdict}}])
    page.goto(f"{chat_site}/chat")
    say(page, "身份证有，房产证还没下来")
    card = page.get_by_role("region", name="预审结果")
    expect(card).to_contain_text("预审结论：材料可以当天受理")
    expect(card.locator("[data-section=rongque]")).to_contain_text("不动产权证书")
    expect(page.locator("#log")).not_to_contain_text("预审结果：材料齐全")


def test_an_operator_closes_a_handoff_so_the_bot_answers_again(page, chat_site):
    handoff = call(chat_site, "bot", "POST", "/api/handoffs", json={
        "sender_id": "web-close-test", "reason": "requested",
        "transcript": [{"speaker": "user", "text": "转人工，电话13812345678"}]})
    call(chat_site, "operator", "POST", f"/api/handoffs/{handoff['id']}/take")
    sign_in(page, chat_site, "operator", "/console")
    page.get_by_role("tab", name="转人工").click()
    entry = page.locator(f"tr[data-handoff='{handoff['id']}']")
    expect(entry).to_contain_text("市民：转人工，电话[手机号]")
    entry.get_by_role("button", name=f"结束会话 #{handoff['id']}").click()
    expect(page.locator("#notice")).to_contain_text(f"会话 #{handoff['id']} 已结束")
    assert call(chat_site, "bot", "GET", f"/api/handoffs/{handoff['id']}")["status"] == "已结束"


def test_the_dashboard_shows_the_bots_ratings_by_intent_and_by_item(page, chat_site):
    for number, rating in enumerate(("satisfied", "unsatisfied", "unsatisfied")):
        turn = {"conversation_id": "web-dashboard", "turn_id": f"d{number}", "text": "个体户执照要带什么",
                "intent": "ask_time_limit", "item_code": "QS-SC-001", "kind": "answer", "bot_reply": "……"}
        call(chat_site, "bot", "POST", "/api/bot/turns", json=turn)
        call(chat_site, "bot", "POST", "/api/bot/ratings",
             json={"conversation_id": turn["conversation_id"], "turn_id": turn["turn_id"], "rating": rating})
    sign_in(page, chat_site, "operator", "/dashboard")
    by_intent = page.locator("#bot-by-intent tr[data-key='ask_time_limit']")
    expect(by_intent).to_contain_text("问时限（ask_time_limit）")
    expect(by_intent).to_contain_text("33.3%")
    expect(page.locator("#bot-by-item tr[data-key='QS-SC-001']")).to_contain_text("个体工商户")
    screenshot(page, "dashboard-bot-ratings")
