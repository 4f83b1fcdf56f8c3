"""The citizen bot, trained once per session and run as real processes: Rasa server, action
server and the main service, talking over HTTP as in production."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from core.settings import DEMO_RASA_TOKEN
from server.chaos import rasa_environment, start_rasa
from tests.helpers import ROOT, free_port, screenshot, wait_for

RASA = ROOT / ".venv-bot" / "bin" / "rasa"
RASA_DATA = ["--config", "config.yml", "--domain", "bot/domain.yml", "--data", "nlu_data", "bot/data"]

WECHAT_TOKEN = "qingshan-bot-test-token"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.bot,
    pytest.mark.skipif(not RASA.exists(), reason="the bot environment (.venv-bot) is built by `make setup`"),
]


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([str(RASA), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="session")
def bot_model(tmp_path_factory) -> Path:
    """Trained once for the whole session (about two minutes on two cores), or the model TEST_BOT_MODEL names."""
    if os.environ.get("TEST_BOT_MODEL"):
        return Path(os.environ["TEST_BOT_MODEL"])
    out = tmp_path_factory.mktemp("bot-model")
    # 15 minutes were not enough at load 8–15 on the shared machine (the whole bot module then errors)
    result = rasa("train", *RASA_DATA, "--out", str(out), "--fixed-model-name", "citizen-bot", timeout=3600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / "citizen-bot.tar.gz"


@pytest.fixture(scope="session")
def nlu_results(bot_model, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bot-results")
    result = rasa("test", "nlu", "--nlu", "bot/tests/nlu_test.yml", "--model", str(bot_model),
                  "--config", "config.yml", "--domain", "bot/domain.yml", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out


# Warnings Rasa 3.6's validator raises on any project using these features, not defects of ours:
# form prompts (utter_ask_<slot>) and responses sent by custom actions look "unused", and
# retrieval intents listed in the domain (as the docs require) look "duplicated".
KNOWN_VALIDATOR_FALSE_POSITIVES = re.compile(
    r"The utterance 'utter_ask_\w+' is not used"
    r"|The utterance 'utter_(handoff|default)' is not used"
    r"|duplicated intents have been found across multiple domain files: chitchat, faq"
)


def test_the_training_data_validates_with_no_warning_but_rasas_known_false_positives():
    result = rasa("data", "validate", *RASA_DATA, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warnings = [line.split("UserWarning: ", 1)[1] for line in (result.stdout + result.stderr).splitlines()
                if "UserWarning: " in line]
    assert warnings, "the validator's output format changed; this check would pass vacuously"
    unexpected = [w for w in warnings if not KNOWN_VALIDATOR_FALSE_POSITIVES.search(w)]
    assert unexpected == []


# The targets: intent macro-F1 >= 0.95 and entity F1 >= 0.90. Measured on this data with
# full `rasa train` and `rasa test nlu`, seeds 2026 (configured) / 1 / 2 / 3: intents 0.951 / 0.961 /
# 0.950 / 0.969 (mean 0.958), entities 0.907 / 0.889 / 0.914 / 0.920 (mean 0.908). A data change moves
# a single seed by about 0.01, so these tests guard the configured seed's model a little below its
# figures.
INTENT_FLOOR, ENTITY_FLOOR = 0.94, 0.89


def test_intents_on_the_separate_test_set_keep_macro_f1_above_the_measured_floor(nlu_results):
    report = json.loads((nlu_results / "intent_report.json").read_text(encoding="utf-8"))
    assert report["macro avg"]["f1-score"] >= INTENT_FLOOR


def test_entities_on_the_separate_test_set_keep_f1_above_the_measured_floor(nlu_results):
    report = json.loads((nlu_results / "DIETClassifier_report.json").read_text(encoding="utf-8"))
    assert report["micro avg"]["f1-score"] >= ENTITY_FLOOR


def test_every_end_to_end_story_passes(bot_model, tmp_path):
    result = rasa("test", "core", "--stories", "bot/tests/test_stories.yml", "--model", str(bot_model),
                  "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert "- story:" not in failed, failed[:3000]


@pytest.fixture(scope="session")
def running_bot(bot_model, model_registry, type_registry, tmp_path_factory):
    """Main service, action server and Rasa server, each its own process on a free port."""
    work = tmp_path_factory.mktemp("bot-run")
    api_port, action_port, rasa_port = free_port(), free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"
    env = {**rasa_environment(work, f"http://127.0.0.1:{action_port}/webhook"),
           "DATABASE_URL": f"sqlite:///{work / 'router.db'}",
           "CLASSIFIER_MODEL_DIR": str(model_registry.root), "CLASSIFIER_TYPE_MODEL_DIR": str(type_registry.root),
           "ROUTER_API_URL": api, "BOT_URL": f"http://127.0.0.1:{rasa_port}", "WECHAT_TOKEN": WECHAT_TOKEN}
    logs = [open(work / f"{name}.log", "w") for name in ("api", "actions")]
    processes = [
        subprocess.Popen([sys.executable, "-m", "server", "--port", str(api_port), "--log-level", "warning"],
                         cwd=ROOT, env=env, stdout=logs[0], stderr=subprocess.STDOUT),
        subprocess.Popen([str(RASA), "run", "actions", "--actions", "actions", "--port", str(action_port)],
                         cwd=ROOT / "bot", env=env, stdout=logs[1], stderr=subprocess.STDOUT),
        start_rasa(bot_model, rasa_port, env, work / "rasa.log", cors=api, token=DEMO_RASA_TOKEN),
    ]
    try:
        wait_for(f"{api}/healthz", processes[0])
        wait_for(f"http://127.0.0.1:{action_port}/health", processes[1])
        wait_for(f"http://127.0.0.1:{rasa_port}/", processes[2], seconds=300)
        yield {"rasa": f"http://127.0.0.1:{rasa_port}", "api": api, "bot_model": bot_model, "env": env,
               "work": work}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        for log in logs:
            log.close()


def say(bot: dict, sender: str, text: str) -> list[dict]:
    response = requests.post(f"{bot['rasa']}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=60)
    response.raise_for_status()
    return response.json()


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_a_materials_question_gets_the_full_checklist_from_the_catalogue(running_bot):
    reply = texts(say(running_bot, "c1", "小孩上户口带什么"))
    assert "【出生登记】" in reply and "出生医学证明" in reply and "可告知承诺" in reply


def test_a_follow_up_question_stays_on_the_same_item(running_bot):
    say(running_bot, "c2", "办护照要带啥")
    assert "120元" in texts(say(running_bot, "c2", "要多少钱"))


def test_a_vague_item_is_asked_back_with_buttons(running_bot):
    replies = say(running_bot, "c3", "身份证要带什么")
    buttons = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert {"居民身份证首次申领", "居民身份证换领、补领"} <= set(buttons)


def test_an_item_name_with_a_typo_still_gets_its_checklist(running_bot):
    reply = texts(say(running_bot, "c3b", "办营业执找要带什么"))
    assert "【有限责任公司设立登记】" in reply and "申请材料" in reply


def test_a_precheck_ends_with_a_verdict_listing_what_is_missing(running_bot):
    say(running_bot, "c4", "帮我预审一下材料")
    checklist = texts(say(running_bot, "c4", "户口迁移"))
    assert "户口迁移" in checklist and "申请材料" in checklist
    replies = say(running_bot, "c4", "身份证户口本有，房产证还没下来")
    verdict = next(r["custom"]["precheck"] for r in replies if "custom" in r)
    assert [m["name"] for m in verdict["rongque"]] == ["不动产权证书"]
    assert verdict["accept_today"] is True


def test_a_complaint_becomes_a_work_order_with_its_number(running_bot):
    say(running_bot, "c5", "我要投诉")
    say(running_bot, "c5", "楼下烧烤店油烟太大，每天晚上熏得开不了窗")
    say(running_bot, "c5", "湖滨路12号")
    replies = say(running_bot, "c5", "13912345678")
    ticket = next(r["custom"]["ticket"] for r in replies if "custom" in r)
    stored = requests.get(f"{running_bot['api']}/api/tickets/{ticket['id']}",
                          headers={"Authorization": "Bearer demo-operator"}, timeout=10).json()
    assert "油烟" in stored["text"] and stored["place"] == "湖滨路12号" and stored["contact"] == "13912345678"
    assert stored["channel"] == "网页"
    assert f"工单 {ticket['id']}" in texts(say(running_bot, "c5", f"查一下工单{ticket['id']}"))


def test_asking_for_a_human_records_the_conversation_for_operators(running_bot):
    say(running_bot, "c6", "办护照要带啥")
    assert "人工" in texts(say(running_bot, "c6", "转人工"))
    handoffs = requests.get(f"{running_bot['api']}/api/handoffs", headers={"Authorization": "Bearer demo-operator"},
                            timeout=10).json()
    mine = next(h for h in handoffs if h["sender_id"] == "c6")
    assert mine["reason"] == "requested"
    assert mine["transcript"][0] == {"speaker": "user", "text": "办护照要带啥"}


def test_rasas_http_api_answers_only_with_the_token(running_bot):
    tracker = f"{running_bot['rasa']}/conversations/c1/tracker"
    assert requests.get(tracker, timeout=30).status_code == 401
    assert requests.get(tracker, params={"token": DEMO_RASA_TOKEN}, timeout=30).status_code == 200


def test_the_rest_webhook_answers_browsers_of_the_sites_origin_only(running_bot):
    webhook = f"{running_bot['rasa']}/webhooks/rest/webhook"

    def preflight(origin: str) -> requests.Response:
        return requests.options(webhook, timeout=30, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})

    assert preflight(running_bot["api"]).headers.get("Access-Control-Allow-Origin") == running_bot["api"]
    assert "Access-Control-Allow-Origin" not in preflight("http://evil.example.org").headers


def test_a_conversation_survives_a_restart_of_the_rasa_server(running_bot, tmp_path):
    """A second Rasa server on the same SQL tracker store: killed after the first turn, started again."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = partial(start_rasa, running_bot["bot_model"], port, running_bot["env"], tmp_path / "rasa.log",
                    cors=running_bot["api"], token=DEMO_RASA_TOKEN)
    rasa = start()
    try:
        wait_for(f"{url}/", rasa, seconds=300)
        say({"rasa": url}, "restart-citizen", "办护照要带啥")
        rasa.kill()
        rasa.wait(timeout=30)
        rasa = start()
        wait_for(f"{url}/", rasa, seconds=300)
        assert "120元" in texts(say({"rasa": url}, "restart-citizen", "要多少钱"))
    finally:
        rasa.terminate()
        rasa.wait(timeout=30)


