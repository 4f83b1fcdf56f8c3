"""自助预审: compare what a citizen says they have with an item's (or bundle's) checklist.

The verdict tells everything at once (一次性告知): what is complete, what is missing, what
may be supplied later (容缺受理), what a signed commitment can replace (告知承诺制), and
whether the application can be accepted today. Application forms (申请表) are handed out
and filled in at the window, so a citizen without one is told so but not turned away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from service_guide.catalogue import Catalogue, ChecklistEntry
from service_guide.schema import Material, MaterialForm

#: Clause separators in "身份证、户口本和结婚证都有，房产证还没下来".
_CLAUSES = re.compile(r"[，,。.；;！!？?\n]|还有|但是|但|不过|可是")
#: A clause with one of these says the citizen does NOT have what it names.
_NEGATION = re.compile(r"没有|没带|没办|没拿|没下来|还没|缺|丢了|丢失|遗失|找不到|不在|无")
#: "只有一张" said of a material the guide wants several copies of: not enough of it.
_ONLY = re.compile(r"只有([一二两三四五1-5])(张|份|个|本|页)")
_COUNT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
#: "都有/齐了/全部带了" for the whole checklist.
_ALL_PRESENT = re.compile(r"^(材料)?(都|全都|全部|全)(有|带了|齐了?|准备好了)|^(材料)?齐全?了?$|^全齐了?$")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace(" ", "")


@dataclass(frozen=True)
class Mention:
    material_id: str
    present: bool
    said: str


@dataclass
class Verdict:
    item_codes: tuple[str, ...]
    complete: list[ChecklistEntry] = field(default_factory=list)
    missing: list[ChecklistEntry] = field(default_factory=list)
    rongque: list[ChecklistEntry] = field(default_factory=list)
    chengnuo: list[ChecklistEntry] = field(default_factory=list)
    optional_missing: list[ChecklistEntry] = field(default_factory=list)
    on_site: list[ChecklistEntry] = field(default_factory=list)

    @property
    def accept_today(self) -> bool:
        """Accepted today when nothing required is missing without a 容缺 or 承诺 route."""
        return not self.missing


def _labels(material: Material) -> list[str]:
    labels = [material.name, *material.aliases]
    core = re.sub(r"（.*?）|\(.*?\)", "", material.name)
    for prefix in ("父母双方", "双方", "夫妻双方", "买卖双方", "家庭成员", "法定代表人", "本人", "原", "近期"):
        core = core.removeprefix(prefix)
    labels.append(core)
    return sorted({_norm(label) for label in labels if len(label) >= 2}, key=len, reverse=True)


def recognise(text: str, checklist: list[ChecklistEntry]) -> list[Mention]:
    """Materials named in free text, several per message, each marked had or not had.

    A clause naming 身份证 and containing 没有/丢了 marks it as not had, and so does "只有一张" of a
    material wanted in more copies; the longest label wins so that 身份证复印件 is not read as 身份证.
    """
    labelled = sorted(((label, entry.material.id) for entry in checklist for label in _labels(entry.material)),
                      key=lambda pair: len(pair[0]), reverse=True)
    mentions: dict[str, Mention] = {}
    for clause in (c for c in _CLAUSES.split(_norm(text)) if c):
        if _ALL_PRESENT.search(clause):
            for entry in checklist:
                mentions.setdefault(entry.material.id, Mention(entry.material.id, True, clause))
            continue
        remaining = clause
        found: list[tuple[int, str, str]] = []
        for label, material_id in labelled:
            position = remaining.find(label)
            if position >= 0 and material_id not in {m for _, m, _ in found}:
                found.append((position, material_id, label))
                remaining = remaining.replace(label, "\u0000" * len(label))
        negative = bool(_NEGATION.search(remaining))  # read beside the names: 无犯罪记录证明有了 is had
        only = _ONLY.search(clause)
        copies = {entry.material.id: entry.material.copies for entry in checklist}
        for _, material_id, _ in sorted(found):
            said_count = int(_COUNT.get(only.group(1), only.group(1))) if only else 0
            short = bool(only) and len(found) == 1 and said_count < copies[material_id]
            mentions[material_id] = Mention(material_id, not negative and not short, clause)
    return list(mentions.values())


def precheck(catalogue: Catalogue, code: str, had: list[str] | None = None, text: str = "") -> Verdict:
    """The verdict for an item or 一件事 bundle ``code``.

    ``had`` lists material ids the citizen has; ``text`` is what they typed (both may be given).
    """
    item_codes = catalogue.item_codes_of(code)
    if not item_codes:
        raise KeyError(code)
    checklist = catalogue.checklist(item_codes)
    present = set(had or [])
    for mention in recognise(text, checklist):
        if mention.present:
            present.add(mention.material_id)
        else:
            present.discard(mention.material_id)
    verdict = Verdict(item_codes=item_codes)
    for entry in checklist:
        material = entry.material
        if material.id in present:
            verdict.complete.append(entry)
        elif not material.required:
            verdict.optional_missing.append(entry)
        elif material.form == MaterialForm.FORM:
            verdict.on_site.append(entry)
        elif material.chengnuo:
            verdict.chengnuo.append(entry)
        elif material.rongque:
            verdict.rongque.append(entry)
        else:
            verdict.missing.append(entry)
    return verdict
