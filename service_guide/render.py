"""Citizen-facing wording of guide answers and pre-check verdicts, written once for every channel.

The bot, the web chat and WeChat all show these texts, so an answer reads the same
everywhere and always comes from the catalogue (nothing is invented).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from service_guide.catalogue import Catalogue, ChecklistEntry
from service_guide.precheck import Verdict
from service_guide.schema import Material, MaterialForm, ServiceItem
from service_guide.search import Decision


class Aspect(StrEnum):
    MATERIALS = "materials"
    CONDITIONS = "conditions"
    TIME_LIMIT = "time_limit"
    FEE = "fee"
    PLACE = "place"
    ONLINE = "online"
    ALL = "all"


def material_line(material: Material, items: tuple[str, ...] = (), catalogue: Catalogue | None = None) -> str:
    parts = [material.name]
    if material.form != MaterialForm.UNKNOWN:
        parts.append(f"（{material.form.value}{f'{material.copies}份' if material.copies > 1 else ''}）")
    flags = []
    if not material.required:
        flags.append("非必需")
    if material.rongque:
        flags.append("可容缺后补")
    if material.chengnuo:
        flags.append("可告知承诺")
    if flags:
        parts.append(f"【{'、'.join(flags)}】")
    if material.note:
        parts.append(f"——{material.note}")
    if catalogue is not None and len(items) > 1:
        parts.append(f"（{'、'.join(catalogue.items[c].name for c in items)}共用，只需提交一次）")
    return "".join(parts)


def _time_limit(item: ServiceItem) -> str:
    limit = item.time_limit
    if limit.instant:
        legal = f"（法定时限{limit.legal_days}个{limit.unit}）" if limit.legal_days else ""
        return "即办件，材料齐全当场办结" + legal
    parts = []
    if limit.promised_days is not None:
        parts.append(f"承诺{limit.promised_days}个{limit.unit}内办结")
    if limit.legal_days is not None:
        parts.append(f"法定时限{limit.legal_days}个{limit.unit}")
    return "，".join(parts) or "办理时限：指南未注明，请咨询办理窗口"


def _place(item: ServiceItem) -> str:
    if item.place is None:
        return "无线下办理窗口，请在网上办理"
    place = item.place
    text = place.hall + (f" {place.window}" if place.window else "")
    if place.address and place.address != place.hall:
        text += f"，地址：{place.address}"
    if place.hours:
        text += f"，办公时间：{place.hours}"
    if place.phone:
        text += f"，咨询电话：{place.phone}"
    return text


def _online(item: ServiceItem) -> str:
    online = item.online
    if not online.available:
        return "暂不支持网上办理，需到窗口办理"
    text = f"支持网上办理（{online.level}）" if online.level else "支持网上办理"
    if online.url:
        text += f"：{online.url}"
    if online.note:
        text += f"。{online.note}"
    if item.visits is not None:
        text += f"。最多跑{item.visits}次" if item.visits else "。全程网办，一次也不用跑"
    return text


def item_answer(item: ServiceItem, aspect: Aspect = Aspect.ALL) -> str:
    """The answer to one question about an item; materials are always the whole checklist."""
    sections = {
        Aspect.MATERIALS: lambda: "申请材料（一次性告知）：\n" + "\n".join(
            f"{i}. {material_line(m)}" for i, m in enumerate(item.materials, 1)) if item.materials
            else "申请材料：指南未列出，请咨询办理窗口",
        Aspect.CONDITIONS: lambda: "办理条件：" + ("；".join(item.conditions) if item.conditions else "指南未列出"),
        Aspect.TIME_LIMIT: lambda: "办理时限：" + _time_limit(item),
        Aspect.FEE: lambda: "收费标准：" + (item.fee or "指南未提供收费信息，请向办理窗口确认"),
        Aspect.PLACE: lambda: "办理地点：" + _place(item),
        Aspect.ONLINE: lambda: "网上办理：" + _online(item),
    }
    header = f"【{item.name}】（{item.department}，{item.item_type}{'，可跨省通办' if item.cross_province else ''}）"
    chosen = list(sections) if aspect == Aspect.ALL else [aspect]
    return "\n".join([header, *(sections[a]() for a in chosen)])


def bundle_answer(catalogue: Catalogue, code: str) -> str:
    bundle = catalogue.bundles[code]
    checklist = catalogue.checklist(bundle.items)
    lines = [f"【{bundle.name}】{bundle.description}",
             "包含事项：" + "、".join(catalogue.items[c].name for c in bundle.items),
             "申请材料（一次性告知，共用材料只交一次）："]
    lines += [f"{i}. {material_line(e.material, e.items, catalogue)}" for i, e in enumerate(checklist, 1)]
    return "\n".join(lines)


def _entries(title: str, entries: list[ChecklistEntry]) -> list[str]:
    return [f"{title}：", *(f"  · {e.material.name}" + (f"——{e.material.note}" if e.material.note else "")
                            for e in entries)] if entries else []


def verdict_text(catalogue: Catalogue, verdict: Verdict) -> str:
    names = "、".join(catalogue.items[c].name for c in verdict.item_codes)
    lines = [f"【预审结果：{names}】"]
    lines += _entries("✅ 已齐全", verdict.complete)
    lines += _entries("❌ 缺少（必须提交）", verdict.missing)
    lines += _entries("🕒 可容缺受理（先受理，限期补交）", verdict.rongque)
    lines += _entries("✍️ 可告知承诺（现场签署承诺书代替）", verdict.chengnuo)
    lines += _entries("📝 窗口提供、现场填写", verdict.on_site)
    lines += _entries("ℹ️ 视情况提供", verdict.optional_missing)
    if verdict.accept_today:
        lines.append("结论：今天带齐已有材料即可受理，最多跑一次。")
    else:
        lines.append("结论：还缺必须提交的材料，请备齐后再来，以免白跑。")
    return "\n".join(lines)


def consult_answer(catalogue: Catalogue, decision: Decision) -> dict[str, Any] | None:
    """What an operator reads out for a 咨询 work order: the best-matching guide's materials, time limit and place.

    None when the question is not about the catalogue; the other candidates are listed so that the operator
    can switch when the first is not what the caller means.
    """
    if decision.decision == "not_found" or not decision.matches:
        return None
    best = decision.matches[0]
    item = catalogue.item(best.code)
    answer: dict[str, Any] = {"code": best.code, "name": best.name, "decision": decision.decision,
                              "confidence": decision.confidence,
                              "others": [{"code": m.code, "name": m.name} for m in decision.matches[1:]]}
    if item is None:  # a bundle (一件事): its merged checklist
        answer.update(department=None, materials=[material_line(e.material, e.items, catalogue)
                                                  for e in catalogue.checklist(catalogue.bundles[best.code].items)],
                      time_limit=None, place=None)
        return answer
    answer.update(department=item.department, materials=[material_line(m) for m in item.materials],
                  time_limit=_time_limit(item), place=_place(item))
    return answer