def wechat_say(bot: dict, text: str, msg_id: int, user: str = "oWechatCitizen") -> requests.Response:
    """A text message as WeChat's server sends it, signed with the token the service was started with."""
    from wechatpy.utils import WeChatSigner

    stamp, nonce = str(int(time.time())), f"n{msg_id}"
    signer = WeChatSigner()
    signer.add_data(WECHAT_TOKEN, stamp, nonce)
    xml = (f"<xml><ToUserName>gh_qingshan</ToUserName><FromUserName>{user}</FromUserName>"
           f"<CreateTime>{stamp}</CreateTime><MsgType>text</MsgType><Content><![CDATA[{text}]]></Content>"
           f"<MsgId>{msg_id}</MsgId></xml>")
    return requests.post(f"{bot['api']}/wechat", data=xml.encode("utf-8"), timeout=10,
                         params={"signature": signer.signature, "timestamp": stamp, "nonce": nonce})


def test_a_wechat_message_is_answered_by_the_real_bot(running_bot):
    response = wechat_say(running_bot, "办护照要带啥", 88001)
    assert response.status_code == 200, response.text
    assert "护照" in response.text and "<MsgType><![CDATA[text]]></MsgType>" in response.text


def test_a_complaint_over_wechat_becomes_a_work_order_from_the_wechat_channel(running_bot):
    replies = [wechat_say(running_bot, text, 88100 + i, user="oWechatComplainer").text
               for i, text in enumerate(["我要投诉", "菜市场门口的下水道堵了一个星期，污水漫到路上", "湖滨路菜市场",
                                         "不留"])]
    number = re.search(r"工单编号：(\d+)", replies[-1])
    assert number, replies[-1]
    stored = requests.get(f"{running_bot['api']}/api/tickets/{number.group(1)}", timeout=10,
                          headers={"Authorization": "Bearer demo-operator"}).json()
    assert stored["channel"] == "微信" and "下水道" in stored["text"]


