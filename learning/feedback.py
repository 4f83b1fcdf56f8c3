"""The feedback store: corrections become reviewed training examples.

Every operator override, 退单 naming the right department, and trainer correction is a
LabelCandidate with its provenance. A department correction teaches both models: the
category its bureau implies (the category model) and the unit itself (the dispatch model) —
a unit key as the learned source writes it, or the unit a routing-table code stands for.
Trainers review the most instructive first — where the model was least sure, and where the
correction disagrees with it — and approved ones are exported in the training-file format for
the next retrain.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifier.dataset import Example
from core.auth import User
from core.db import utcnow
from core.errors import BadRequest, Conflict, NotFound, Unprocessable
from learning.orm import LabelCandidate
from routing.departments.units import Unit
from routing.table import RoutingTable
from routing.tickets import Correction
from zhtext.clean import clean_text
from zhtext.privacy import mask_personal_data

TRAINING_COLUMNS = ["留言编号", "留言主题", "留言详情", "一级标签"]


@dataclass
class ReviewItem:
    candidate: LabelCandidate
    category: str | None
    model_category: str | None
    priority: float


def record(session: Session, correction: Correction) -> None:
    """Keep a correction made in routing as a pending candidate, in the same transaction as the correction."""
    session.add(LabelCandidate(**asdict(correction)))


def training_label(candidate: LabelCandidate, table: RoutingTable) -> str | None:
    """The first-level category a candidate teaches: given directly, or implied by a bureau."""
    if candidate.field == "category":
        return candidate.new_value
    return table.category_for_department(candidate.new_value)


def training_unit(candidate: LabelCandidate, table_units: dict[str, Unit]) -> Unit | None:
    """The handling unit a department correction teaches, if it names a complete one."""
    if candidate.field != "department":
        return None
    unit = table_units.get(candidate.new_value) or Unit.parse(candidate.new_value)
    return unit if unit is not None and unit.complete else None


def approved_unit_examples(session: Session, table_units: dict[str, Unit]) -> list[tuple[str, Unit]]:
    """Approved department corrections as (text, unit) examples for the dispatch model, each pair once."""
    examples: dict[tuple[str, str], tuple[str, Unit]] = {}
    approved = select(LabelCandidate).where(LabelCandidate.status == "approved").order_by(LabelCandidate.id)
    for candidate in session.scalars(approved):
        unit = training_unit(candidate, table_units)
        if unit is not None:
            examples.setdefault((candidate.text, unit.key), (candidate.text, unit))
    return list(examples.values())


def review_queue(session: Session, table: RoutingTable, limit: int = 50) -> list[ReviewItem]:
    """Pending candidates, most instructive first: disagreement with the model, then low confidence."""
    items = []
    for candidate in session.scalars(select(LabelCandidate).where(LabelCandidate.status == "pending")):
        category = training_label(candidate, table)
        model_category = candidate.model_category
        disagrees = category is not None and category != model_category
        uncertainty = 1.0 - (candidate.model_confidence if candidate.model_confidence is not None else 0.5)
        items.append(ReviewItem(candidate, category, model_category, round(float(disagrees) + uncertainty, 4)))
    items.sort(key=lambda item: (-item.priority, item.candidate.id))
    return items[:limit]


def review(session: Session, candidate_id: int, approve: bool, user: User, label: str | None = None,
           known_labels: set[str] | None = None) -> LabelCandidate:
    """Approve or reject a pending candidate; an approved category must be one of ``known_labels`` (422).

    An override may carry any category text an operator typed; approved as it is, a junk label
    would become a class of its own and block every later promotion, so it is refused here.
    """
    candidate = session.get(LabelCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"候选标注 {candidate_id} 不存在", f"candidate {candidate_id} not found")
    if candidate.status != "pending":
        raise Conflict(f"候选标注已审核（{candidate.status}）", f"candidate already reviewed ({candidate.status})")
    if label is not None:
        _check_label(label, known_labels)
        candidate.field, candidate.new_value = "category", label
    elif approve and candidate.field == "category" and known_labels is not None \
            and candidate.new_value not in known_labels:
        raise Unprocessable(f"类别「{candidate.new_value}」不在分类体系中，请指定正确的类别（label）再批准",
                            f"category {candidate.new_value!r} is not in the taxonomy: approve with a known label")
    candidate.status = "approved" if approve else "rejected"
    candidate.reviewed_by = user.name
    candidate.reviewed_at = utcnow()
    session.commit()
    return candidate


def withdraw(session: Session, candidate_id: int, user: User) -> LabelCandidate:
    """Take back a decision: the candidate is pending again (out of the training data until re-approved)."""
    candidate = session.get(LabelCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"候选标注 {candidate_id} 不存在", f"candidate {candidate_id} not found")
    if candidate.status not in ("approved", "rejected"):
        raise Conflict(f"候选标注尚未审核（{candidate.status}），无可撤回",
                       f"candidate has no decision to withdraw ({candidate.status})")
    candidate.status = "pending"
    candidate.reviewed_by = user.name
    candidate.reviewed_at = utcnow()
    session.commit()
    return candidate


def _check_label(label: str, known_labels: set[str] | None) -> None:
    if known_labels is not None and label not in known_labels:
        raise Unprocessable(f"未知的类别 {label}", f"unknown category {label}")


def add_correction(session: Session, text: str, label: str, user: User, known_labels: set[str]) -> LabelCandidate:
    """A trainer's own labelled example: approved as it is written."""
    cleaned = clean_text(text)
    if not cleaned:
        raise BadRequest("文本为空", "text is empty")
    _check_label(label, known_labels)
    candidate = LabelCandidate(text=cleaned, field="category", new_value=label, source="trainer", actor=user.name,
                               status="approved", reviewed_by=user.name, reviewed_at=utcnow())
    session.add(candidate)
    session.commit()
    return candidate


def approved_examples(session: Session, table: RoutingTable) -> list[Example]:
    """Approved candidates that teach a first-level category, as training examples.

    One override can yield two candidates (department and category) with the same lesson;
    each (text, label) pair is kept once. Only categories of the taxonomy are taught.
    """
    examples: dict[tuple[str, str], Example] = {}
    approved = select(LabelCandidate).where(LabelCandidate.status == "approved").order_by(LabelCandidate.id)
    for candidate in session.scalars(approved):
        label = training_label(candidate, table)
        if label in table.categories:  # an approval from before labels were checked teaches nothing unknown
            example = Example(id=f"FB{candidate.id}", text=candidate.text, label=label)
            examples.setdefault((candidate.text, label), example)
    return list(examples.values())


#: What a spreadsheet reads as the start of a formula (a citizen's text may begin with any of them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def export_csv(examples: list[Example]) -> str:
    """Approved examples in the training-file format (the body holds the text), safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TRAINING_COLUMNS)
    for example in examples:
        writer.writerow([spreadsheet_safe(cell)
                         for cell in (example.id, "", mask_personal_data(example.text), example.label)])
    return buffer.getvalue()
