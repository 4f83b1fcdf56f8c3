"""Request and response bodies of the router API."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from core.schemas import MAX_ID, InputModel, Timestamp
from zhtext.privacy import mask_personal_data

#: Free text as answered: personal numbers masked, also in rows stored before masking covered every form.
Masked = Annotated[str, AfterValidator(mask_personal_data)]


class Channel(StrEnum):
    PHONE = "电话"
    WEB = "网页"
    WECHAT = "微信"
    APP = "12345app"


class TicketType(StrEnum):
    CONSULT = "咨询"
    HELP = "求助"
    COMPLAINT = "投诉"
    REPORT = "举报"
    SUGGESTION = "建议"


class Urgency(StrEnum):
    NORMAL = "普通"
    URGENT = "紧急"


class Rating(StrEnum):
    SATISFIED = "满意"
    BASICALLY = "基本满意"
    UNSATISFIED = "不满意"


class TicketIn(InputModel):
    text: str = Field(min_length=1, description="来电/留言内容")
    channel: Channel
    title: str | None = Field(default=None, max_length=200)
    place: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=100, description="受保护的联系方式，仅派单后可见")
    external_no: str | None = Field(default=None, min_length=1, max_length=64, description="外部工单编号（幂等键）")
    ticket_type: TicketType | None = None
    urgency: Urgency = Urgency.NORMAL


class DispatchIn(InputModel):
    department: str = Field(min_length=1, max_length=32)
    category: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, max_length=500)


class ReasonIn(InputModel):
    reason: str = Field(min_length=1, max_length=500)


class ReturnIn(ReasonIn):
    suggested_department: str | None = Field(default=None, max_length=32)


class ReplyIn(InputModel):
    reply: str = Field(min_length=1, max_length=5000)


class ReplyReviewIn(InputModel):
    """An operator's decision on a held reply: release it to the citizen, or send it back with a reason."""

    decision: Literal["release", "return"]
    reason: str | None = Field(default=None, max_length=500)


class TriageIn(InputModel):
    urgency: Urgency | None = None
    ticket_type: TicketType | None = None


class RatingIn(InputModel):
    feedback_code: str = Field(min_length=1, max_length=16)
    rating: Rating
    comment: str | None = Field(default=None, max_length=1000)


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    action: str
    from_status: str | None
    to_status: str
    actor: str
    role: str
    department: str | None
    reason: Masked | None
    at: Timestamp


class SubcategoryOut(BaseModel):
    """A rule-based level 2–3 candidate under the order's category, with the words that matched."""

    model_config = ConfigDict(from_attributes=True)
    level2: str
    level3: str
    score: float
    evidence: list[str]
    method: str


class TicketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    external_no: str | None
    channel: str
    title: Masked | None
    text: Masked
    place: Masked | None
    ticket_type: str
    type_confidence: float | None
    type_confirmed: bool
    urgency: str
    status: str
    category: str | None
    category_confidence: float | None
    subcategories: list[SubcategoryOut] = []
    model_version: str | None
    suggestions: list[dict[str, Any]]
    suggested_department: str | None
    department: str | None
    auto_dispatched: bool
    received_at: Timestamp
    response_due: Timestamp
    completion_due: Timestamp
    responded_at: Timestamp | None
    replied_at: Timestamp | None
    closed_at: Timestamp | None
    reply: Masked | None
    reply_held: bool = False
    reply_check: dict[str, Any] | None = None
    rating: str | None
    return_count: int
    reopen_count: int
    overdue: bool = False
    guide: dict[str, Any] | None = None  # 咨询: the best-matching guide's answer, to settle it on the call
    contact: str | None = None


class TicketCreated(TicketOut):
    feedback_code: str


class LookupIn(InputModel):
    """A citizen looks an order up with the 查询码 given when it was filed (and, optionally, its number)."""

    code: str = Field(pattern="^[0-9a-fA-F]{16}$", description="查询码 / query code (16 hex characters)")
    ticket_no: int | None = Field(default=None, ge=1, le=MAX_ID, description="工单编号 / ticket number")
    conversation_id: str | None = Field(default=None, min_length=1, max_length=128,
                                        description="the bot's conversation it looks up for (bot token only): "
                                                    "throttled per conversation, not per the bot's one address")


class LookupOut(BaseModel):
    """What anyone holding the 查询码 may see: no title, text, place or contact."""

    ticket_no: int
    status: str
    status_label: str
    department: str | None
    received_at: Timestamp
    completion_due: Timestamp
    overdue: bool
    reply: Masked | None
    rated: bool