def bot_turn(page, text: str) -> None:
    """Type a message and wait until the bot has answered it."""
    answered = page.locator(".msg.bot, .choices").count()
    box = page.get_by_label("输入您的问题")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".msg.bot, .choices")).not_to_have_count(answered, timeout=60_000)
    page.wait_for_timeout(300)  # the bot's several messages arrive in one response; let them render


def test_a_citizen_asks_for_materials_and_completes_a_precheck_in_the_web_chat(running_bot, page):
    page.goto(f"{running_bot['api']}/chat")
    bot_turn(page, "小孩上户口带什么")
    expect(page.locator("#log")).to_contain_text("出生医学证明")
    bot_turn(page, "帮我预审一下材料")
    bot_turn(page, "户口迁移")
    bot_turn(page, "身份证户口本有，房产证还没下来")
    verdict = page.get_by_role("region", name="预审结果")
    expect(verdict).to_contain_text("材料可以当天受理")
    expect(verdict.locator("[data-section=rongque]")).to_contain_text("不动产权证书")
    expect(verdict.locator("[data-section=complete]")).to_contain_text("居民身份证")
    screenshot(page, "chat")


def test_the_bots_choices_are_buttons_in_the_web_chat(running_bot, page):
    page.goto(f"{running_bot['api']}/chat")
    bot_turn(page, "身份证要带什么")
    choice = page.get_by_role("group", name="可选项").get_by_role("button", name="居民身份证换领、补领")
    choice.click()
    expect(page.locator("#log")).to_contain_text("【居民身份证换领、补领】", timeout=60_000)


