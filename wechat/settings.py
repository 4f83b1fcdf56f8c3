"""WeChat channel settings, from the environment (prefix ``WECHAT_``) or ``.env``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from core.settings import Settings


class WechatSettings(Settings):
    """The 公众号's credentials and the channel's limits; the bot's URL is ``core.settings.BotSettings``."""

    model_config = SettingsConfigDict(env_prefix="WECHAT_")

    # From the 公众号 admin console (基本配置 → 服务器配置); without a token the channel is off.
    token: str | None = None
    app_id: str | None = None
    encoding_aes_key: str | None = None  # 43 characters; needed for 安全模式 (AES) messages
    # WeChat waits 5 s for a passive reply, then retries; answer (or hold) well inside that.
    reply_budget_seconds: float = 4.5
    max_clock_skew_seconds: int = 300
    dedupe_ttl_seconds: int = 120
    late_answer_ttl_seconds: int = 3600  # an answer that missed the 5 s waits this long for the user's next message
    max_body_bytes: int = 65536
    max_reply_bytes: int = 2000  # WeChat truncates passive text replies beyond 2048 bytes
    holding_reply: str = "正在为您查询，请稍后回复任意文字查看结果。"
    unavailable_reply: str = "抱歉，智能助手暂时无法应答，请稍后再试，或拨打12345热线。"
    welcome_reply: str = "您好！我是青山区政务服务小助手，可以问我办事要带什么材料、去哪办，也可以预审材料或反映问题。"
    unsupported_reply: str = "目前只能处理文字消息，请用文字描述您的问题。"
