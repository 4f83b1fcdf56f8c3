"""The 公众号 server callback at /wechat: URL verification, signed (and optionally AES) messages,
passive replies within WeChat's 5 s, MsgId deduplication.

Nothing reaches the bot unless the request's signature and timestamp check out (403 otherwise).
With an AES key configured (安全模式) only encrypted messages are accepted. A signed request's
parameters are bound to the body they first came with, so within the whole timestamp window a seen
signature cannot carry another message, and a message (MsgId) reaches the bot once in that window.
With ``REDIS_URL`` the ledger is shared by every worker (``wechat.shared_ledger``); without it, it
lives in the process.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from core.errors import BadRequest, Forbidden, ServiceError
from core.settings import BotSettings
from wechat.bot_bridge import SENDER_PREFIX, BotBridge, BotUnavailable
from wechat.ledger import ReplyLedger
from wechat.settings import WechatSettings
from wechat.shared_ledger import ERROR, SharedLedger


class NotConfigured(ServiceError):
    status_code = 503


class PayloadTooLarge(ServiceError):
    status_code = 413


class WechatChannel:
    """The channel's state: settings, the bot bridge and the reply ledger (one per app)."""

    def __init__(self, settings: WechatSettings, bot: BotSettings | None = None,
                 bridge: BotBridge | None = None, redis_url: str | None = None) -> None:
        self.settings = settings
        bot = bot or BotSettings()
        # A message is remembered for as long as its timestamp is accepted, so no replay reaches the bot twice.
        ttl = max(settings.dedupe_ttl_seconds, 2 * settings.max_clock_skew_seconds + settings.reply_budget_seconds)
        self.ledger = ReplyLedger(ttl, settings.late_answer_ttl_seconds)
        self.shared = SharedLedger.connect(redis_url, ttl, settings.late_answer_ttl_seconds) if redis_url else None
        self.bridge = bridge or BotBridge(bot.url, max_reply_bytes=settings.max_reply_bytes,
                                          redis=self.shared.redis if self.shared else None,
                                          choices_ttl_seconds=settings.late_answer_ttl_seconds)
        self._seen: dict[str, tuple[str, float]] = {}
        self._ttl = ttl
        self._tasks: set[asyncio.Task] = set()
        self.crypto = (WeChatCrypto(settings.token, settings.encoding_aes_key, settings.app_id)
                       if settings.token and settings.encoding_aes_key and settings.app_id else None)

    async def bind(self, signature: str, timestamp: str, nonce: str, body: bytes) -> None:
        """Refuse a signed request whose parameters came before with another body (a replay, 403)."""
        signed, digest = f"{timestamp}:{nonce}:{signature}", hashlib.sha256(body).hexdigest()
        if self.shared is not None:
            fresh = await self.shared.bind(signed, digest)
        else:
            now = time.monotonic()
            if len(self._seen) > 10000:
                self._seen = {k: v for k, v in self._seen.items() if v[1] > now - self._ttl}
            seen, _ = self._seen.setdefault(signed, (digest, now))
            fresh = seen == digest
        if not fresh:
            raise Forbidden("该签名已用于另一条消息（重放）",
                            "this signature already came with another message (replay)")

    def verify(self, signature: str, timestamp: str, nonce: str) -> None:
        if not self.settings.token:
            raise NotConfigured("微信公众号通道未配置（WECHAT_TOKEN）",
                                "the WeChat channel is not configured (WECHAT_TOKEN)")
        try:
            stamp = int(timestamp)
        except ValueError:
            raise Forbidden("时间戳无效", "invalid timestamp") from None
        if abs(time.time() - stamp) > self.settings.max_clock_skew_seconds:
            raise Forbidden("请求已过期（时间戳超出允许范围）", "stale timestamp")
        try:
            check_signature(self.settings.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            raise Forbidden("签名校验失败", "bad signature") from None

    async def answer(self, key: str, user: str, text: str) -> str:
        """The bot's answer to one message, sent to the bot once however often WeChat retries it."""
        if self.shared is not None:
            return await self.answer_shared(key, user, text)
        entry = self.ledger.get(key)
        if entry is None:
            entry = self.ledger.add(key, user, asyncio.create_task(self.bridge.ask(SENDER_PREFIX + user, text)))
        try:
            answer = await asyncio.wait_for(asyncio.shield(entry.task), self.settings.reply_budget_seconds)
        except TimeoutError:
            self.ledger.keep_when_done(key)
            return self.settings.holding_reply
        except BotUnavailable:
            return self.settings.unavailable_reply
        self.ledger.delivered(key)
        late = self.ledger.take_late(user)
        return self.bridge.truncate("\n——\n".join([*late, answer]))

    async def answer_shared(self, key: str, user: str, text: str) -> str:
        """As ``answer``, with the ledger in Redis: whichever worker WeChat's retry reaches finds the answer."""
        ledger = self.shared
        if await ledger.claim(key):
            task = asyncio.create_task(self._ask_and_store(key, user, text))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        answer = await ledger.wait(key, self.settings.reply_budget_seconds)
        if answer is None:
            answer = await ledger.hold(key, user)
            if answer is None:
                return self.settings.holding_reply
        if answer == ERROR:
            return self.settings.unavailable_reply
        await ledger.deliver(key)
        late = await ledger.take_late(user)
        return self.bridge.truncate("\n——\n".join([*late, answer]))

    async def _ask_and_store(self, key: str, user: str, text: str) -> None:
        try:
            answer = await self.bridge.ask(SENDER_PREFIX + user, text)
        except BotUnavailable:
            answer = None
        await self.shared.answered(key, user, answer)

    async def reply_to(self, message) -> str:
        if message.type == "text":
            key = str(message.id) if message.id else f"{message.source}:{message.time}"
            return await self.answer(key, message.source, message.content)
        if message.type == "event" and message.event == "subscribe":
            return self.settings.welcome_reply
        return self.settings.unsupported_reply


router = APIRouter(prefix="/wechat", tags=["wechat"])


def get_channel(request: Request) -> WechatChannel:
    return request.app.state.wechat


ChannelDep = Annotated[WechatChannel, Depends(get_channel)]


@router.get("", response_class=PlainTextResponse)
def verify_url(channel: ChannelDep, signature: str = Query(default=""), timestamp: str = Query(default=""),
               nonce: str = Query(default=""), echostr: str = Query(...)) -> str:
    """服务器配置 URL verification: echo ``echostr`` when the signature is WeChat's."""
    channel.verify(signature, timestamp, nonce)
    return echostr


@router.post("")
async def receive(request: Request, channel: ChannelDep, signature: str = Query(default=""),
                  timestamp: str = Query(default=""), nonce: str = Query(default=""),
                  encrypt_type: str = Query(default="raw"),
                  msg_signature: str | None = Query(default=None)) -> Response:
    channel.verify(signature, timestamp, nonce)
    body = await request.body()
    if len(body) > channel.settings.max_body_bytes:
        raise PayloadTooLarge("消息过大", "message body too large")
    encrypted = encrypt_type == "aes"
    if channel.crypto is not None and not encrypted:
        raise Forbidden("安全模式下只接受加密消息", "in AES mode only encrypted messages are accepted")
    await channel.bind(signature, timestamp, nonce, body)
    if encrypted:
        if channel.crypto is None:
            raise NotConfigured("安全模式未配置（WECHAT_ENCODING_AES_KEY, WECHAT_APP_ID）",
                                "AES mode is not configured (WECHAT_ENCODING_AES_KEY, WECHAT_APP_ID)")
        try:
            body = channel.crypto.decrypt_message(body, msg_signature, timestamp, nonce)
        except (InvalidSignatureException, InvalidAppIdException):
            raise Forbidden("消息签名或 AppID 校验失败", "bad message signature or AppID") from None
        except Exception:  # signed by the right token but undecryptable: a broken sender, not an attacker
            raise BadRequest("加密消息无法解密", "encrypted message could not be decrypted") from None
    try:
        message = parse_message(body)
    except Exception:  # wechatpy raises assorted errors on malformed XML
        message = None
    if message is None:
        raise BadRequest("消息格式无效", "malformed WeChat message")
    xml = TextReply(message=message, content=await channel.reply_to(message)).render()
    if encrypted:
        xml = channel.crypto.encrypt_message(xml, nonce, timestamp)
    return Response(xml, media_type="application/xml")