def test_a_complaint_in_the_web_chat_shows_its_work_order_number(running_bot, page):
    page.goto(f"{running_bot['api']}/chat")
    for text in ("我要投诉", "小区门口<script>window.__xss=1</script>垃圾堆了一周没人清运", "湖滨路8号", "不留"):
        bot_turn(page, text)
    number = page.locator("[data-ticket-id]")
    expect(number).to_be_visible()
    assert page.evaluate("window.__xss") is None
    ticket_id = number.get_attribute("data-ticket-id")
    stored = requests.get(f"{running_bot['api']}/api/tickets/{ticket_id}", timeout=10,
                          headers={"Authorization": "Bearer demo-operator"}).json()
    assert "<script>" in stored["text"] and "垃圾" in stored["text"]


# ---- issue 15: the failures of conversations tried as new users would, each written anew -------------
# Tests that need an endpoint another branch adds (POST /api/citizen/lookup) skip, saying so, until it
# is there.

OPERATOR = {"Authorization": "Bearer demo-operator"}
FORMAT_ERROR = "格式好像不对"


def ticket_of(replies: list[dict]) -> dict | None:
    return next((r["custom"]["ticket"] for r in replies if (r.get("custom") or {}).get("ticket")), None)


def stored(bot: dict, ticket_id: int) -> dict:
    return requests.get(f"{bot['api']}/api/tickets/{ticket_id}", headers=OPERATOR, timeout=10).json()


def needs(bot: dict, method: str, path: str, why: str) -> None:
    """Skip unless the main service has the endpoint (it answers something other than 404/405 for no body)."""
    status = requests.request(method, f"{bot['api']}{path}", json={}, headers=OPERATOR, timeout=10).status_code
    if status in (404, 405):
        pytest.skip(f"{path} is not on this branch yet ({why})")


def converse(bot: dict, sender: str, *turns: str) -> list[list[dict]]:
    return [say(bot, sender, turn) for turn in turns]


# ---- forms let people out and back in ---------------------------------------------------------------


def test_giving_up_at_the_place_step_files_nothing_and_keeps_nothing(running_bot):
    replies = converse(running_bot, "e1", "我要投诉", "公园的健身器材坏了好几个，老人用着很危险", "算了，不投诉了")
    assert "已取消" in texts(replies[-1]) and ticket_of(replies[-1]) is None
    after = say(running_bot, "e1", "13800001111")
    assert ticket_of(after) is None


