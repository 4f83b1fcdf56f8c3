"""The 公众号 callback: requests signed with a real token and AES key as WeChat's server signs them
(wechatpy), good and forged, plaintext and encrypted, and retries of one MsgId.

Behind the callback stands a small HTTP server speaking the Rasa REST protocol, so these tests
check the channel, not the bot's understanding (the bot itself is exercised in test_bot.py)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import xmltodict
from fastapi.testclient import TestClient
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from core.settings import BotSettings
from server.app import create_app
from server.context import AppContext
from tests.helpers import free_port
from wechat.callback import WechatChannel
from wechat.settings import WechatSettings

TOKEN = "qingshan12345token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the admin console issues
APP_ID = "wx1234567890abcdef"
SLOW_SECONDS = 1.5


class StandInRasa(BaseHTTPRequestHandler):
    """Answers like Rasa's REST channel; records every message it receives."""

    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(body)
        message = body["message"]
        if message == "慢一点":
            time.sleep(SLOW_SECONDS)
        if message == "办证":
            replies = [{"text": "您问的是下面哪一项？", "buttons": [
                {"title": "居民身份证申领", "payload": '/inform_item{"service_item": "居民身份证申领"}'},
                {"title": "居住证办理", "payload": '/inform_item{"service_item": "居住证办理"}'}]}]
        else:
            replies = [{"recipient_id": body["sender"], "text": f"收到：{message}"}]
        data = json.dumps(replies, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def rasa_url():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), StandInRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def bot_calls():
    StandInRasa.received = []
    return StandInRasa.received


@pytest.fixture(scope="module")
def channel_context(model_registry, type_registry, tmp_path_factory):
    from classifier.settings import ClassifierSettings
    from core.settings import DatabaseSettings
    from server.context import AppSettings

    work = tmp_path_factory.mktemp("wechat")
    context = AppContext.build(AppSettings(
        database=DatabaseSettings(url=f"sqlite:///{work / 'router.db'}"),
        classifier=ClassifierSettings(model_dir=model_registry.root, type_model_dir=type_registry.root)))
    yield context
    context.engine.dispose()


def serve(context, rasa_url: str, redis_url: str | None = None, **settings) -> TestClient:
    """The callback of one worker: plain mode unless an AES key is given."""
    channel = WechatChannel(WechatSettings(token=TOKEN, app_id=APP_ID, reply_budget_seconds=0.8, **settings),
                            BotSettings(url=rasa_url), redis_url=redis_url)
    return TestClient(create_app(context=context, wechat=channel))


@pytest.fixture(scope="module")
def wechat_client(channel_context, rasa_url):
    """The callback in plain mode (明文模式)."""
    with serve(channel_context, rasa_url) as client:
        yield client


@pytest.fixture(scope="module")
def aes_client(channel_context, rasa_url):
    """The callback in 安全模式 (AES)."""
    with serve(channel_context, rasa_url, encoding_aes_key=AES_KEY) as client:
        yield client


def signed(timestamp: int | None = None, nonce: str | None = None, token: str = TOKEN) -> dict[str, str]:
    """Query parameters as WeChat's server signs them: a fresh nonce each request."""
    nonce = nonce or str(secrets.randbelow(10**9))
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signer = WeChatSigner()
    signer.add_data(token, stamp, nonce)
    return {"signature": signer.signature, "timestamp": stamp, "nonce": nonce}


