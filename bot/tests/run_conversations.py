"""Play scripted citizen conversations against the running stack and record the transcripts (JSON) for
a judge who has not seen the bot; nothing is scored here.

    .venv/bin/python bot/tests/run_conversations.py --conversations FILE.yml --service http://127.0.0.1:8000 \
        --bot http://127.0.0.1:5005 [--wechat-token T --wechat-aes-key K --wechat-app-id A] --out transcripts.json

Web conversations go to Rasa's REST channel as the /chat page does (a typed 满意/不满意 right after a
rateable answer is sent as the page's button would, to /api/bot/ratings); WeChat conversations go
through the main app's signed, AES-encrypted /wechat callback as WeChat's servers would.
Placeholders {ticket_no} / {query_code} take the number and code the bot gave earlier in the same
conversation, else those of an order filed for the conversation before it starts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import uuid
from pathlib import Path

import requests
import yaml

TICKET_RE = re.compile(r"(?:工单|编号|单号)[^0-9]{0,6}(\d{1,9})")
CODE_RE = re.compile(r"查询码[^0-9a-fA-F]{0,6}([0-9a-fA-F]{8,32})")
SEED_COMPLAINT = "青山区人民路菜市场门口每天早上六点就有货车卸货，噪音很大，住户休息不好，希望有关部门管一管。"


def seed_order(service: str, token: str) -> tuple[str, str]:
    """An order filed by an operator, standing for the citizen's earlier call."""
    response = requests.post(f"{service}/api/tickets", headers={"Authorization": f"Bearer {token}"},
                             json={"text": SEED_COMPLAINT, "channel": "电话"}, timeout=30)
    response.raise_for_status()
    body = response.json()
    return str(body["id"]), body["feedback_code"]


class Web:
    def __init__(self, bot: str, service: str) -> None:
        self.bot, self.service = bot, service

    def send(self, sender: str, text: str, last: list[dict]) -> list[dict]:
        rating = {"满意": "satisfied", "不满意": "unsatisfied"}.get(text.strip(" 。！!"))
        rate = next((m["custom"]["rate"] for m in last if isinstance(m.get("custom"), dict)
                     and "rate" in m["custom"]), None)
        if rating and rate:
            response = requests.post(f"{self.service}/api/bot/ratings", timeout=30, json={
                "conversation_id": sender, "turn_id": rate["turn_id"], "rating": rating})
            return [{"text": f"[页面按钮 {text} → HTTP {response.status_code}]"}]
        response = requests.post(f"{self.bot}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                 timeout=120)
        response.raise_for_status()
        return response.json()


class Wechat:
    def __init__(self, service: str, token: str, aes_key: str, app_id: str) -> None:
        from wechatpy.crypto import WeChatCrypto
        self.service, self.token = service, token
        self.crypto = WeChatCrypto(token, aes_key, app_id)

    def send(self, sender: str, text: str, last: list[dict]) -> list[dict]:
        from wechatpy.utils import WeChatSigner
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        signer = WeChatSigner()
        signer.add_data(self.token, timestamp, nonce)
        msg_id = str(uuid.uuid4().int % 10**18)
        xml = (f"<xml><ToUserName><![CDATA[gh_qingshan]]></ToUserName><FromUserName><![CDATA[{sender}]]>"
               f"</FromUserName><CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
               f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")
        encrypted = self.crypto.encrypt_message(xml, nonce, timestamp)
        msg_signature = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]>", encrypted).group(1)
        outer = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]>", encrypted).group(1)
        body = (f"<xml><ToUserName><![CDATA[gh_qingshan]]></ToUserName>"
                f"<Encrypt><![CDATA[{outer}]]></Encrypt></xml>")
        params = {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce,
                  "encrypt_type": "aes", "msg_signature": msg_signature}
        response = requests.post(f"{self.service}/wechat", params=params, data=body.encode(), timeout=60)
        if response.status_code != 200:
            return [{"text": f"[HTTP {response.status_code}] {response.text[:200]}"}]
        reply = self.crypto.decrypt_message(response.text, _tag(response.text, "MsgSignature"),
                                            _tag(response.text, "TimeStamp"), _tag(response.text, "Nonce"))
        return [{"text": _tag(reply, "Content")}]


def _shown(reply: dict) -> str:
    """What the citizen sees of one bot message: its text, its buttons, the kind of card it carries."""
    parts = [reply["text"]] if reply.get("text") else []
    if reply.get("buttons"):
        parts.append("[按钮: " + " / ".join(b.get("title", "") for b in reply["buttons"]) + "]")
    if isinstance(reply.get("custom"), dict):
        parts.append("[卡片: " + ", ".join(reply["custom"]) + "]")
    return "\n".join(parts)


def _tag(xml: str, name: str) -> str:
    match = re.search(rf"<{name}>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</{name}>", xml, re.S)
    return match.group(1) if match else ""


def play(conversation: dict, channels: dict, service: str, operator_token: str) -> dict:
    sender = f"{conversation['id']}-{uuid.uuid4().hex[:8]}"
    seeded: tuple[str, str] | None = None
    given = {"ticket_no": None, "query_code": None}
    channel = channels[conversation.get("channel", "web")]
    transcript, last = [], []
    for turn in conversation["turns"]:
        text = str(turn)
        if "{ticket_no}" in text or "{query_code}" in text:
            if not (given["ticket_no"] and given["query_code"]) and seeded is None:
                seeded = seed_order(service, operator_token)
            number = given["ticket_no"] or seeded[0]
            code = given["query_code"] or seeded[1]
            text = text.replace("{ticket_no}", number).replace("{query_code}", code)
        replies = channel.send(sender, text, last)
        last = replies
        transcript.append({"citizen": text, "bot": [_shown(r) for r in replies]})
        for reply in replies:  # an order the bot filed names its number and its code together
            said = reply.get("text") or ""
            number, code = TICKET_RE.search(said), CODE_RE.search(said)
            if number and code:
                given["ticket_no"], given["query_code"] = number.group(1), code.group(1)
    return {"id": conversation["id"], "channel": conversation.get("channel", "web"),
            "need": conversation.get("need"), "success": conversation.get("success"),
            "seeded_order": seeded, "transcript": transcript}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", required=True, type=Path)
    parser.add_argument("--service", default="http://127.0.0.1:8000")
    parser.add_argument("--bot", default="http://127.0.0.1:5005")
    parser.add_argument("--operator-token", default="demo-operator")
    parser.add_argument("--wechat-token", default="")
    parser.add_argument("--wechat-aes-key", default="")
    parser.add_argument("--wechat-app-id", default="")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    conversations = yaml.safe_load(args.conversations.read_text(encoding="utf-8"))
    channels = {"web": Web(args.bot, args.service)}
    if args.wechat_token:
        channels["wechat"] = Wechat(args.service, args.wechat_token, args.wechat_aes_key, args.wechat_app_id)
    results = []
    for conversation in conversations:
        try:
            results.append(play(conversation, channels, args.service, args.operator_token))
        except Exception as error:  # one broken conversation must not hide the others
            results.append({"id": conversation["id"], "error": repr(error)})
        print(conversation["id"], file=sys.stderr)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
