"""/api/catalogue: the service guide (办事指南), item lookup and 自助预审 — public, read-only.

Service guides are public information, so these endpoints need no token; the bot, the web
chat and the consoles all read this one source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from core.errors import NotFound
from core.schemas import InputModel
from service_guide.catalogue import Catalogue
from service_guide.loader import load_catalogue
from service_guide.precheck import Verdict, precheck
from service_guide.render import Aspect, bundle_answer, consult_answer, item_answer, verdict_text
from service_guide.search import CatalogueSearch, build_search
from service_guide.settings import GuideSettings

router = APIRouter(prefix="/api/catalogue", tags=["catalogue"])


@dataclass
class Guide:
    """The catalogue and its search, loaded once at start-up."""

    catalogue: Catalogue
    search: CatalogueSearch

    @classmethod
    def build(cls, settings: GuideSettings) -> Guide:
        """Load and validate the catalogue: a broken entry stops start-up, naming the item and the field.

        The search uses the learned vocabulary and the ranker trained on this catalogue when `make train` has built
        them, else the catalogue's own words in the blend's order.
        """
        catalogue = load_catalogue(settings.catalogue_file)
        return cls(catalogue=catalogue, search=build_search(catalogue, settings.catalogue_vocabulary,
                                                            ranker=settings.ranker_file))

    def consult(self, text: str) -> dict[str, Any] | None:
        """The best-matching guide's answer to a question (materials, time limit, place), or None if none covers it."""
        return consult_answer(self.catalogue, self.search.decide(text))


async def get_guide(request: Request) -> Guide:
    return request.app.state.guide


GuideDep = Annotated[Guide, Depends(get_guide)]


class MatchOut(BaseModel):
    code: str
    name: str
    kind: str
    department: str | None
    score: float
    matched: str = Field(description="最贴近的事项名称或别名")
    fields: list[str] = Field(description="问题命中的指南字段：name, aliases, materials, conditions, …")
    same_name: list[str] = Field(description="同名事项（其他实施机关或情形）的编码")


class OptionOut(BaseModel):
    label: str = Field(description="按钮文字：兄弟事项的区别词，或事项名称")
    code: str
    name: str


class SearchOut(BaseModel):
    """See docs/catalogue_search.md: ``decision`` says what to do with ``matches``."""

    query: str
    decision: Literal["answer", "siblings", "clarify", "not_found"]
    confidence: float = Field(description="第一个事项正是所问事项的概率")
    out_of_catalogue: float = Field(0.0, description="目录里没有所问事项的概率（not_found 的依据）")
    ambiguous: bool = Field(description="decision 为 siblings 或 clarify 时为 true：把 matches 作为选项反问")
    question: str | None = Field(description="反问的话（siblings / clarify）")
    options: list[OptionOut]
    matches: list[MatchOut]


class PrecheckIn(InputModel):
    code: str = Field(min_length=1, max_length=64, description="事项或一件事编码")
    have: list[str] = Field(default_factory=list, max_length=100, description="已有材料 id")
    text: str = Field(default="", max_length=2000, description="市民描述已有材料的原话")


def _unknown(code: str) -> NotFound:
    return NotFound(f"没有编码为 {code} 的事项或一件事", f"no item or bundle with code {code}")


@router.get("/items", response_model=SearchOut)
def search_items(ctx: GuideDep, q: str = Query(min_length=1, max_length=200, description="市民的说法，如“小孩上户口”"),
                 k: int = Query(3, ge=1, le=10)) -> SearchOut:
    """Find the item the question means: answer it, ask between siblings, offer candidates, or say it is not ours."""
    decision = ctx.search.decide(q, k)
    out = []
    for match in decision.matches:
        item = ctx.catalogue.item(match.code)
        out.append(MatchOut(code=match.code, name=match.name, kind="item" if item else "bundle",
                            department=item.department if item else None, score=match.score, matched=match.matched,
                            fields=list(match.fields), same_name=list(match.same_name)))
    options = [OptionOut(label=o.label, code=o.code, name=o.name) for o in decision.options]
    return SearchOut(query=q, decision=decision.decision, confidence=decision.confidence,
                     out_of_catalogue=decision.out_of_catalogue, ambiguous=decision.ambiguous,
                     question=decision.question, options=options, matches=out)


@router.get("/items/{code}")
def read_item(code: str, ctx: GuideDep, aspect: Aspect = Aspect.ALL) -> dict[str, Any]:
    """An item (or bundle) with its full record and the citizen-facing answer for ``aspect``."""
    item = ctx.catalogue.item(code)
    if item is not None:
        return {"kind": "item", "item": item.model_dump(mode="json"), "text": item_answer(item, aspect)}
    bundle = ctx.catalogue.bundle(code)
    if bundle is None:
        raise _unknown(code)
    checklist = [{"material": e.material.model_dump(mode="json"), "items": list(e.items)}
                 for e in ctx.catalogue.checklist(bundle.items)]
    return {"kind": "bundle", "bundle": bundle.model_dump(mode="json"), "checklist": checklist,
            "text": bundle_answer(ctx.catalogue, code)}


def _verdict_out(ctx: Guide, verdict: Verdict) -> dict[str, Any]:
    def names(entries: list) -> list[dict[str, str]]:
        return [{"id": e.material.id, "name": e.material.name} for e in entries]

    return {
        "items": list(verdict.item_codes),
        "complete": names(verdict.complete),
        "missing": names(verdict.missing),
        "rongque": names(verdict.rongque),
        "chengnuo": names(verdict.chengnuo),
        "on_site": names(verdict.on_site),
        "optional_missing": names(verdict.optional_missing),
        "accept_today": verdict.accept_today,
        "text": verdict_text(ctx.catalogue, verdict),
    }


@router.post("/precheck")
def run_precheck(body: PrecheckIn, ctx: GuideDep) -> dict[str, Any]:
    """自助预审: which materials are complete, missing, 容缺 or 承诺, and whether it can be accepted today."""
    try:
        verdict = precheck(ctx.catalogue, body.code, had=body.have, text=body.text)
    except KeyError:
        raise _unknown(body.code) from None
    return _verdict_out(ctx, verdict)
