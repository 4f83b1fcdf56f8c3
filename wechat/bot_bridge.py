"""Talks to the Rasa bot's REST channel on a WeChat user's behalf and turns its replies into one text.

WeChat text replies have no buttons, so the bot's choices are numbered and the user's next
message "1", "2", … is sent as that choice's payload.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

#: Conversations from WeChat are "wx:<openid>" to the bot; its actions file their work orders as 微信.
SENDER_PREFIX = "wx:"


class BotUnavailable(Exception):
    """The bot did not answer (down, error status, or malformed reply)."""


class BotBridge:
    """The numbered choices a user was offered are kept in the process, or in Redis (``redis``, an
    asyncio client) so that the worker receiving the user's "2" knows what "2" was."""

    def __init__(self, bot_url: str, timeout_seconds: float = 30.0, max_reply_bytes: int = 2000,
                 redis: Any | None = None, choices_ttl_seconds: int = 3600) -> None:
        self.webhook = bot_url.rstrip("/") + "/webhooks/rest/webhook"
        self.timeout = timeout_seconds
        self.max_reply_bytes = max_reply_bytes
        self.redis = redis
        self.choices_ttl = choices_ttl_seconds
        self._choices: dict[str, list[str]] = {}

    async def ask(self, sender: str, text: str) -> str:
        if self.redis is not None:
            stored = await self.redis.getdel(f"wechat:choices:{sender}")
            self._choices[sender] = json.loads(stored) if stored else []
        message = self._resolve_choice(sender, text)
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(self.webhook, json={"sender": sender, "message": message})
                response.raise_for_status()
                replies = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise BotUnavailable(str(error)) from error
        if not isinstance(replies, list):
            raise BotUnavailable("the bot's reply is not a list")
        answer = self._format(sender, replies)
        if self.redis is not None and sender in self._choices:
            await self.redis.set(f"wechat:choices:{sender}", json.dumps(self._choices.pop(sender)),
                                 ex=self.choices_ttl)
        return answer

    def _resolve_choice(self, sender: str, text: str) -> str:
        choices = self._choices.pop(sender, [])
        number = text.strip()
        if number.isdigit() and 1 <= int(number) <= len(choices):
            return choices[int(number) - 1]
        return text

    def _format(self, sender: str, replies: list[dict]) -> str:
        parts: list[str] = []
        payloads: list[str] = []
        for reply in replies:
            if reply.get("text"):
                parts.append(reply["text"])
            ticket = (reply.get("custom") or {}).get("ticket")
            if ticket:
                parts.append(f"工单编号：{ticket['id']}，查询码：{ticket['feedback_code']}")
            buttons = reply.get("buttons") or []
            if buttons:
                lines = [f"{len(payloads) + i + 1}. {b['title']}" for i, b in enumerate(buttons)]
                parts.append("请回复数字选择：\n" + "\n".join(lines))
                payloads.extend(b["payload"] for b in buttons)
        if payloads:
            self._choices[sender] = payloads
        text = "\n".join(parts) or "抱歉，我没有理解，请换个说法，或回复“转人工”。"
        return self.truncate(text)

    def truncate(self, text: str) -> str:
        """At most ``max_reply_bytes`` of UTF-8, cut with a pointer to the full guide."""
        if len(text.encode("utf-8")) <= self.max_reply_bytes:
            return text
        tail = "…（内容较长，完整清单请到网上办事大厅查看）"
        budget = self.max_reply_bytes - len(tail.encode("utf-8"))
        while len(text.encode("utf-8")) > budget:
            text = text[: max(0, len(text) - 50)]
        return text + tail