def text_xml(content: str, msg_id: int, user: str = "oCitizen001") -> str:
    return (f"<xml><ToUserName><![CDATA[gh_qingshan]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def reply_of(xml: str) -> dict:
    return xmltodict.parse(xml)["xml"]


def send(client: TestClient, content: str, msg_id: int, user: str = "oCitizen001") -> dict:
    response = client.post("/wechat", params=signed(), content=text_xml(content, msg_id, user).encode("utf-8"))
    assert response.status_code == 200, response.text
    return reply_of(response.text)


def test_url_verification_echoes_echostr_when_the_signature_is_wechats(wechat_client):
    response = wechat_client.get("/wechat", params={**signed(), "echostr": "5837397520665436492"})
    assert response.status_code == 200
    assert response.text == "5837397520665436492"


def test_a_forged_signature_is_refused_and_nothing_reaches_the_bot(wechat_client, bot_calls):
    forged = {**signed(token="not-our-token")}
    response = wechat_client.post("/wechat", params=forged, content=text_xml("我要投诉", 1001).encode("utf-8"))
    assert response.status_code == 403
    assert response.json()["error"]["en"] == "bad signature"
    assert bot_calls == []


def test_a_stale_timestamp_is_refused_even_with_a_valid_signature(wechat_client, bot_calls):
    stale = signed(timestamp=int(time.time()) - 3600)
    response = wechat_client.post("/wechat", params=stale, content=text_xml("我要投诉", 1002).encode("utf-8"))
    assert response.status_code == 403
    assert "过期" in response.json()["error"]["zh"]
    assert bot_calls == []


def test_a_plaintext_message_gets_the_bots_answer_as_a_passive_reply(wechat_client, bot_calls):
    reply = send(wechat_client, "办护照要带啥", 1003)
    assert reply["MsgType"] == "text"
    assert reply["Content"] == "收到：办护照要带啥"
    assert reply["ToUserName"] == "oCitizen001" and reply["FromUserName"] == "gh_qingshan"
    assert bot_calls == [{"sender": "wx:oCitizen001", "message": "办护照要带啥"}]


def test_an_encrypted_message_is_decrypted_answered_and_the_reply_encrypted(aes_client, bot_calls):
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    params = signed(nonce="1320562132")
    message = text_xml("小孩上户口带什么", 1004)
    envelope = reply_of(crypto.encrypt_message(message, params["nonce"], params["timestamp"]))
    body = f"<xml><ToUserName>gh_qingshan</ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
    aes = {**params, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
    response = aes_client.post("/wechat", params=aes, content=body.encode("utf-8"))
    assert response.status_code == 200, response.text
    encrypted_reply = reply_of(response.text)
    assert "Content" not in encrypted_reply
    plain = crypto.decrypt_message(response.text, encrypted_reply["MsgSignature"], encrypted_reply["TimeStamp"],
                                   encrypted_reply["Nonce"])
    assert reply_of(plain)["Content"] == "收到：小孩上户口带什么"
    assert [c["message"] for c in bot_calls] == ["小孩上户口带什么"]


def test_an_encrypted_message_with_a_forged_message_signature_is_refused(aes_client, bot_calls):
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    params = signed()
    envelope = reply_of(crypto.encrypt_message(text_xml("我要投诉", 1005), params["nonce"], params["timestamp"]))
    body = f"<xml><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
    response = aes_client.post("/wechat", params={**params, "encrypt_type": "aes", "msg_signature": "0" * 40},
                                  content=body.encode("utf-8"))
    assert response.status_code == 403
    assert bot_calls == []


def test_in_aes_mode_a_plaintext_message_is_refused(aes_client, bot_calls):
    response = aes_client.post("/wechat", params=signed(), content=text_xml("我要投诉", 1020).encode("utf-8"))
    assert response.status_code == 403
    assert "只接受加密消息" in response.json()["error"]["zh"] and "only encrypted" in response.json()["error"]["en"]
    assert bot_calls == []


def test_a_seen_signature_carrying_another_message_is_refused_as_a_replay(wechat_client, bot_calls):
    params = signed()
    assert wechat_client.post("/wechat", params=params, content=text_xml("路灯坏了", 1021).encode()).status_code == 200
    forged = wechat_client.post("/wechat", params=params, content=text_xml("转账到这个账户", 1022).encode())
    assert forged.status_code == 403 and "重放" in forged.json()["error"]["zh"]
    assert [c["message"] for c in bot_calls] == ["路灯坏了"]


def test_a_message_replayed_after_the_dedupe_time_still_reaches_the_bot_once(channel_context, rasa_url, bot_calls):
    """Remembered for the whole timestamp window, however short the dedupe setting."""
    with serve(channel_context, rasa_url, dedupe_ttl_seconds=0) as client:
        params, body = signed(), text_xml("社保卡丢了怎么补", 1023).encode()
        first = client.post("/wechat", params=params, content=body)
        client.post("/wechat", params=signed(), content=text_xml("下一条消息", 1024).encode())
        replay = client.post("/wechat", params=params, content=body)
    assert reply_of(first.text)["Content"] == reply_of(replay.text)["Content"]
    assert [c["message"] for c in bot_calls] == ["社保卡丢了怎么补", "下一条消息"]


@pytest.fixture
def two_workers(channel_context, rasa_url, redis_url):
    """Two callbacks, as two worker processes, sharing one Redis."""
    with serve(channel_context, rasa_url, redis_url) as first, serve(channel_context, rasa_url, redis_url) as second:
        yield first, second


def test_a_retry_reaching_another_worker_gets_the_same_answer_and_the_bot_hears_once(two_workers, bot_calls):
    first, second = two_workers
    assert send(first, "公积金怎么提取", 1030)["Content"] == send(second, "公积金怎么提取", 1030)["Content"]
    assert [c["message"] for c in bot_calls] == ["公积金怎么提取"]


def test_a_late_answer_held_by_one_worker_comes_with_the_next_message_on_another(two_workers, bot_calls):
    first, second = two_workers
    assert send(first, "慢一点", 1031, user="oCitizen005")["Content"] == WechatSettings().holding_reply
    time.sleep(SLOW_SECONDS)
    assert send(second, "好了吗", 1032, user="oCitizen005")["Content"] == "收到：慢一点\n——\n收到：好了吗"
    assert send(first, "还有吗", 1033, user="oCitizen005")["Content"] == "收到：还有吗"


def test_a_choice_offered_by_one_worker_is_understood_by_another(two_workers, bot_calls):
    first, second = two_workers
    send(first, "办证", 1034, user="oCitizen006")
    send(second, "2", 1035, user="oCitizen006")
    assert bot_calls[-1]["message"] == '/inform_item{"service_item": "居住证办理"}'


def test_a_replay_to_another_worker_is_refused(two_workers, bot_calls):
    first, second = two_workers
    params = signed()
    assert first.post("/wechat", params=params, content=text_xml("路灯坏了", 1036).encode()).status_code == 200
    assert second.post("/wechat", params=params, content=text_xml("改过的消息", 1037).encode()).status_code == 403


def test_a_retried_msgid_reaches_the_bot_once_and_gets_the_same_answer(wechat_client, bot_calls):
    first = send(wechat_client, "社保卡丢了怎么补", 1006)
    retry = send(wechat_client, "社保卡丢了怎么补", 1006)
    assert first["Content"] == retry["Content"] == "收到：社保卡丢了怎么补"
    assert len(bot_calls) == 1


def test_a_slow_bot_gets_a_holding_reply_and_the_answer_comes_with_the_next_message(wechat_client, bot_calls):
    started = time.monotonic()
    holding = send(wechat_client, "慢一点", 1007, user="oCitizen002")
    assert time.monotonic() - started < 1.4  # inside the reply budget, well under WeChat's 5 s
    assert holding["Content"] == WechatSettings().holding_reply
    time.sleep(SLOW_SECONDS)
    following = send(wechat_client, "好了吗", 1008, user="oCitizen002")
    assert following["Content"] == "收到：慢一点\n——\n收到：好了吗"


def test_the_bots_choices_are_numbered_and_a_number_sends_that_choice(wechat_client, bot_calls):
    menu = send(wechat_client, "办证", 1009, user="oCitizen003")
    assert "1. 居民身份证申领" in menu["Content"] and "2. 居住证办理" in menu["Content"]
    send(wechat_client, "2", 1010, user="oCitizen003")
    assert bot_calls[-1]["message"] == '/inform_item{"service_item": "居住证办理"}'


def test_a_malformed_body_with_a_valid_signature_is_a_clear_400(wechat_client, bot_calls):
    response = wechat_client.post("/wechat", params=signed(), content=b"<xml><MsgType>")
    assert response.status_code == 400
    assert response.json()["error"]["zh"] == "消息格式无效"
    assert bot_calls == []


def test_without_a_token_the_channel_answers_503_not_configured(app_context):
    app = create_app(context=app_context, wechat=WechatChannel(WechatSettings(token=None)))
    with TestClient(app) as client:
        response = client.get("/wechat", params={**signed(), "echostr": "1"})
    assert response.status_code == 503
    assert "WECHAT_TOKEN" in response.json()["error"]["zh"]


def test_a_message_without_any_signature_is_refused_403(wechat_client, bot_calls):
    response = wechat_client.post("/wechat", content=text_xml("我要投诉", 1011).encode("utf-8"))
    assert response.status_code == 403
    assert bot_calls == []


def test_a_long_answer_is_cut_to_wechats_reply_limit_with_a_pointer_to_the_full_guide():
    from wechat.bot_bridge import BotBridge

    cut = BotBridge("http://127.0.0.1:1", max_reply_bytes=2000).truncate("申请材料：居民身份证原件及复印件。" * 200)
    assert len(cut.encode("utf-8")) <= 2000
    assert cut.endswith("完整清单请到网上办事大厅查看）")