@pytest.mark.parametrize("exit_words", ["取消", "退出"])
def test_leaving_at_the_phone_step_never_gets_a_phone_format_error(running_bot, exit_words):
    sender = f"e2-{exit_words}"
    replies = converse(running_bot, sender, "我要反映问题", "河边步道的护栏断了一截", "滨江路", exit_words)
    assert FORMAT_ERROR not in texts(replies[-1]) and "已取消" in texts(replies[-1])
    assert ticket_of(replies[-1]) is None


def test_asking_for_a_person_at_the_phone_step_hands_over_instead_of_a_format_error(running_bot):
    replies = converse(running_bot, "e3", "我要投诉", "菜场门口天天有人占道卖菜", "青山菜市场", "人工客服")
    assert FORMAT_ERROR not in texts(replies[-1]) and "人工客服" in texts(replies[-1])
    handoffs = requests.get(f"{running_bot['api']}/api/handoffs", headers=OPERATOR, timeout=10).json()
    assert any(h["sender_id"] == "e3" for h in handoffs)


def test_a_materials_question_at_the_phone_step_is_answered_and_the_phone_asked_again(running_bot):
    replies = converse(running_bot, "e4", "我要投诉", "小区里有人把电动车推进电梯", "幸福小区",
                       "对了，办护照要带什么材料？")
    answer = texts(replies[-1])
    assert FORMAT_ERROR not in answer and "普通护照签发" in answer and "联系电话" in answer
    filed = ticket_of(say(running_bot, "e4", "13800002222"))
    assert filed is not None and stored(running_bot, filed["id"])["contact"] == "13800002222"


def test_a_bare_suanle_at_the_phone_step_files_no_anonymous_order(running_bot):
    replies = converse(running_bot, "e5", "我要投诉", "夜市的音响放到半夜", "青山夜市", "算了")
    assert ticket_of(replies[-1]) is None and "已取消" in texts(replies[-1])


@pytest.mark.parametrize("refusal", ["电话就不留了", "不想留", "算了不留了"])
def test_refusing_the_phone_in_other_words_files_the_order_without_one(running_bot, refusal):
    sender = f"e6-{refusal}"
    replies = converse(running_bot, sender, "我要投诉", "楼顶的广告牌松了，刮风时晃得厉害", "建设路88号", refusal)
    filed = ticket_of(replies[-1])
    assert filed is not None and FORMAT_ERROR not in texts(replies[-1])
    order = stored(running_bot, filed["id"])
    assert order["contact"] is None and order["place"] == "建设路88号" and "广告牌" in order["text"]


def test_no_phone_format_error_on_the_first_turn(running_bot):
    replies = say(running_bot, "e7", "我要投诉，隔壁工地天天晚上十一点还在施工")
    assert FORMAT_ERROR not in texts(replies)


# ---- pre-check remembers ------------------------------------------------------------------------------


def test_materials_given_over_several_messages_are_all_counted(running_bot):
    converse(running_bot, "e8", "帮我预审一下材料", "户口迁移", "身份证有", "户口本也在")
    replies = say(running_bot, "e8", "房产证还没办下来")
    verdict = next(r["custom"]["precheck"] for r in replies if (r.get("custom") or {}).get("precheck"))
    complete = {m["name"] for m in verdict["complete"]}
    assert {"居民身份证", "居民户口簿"} <= complete or any("户口" in name for name in complete)
    assert "居民身份证" in complete
    assert [m["name"] for m in verdict["rongque"]] == ["不动产权证书"] and verdict["accept_today"] is True


def test_a_material_that_cannot_be_got_counts_as_missing(running_bot):
    converse(running_bot, "e9", "帮我预审一下材料", "户口迁移", "身份证户口本都有")
    replies = say(running_bot, "e9", "房产证开不出来")
    verdict = next(r["custom"]["precheck"] for r in replies if (r.get("custom") or {}).get("precheck"))
    assert "不动产权证书" not in {m["name"] for m in verdict["complete"]}


# ---- follow-ups survive noise ------------------------------------------------------------------------


def test_a_time_follow_up_with_a_question_mark_stays_on_the_item(running_bot):
    say(running_bot, "e10", "办护照要带啥")
    answer = texts(say(running_bot, "e10", "那要多久能办好？"))
    assert "普通护照签发" in answer and "办理时限" in answer and "没有找到" not in answer


