"""Play multi-turn citizen conversations (YAML: id, channel, turns, success) against a running bot and
write the transcripts for a person to judge; nothing is scored automatically.

    python bot/tests/run_conversations.py --file CONVERSATIONS.yml --rasa http://127.0.0.1:5005 \
        --api http://127.0.0.1:8000 --out transcripts.md

``{ticket_no}`` / ``{query_code}`` in a turn are the order filed earlier in the same conversation, or else
an order filed through the API before the conversation starts (a citizen coming back with their code).
"""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests
import yaml


def say(rasa: str, sender: str, text: str) -> List[Dict[str, Any]]:
    response = requests.post(f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
    response.raise_for_status()
    return response.json()


def file_order(api: str, token: str) -> Dict[str, Any]:
    body = {"text": "小区门口的路灯坏了好几天，晚上一片黑", "channel": "网页", "place": "青山区湖滨路8号"}
    response = requests.post(f"{api}/api/tickets", json=body, headers={"Authorization": f"Bearer {token}"},
                             timeout=30)
    response.raise_for_status()
    return response.json()


def shown(reply: Dict[str, Any]) -> str:
    parts = []
    if reply.get("text"):
        parts.append(reply["text"])
    for button in reply.get("buttons") or []:
        parts.append(f"[按钮] {button['title']}")
    if reply.get("custom"):
        parts.append("[custom] " + json.dumps(reply["custom"], ensure_ascii=False)[:300])
    return "\n".join(parts)


def play(conversation: Dict[str, Any], rasa: str, api: str, token: str, run: str) -> str:
    prefix = "wx:" if conversation.get("channel") == "wechat" else ""
    sender = f"{prefix}{run}-{conversation['id']}"
    lines = [f"## {conversation['id']} ({conversation.get('channel', 'web')})", "",
             f"need: {conversation.get('need', '')}", ""]
    order: Optional[Dict[str, Any]] = None
    for turn in conversation["turns"]:
        text = str(turn)
        if "{ticket_no}" in text or "{query_code}" in text:
            if order is None:
                order = file_order(api, token)
            text = text.replace("{ticket_no}", str(order["id"])).replace("{query_code}", order["feedback_code"])
        replies = say(rasa, sender, text)
        for reply in replies:
            ticket = (reply.get("custom") or {}).get("ticket")
            if ticket:
                order = {"id": ticket["id"], "feedback_code": ticket["feedback_code"]}
        lines.append("**市民**: " + text.replace("\n", "\n> "))
        lines.append("")
        for reply in replies:
            lines.append("> **bot**: " + shown(reply).replace("\n", "\n> "))
        lines.append("")
    lines += [f"success: {conversation.get('success', '')}", "", "judgement: ", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", required=True)
    parser.add_argument("--rasa", default="http://127.0.0.1:5005")
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--token", default="demo-operator")
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", nargs="*", help="conversation ids to play")
    args = parser.parse_args()
    conversations = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
    run = uuid.uuid4().hex[:6]
    played = [play(c, args.rasa, args.api, args.token, run) for c in conversations
              if not args.only or c["id"] in args.only]
    Path(args.out).write_text("\n".join(played), encoding="utf-8")


if __name__ == "__main__":
    main()
