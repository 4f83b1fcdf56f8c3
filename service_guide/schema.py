"""The service-guide (办事指南) data model: one validated shape for hand-written and imported items."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemType(StrEnum):
    LICENSING = "行政许可"
    PUBLIC_SERVICE = "公共服务"
    CONFIRMATION = "行政确认"
    PAYMENT = "行政给付"
    REWARD = "行政奖励"
    RULING = "行政裁决"
    OTHER = "其他行政权力"


class MaterialForm(StrEnum):
    ORIGINAL = "原件"
    COPY = "复印件"
    ORIGINAL_AND_COPY = "原件和复印件"
    FORM = "申请表"
    ELECTRONIC = "电子证照"
    UNKNOWN = "未注明"


class Material(Strict):
    """One required (or optional) document of an item.

    ``id`` is shared across items: a bundle asks for a material once even when several
    of its items need it.
    """

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    form: MaterialForm = MaterialForm.UNKNOWN
    copies: int = Field(default=1, ge=0)
    required: bool = True
    rongque: bool = Field(default=False, description="容缺受理：可先受理、限期补交")
    chengnuo: bool = Field(default=False, description="告知承诺制：可签署承诺书代替")
    note: str | None = None

    @model_validator(mode="after")
    def _optional_needs_no_substitute(self) -> Material:
        if not self.required and (self.rongque or self.chengnuo):
            raise ValueError("非必需材料无需容缺或承诺 (an optional material needs no rongque/chengnuo)")
        return self


class TimeLimit(Strict):
    legal_days: int | None = Field(default=None, ge=0, description="法定时限（工作日）")
    promised_days: int | None = Field(default=None, ge=0, description="承诺时限（工作日）；0 为即办")
    unit: str = "工作日"

    @model_validator(mode="after")
    def _promise_within_law(self) -> TimeLimit:
        if self.legal_days is not None and self.promised_days is not None and self.promised_days > self.legal_days:
            raise ValueError("承诺时限不能长于法定时限 (promised time exceeds the legal limit)")
        return self

    @property
    def instant(self) -> bool:
        """即办件: handled on the spot."""
        return self.promised_days == 0


class Place(Strict):
    hall: str
    window: str | None = None
    address: str | None = None
    hours: str | None = None
    phone: str | None = None


class Online(Strict):
    available: bool = False
    level: str | None = Field(default=None, description="全程网办 / 网上预审 / 网上预约")
    url: str | None = None
    note: str | None = None


class ServiceItem(Strict):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    department: str = Field(min_length=1)
    item_type: ItemType | str
    conditions: tuple[str, ...] = ()
    service_objects: tuple[str, ...] = Field(default=(), description="服务对象（自然人、企业法人…）")
    themes: tuple[str, ...] = Field(default=(), description="主题分类（交通出行、文化体育…）")
    catalogue_name: str | None = Field(default=None, description="上级目录名（实施清单的母项）")
    materials: tuple[Material, ...] = ()
    time_limit: TimeLimit = TimeLimit()
    fee: str | None = Field(default=None, description="收费；None 表示来源未提供")
    place: Place | None = None
    online: Online = Online()
    visits: int | None = Field(default=None, ge=0, description="最多到现场次数")
    cross_province: bool = Field(default=False, description="跨省通办")
    produces: tuple[str, ...] = Field(default=(), description="办结后产出的证照（材料 id），一件事中不再向市民索要")
    source: str = "本区办事指南"

    @field_validator("materials")
    @classmethod
    def _unique_material_ids(cls, materials: tuple[Material, ...]) -> tuple[Material, ...]:
        seen: set[str] = set()
        for m in materials:
            if m.id in seen:
                raise ValueError(f"材料 {m.id} 重复 (duplicate material id)")
            seen.add(m.id)
        return materials

    @property
    def instant(self) -> bool:
        return self.time_limit.instant


class Bundle(Strict):
    """「一件事」: several items a citizen applies for together, with one set of materials."""

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    description: str = ""
    items: tuple[str, ...] = Field(min_length=2)