def test_a_failed_search_does_not_forget_the_item(running_bot):
    say(running_bot, "e11", "办护照要带啥")
    say(running_bot, "e11", "那个登月许可证怎么办")
    assert "普通护照签发" in texts(say(running_bot, "e11", "要多少钱"))


def test_a_bundles_time_question_answers_the_time_not_the_materials(running_bot):
    say(running_bot, "e12", "新生儿出生一件事包括哪些")
    answer = texts(say(running_bot, "e12", "全部办完要多久"))
    assert "办理时限" in answer and "申请材料" not in answer


def test_a_question_naming_two_items_answers_both(running_bot):
    answer = texts(say(running_bot, "e13", "办护照和结婚登记分别要带什么"))
    assert "普通护照签发" in answer and "内地居民结婚登记" in answer


# ---- numbers and the 查询码 ---------------------------------------------------------------------------


def test_a_street_number_is_not_looked_up_as_an_order(running_bot):
    replies = say(running_bot, "e14", "人民路120号门口的井盖丢了，晚上很危险")
    assert "没有查到" not in texts(replies) and "查询码" not in texts(replies)
    filed = ticket_of(say(running_bot, "e14", "不留"))
    assert filed is not None and stored(running_bot, filed["id"])["place"].startswith("人民路120号")
    assert filed is not None and "井盖" in stored(running_bot, filed["id"])["text"]


def test_last_weeks_complaint_asks_for_the_query_code_instead_of_a_new_complaint(running_bot):
    answer = texts(say(running_bot, "e15", "我上周投诉的那个事现在怎么样了"))
    assert "查询码" in answer and "请描述" not in answer


def test_an_order_is_looked_up_by_the_query_code_the_bot_gave(running_bot):
    needs(running_bot, "POST", "/api/citizen/lookup", "helper 14a")
    filed = ticket_of(converse(running_bot, "e16", "我要投诉", "路口的红绿灯坏了三天", "文化路口", "不留")[-1])
    answer = texts(say(running_bot, "e16b", f"查询码 {filed['feedback_code']}"))
    assert f"工单 {filed['id']}" in answer


def test_after_a_complaint_how_long_is_about_the_order(running_bot):
    needs(running_bot, "POST", "/api/citizen/lookup", "helper 14a")
    filed = ticket_of(converse(running_bot, "e17", "我要投诉", "楼道里的消防栓被人拆了", "和平小区", "不留")[-1])
    answer = texts(say(running_bot, "e17", "大概多久会有人来处理"))
    assert f"工单 {filed['id']}" in answer and "办结时限" in answer


# ---- letters --------------------------------------------------------------------------------------------

LETTER = ("青山区的领导你们好！我是河西街道向阳小区的住户，姓周，今年六十八岁。我们小区4栋后面的下水道"
          "从上个月开始就一直往外冒污水，气味很大，夏天蚊子苍蝇特别多，孩子们都不敢在楼下玩。我们找过物业好几次，"
          "物业说管道是市政的，他们管不了；打电话给社区，社区说会上报，可是一个多月过去了还是老样子。"
          "前几天下大雨，污水漫到了单元门口，有位老人差点滑倒。我们实在没办法了，希望有关部门尽快派人来疏通修理，"
          "也请以后定期检查。我的地址是青山区向阳路15号向阳小区4栋。谢谢你们！") * 3


def test_a_long_letter_becomes_a_work_order_with_its_whole_text(running_bot):
    replies = say(running_bot, "e18", LETTER)
    summary = texts(replies)
    assert "没太听懂" not in summary and "向阳路15号" in summary
    filed = ticket_of(say(running_bot, "e18", "电话就不留了"))
    assert filed is not None
    order = stored(running_bot, filed["id"])
    # the service stores text normalised (full-width punctuation to half-width): compare the content
    assert len(order["text"]) >= len(LETTER) - 5 and order["text"].count("下水道") == LETTER.count("下水道")
    assert order["place"].startswith("青山区向阳路15号")


# ---- handoff, ratings, English ------------------------------------------------------------------------


def test_after_a_handoff_the_bot_says_when_a_person_comes_answers_meanwhile_and_is_quiet_once_taken(running_bot):
    first = texts(say(running_bot, "e19", "转人工"))
    assert "人工客服" in first and ("正在排队" in first or "不是人工客服的工作时间" in first)
    meanwhile = texts(say(running_bot, "e19", "办护照要带啥"))
    assert "普通护照签发" in meanwhile
    handoff = next(h for h in requests.get(f"{running_bot['api']}/api/handoffs", headers=OPERATOR, timeout=10).json()
                   if h["sender_id"] == "e19")
    requests.post(f"{running_bot['api']}/api/handoffs/{handoff['id']}/take", headers=OPERATOR, timeout=10)
    later = texts(say(running_bot, "e19", "办护照要带啥"))
    assert "工作人员" in later and "普通护照签发" not in later


def test_urging_without_the_code_is_registered_with_a_person_for_the_number_given(running_bot):
    replies = converse(running_bot, "e19b", "单号25 都一个礼拜了还没人来处理", "查询码找不到了", "那你帮我催一下总行吧")
    assert "0710-12345" in texts(replies[1]) and "催办请求（工单 25）" in texts(replies[2])


def test_a_catalogue_answer_carries_the_rating_handle(running_bot):
    replies = say(running_bot, "e20", "办护照要带啥")
    rate = next(r["custom"]["rate"] for r in replies if (r.get("custom") or {}).get("rate"))
    assert rate["intent"] == "ask_materials" and rate["item_code"] and re.fullmatch(r"[0-9a-f]{32}", rate["turn_id"])


def test_in_wechat_a_bare_2_after_an_answer_is_taken_as_unsatisfied(running_bot):
    replies = say(running_bot, "wx:e21", "低保怎么申请")
    assert "回复 1 满意，2 不满意" in texts(replies)
    answer = texts(say(running_bot, "wx:e21", "2"))
    assert "抱歉没能帮到您" in answer


def test_english_gets_a_hint_that_the_service_is_in_chinese(running_bot):
    answer = texts(say(running_bot, "e22", "How can I get a new ID card? I lost mine."))
    assert "service is in Chinese" in answer


# ---- issue 15, second round: follow-ups, questions, ratings, refusals, letters, English ----------------


def test_several_aspects_asked_at_once_are_all_answered_about_the_item(running_bot):
    say(running_bot, "f1", "办护照要带啥")
    answer = texts(say(running_bot, "f1", "收钱不，在哪办"))
    assert "收费标准：120元" in answer and "办理地点" in answer and "没有找到" not in answer


def test_a_first_answer_covers_the_whole_guide(running_bot):
    answer = texts(say(running_bot, "f2", "办护照要带啥"))
    assert all(part in answer for part in ("申请材料", "办理时限", "收费标准", "办理地点", "网上办理"))


def test_a_rating_word_with_a_reason_after_an_answer_is_a_rating(running_bot):
    say(running_bot, "f3", "办护照要带啥")
    assert "抱歉没能帮到您" in texts(say(running_bot, "f3", "不满意，说得太笼统了"))


def test_in_wechat_a_bare_1_after_an_answer_is_taken_as_satisfied(running_bot):
    say(running_bot, "wx:f4", "办护照要带啥")
    assert "感谢您的评价" in texts(say(running_bot, "wx:f4", "1"))


def test_declining_the_phone_in_other_words_files_the_order_without_one(running_bot):
    replies = converse(running_bot, "f5", "我要投诉", "店门口的下水道井盖没了，晚上很危险", "长江路203号",
                       "手机号就算了吧")
    filed = ticket_of(replies[-1])
    assert filed is not None and stored(running_bot, filed["id"])["contact"] is None


def test_a_how_to_question_is_answered_not_taken_for_a_complaint(running_bot):
    answer = texts(say(running_bot, "f6", "我妈今年81了，老人补贴怎么领"))
    assert "高龄津贴" in answer and "请描述" not in answer and "哪里" not in answer


def test_an_english_complaint_becomes_a_work_order(running_bot):
    replies = converse(running_bot, "f7", "The street light outside my building has been broken for a week.",
                       "It is at No. 25 Hubin Road, near the park.", "I'd rather not give my phone number.")
    filed = ticket_of(replies[-1])
    assert filed is not None and "Your work order number is" in texts(replies[-1])
    assert stored(running_bot, filed["id"])["contact"] is None
