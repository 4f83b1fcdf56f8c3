"""Training the dispatch model from replied messages, plus corrections that name the right unit.

One path for the CLI, the retraining job and the replay experiment: messages whose reply names a
unit and approved corrections are the training examples; every text, labelled or not, teaches
the gazetteer. ``labels`` chooses which replies: ``all`` (handling units and, as weaker evidence,
referrals: 请向X咨询 names a unit that deals with such messages even if it did not answer this
one; on the validation slice they added more than their noise cost), ``handling`` (only the
units that handled the message: what evaluation scores) or ``strong`` (only the strong rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from core.errors import DataError
from routing.departments.data import RepliedMessage
from routing.departments.model import DispatchModel
from routing.departments.units import Unit

LABEL_CHOICES = ("all", "handling", "strong")


def fit_model(records: Sequence[RepliedMessage], params: dict | None = None, labels: str = "all",
              corrections: Sequence[tuple[str, Unit]] = ()) -> DispatchModel:
    """Train on the labelled ``records`` and the ``corrections`` (text, unit)."""
    chosen = training_records(records, labels)
    texts = [r.text for r in chosen] + [text for text, _ in corrections]
    units = [r.extraction.unit for r in chosen] + [unit for _, unit in corrections]
    if len({u.unit_type for u in units}) < 2:
        raise DataError("训练数据中能读出承办单位的答复太少（至少需要两种单位类型）",
                        "too few replies name a handling unit (need at least two unit types)")
    chosen_ids = {r.id for r in chosen}
    model = DispatchModel(**(params or {}))
    return model.fit(texts, units, replies=[r.reply for r in chosen] + [""] * len(corrections),
                     unlabelled=[r.text for r in records if r.id not in chosen_ids])


def training_records(records: Sequence[RepliedMessage], labels: str = "all") -> list[RepliedMessage]:
    """The records whose reply gives a training label of the kind ``labels`` chooses."""
    if labels not in LABEL_CHOICES:
        raise DataError(f"labels 须为 {'/'.join(LABEL_CHOICES)}", f"labels must be one of {', '.join(LABEL_CHOICES)}")
    keep = {"all": lambda e: True, "handling": lambda e: e.handling, "strong": lambda e: e.strong}[labels]
    return [r for r in records if r.extraction is not None and keep(r.extraction)]


def fingerprint(records: Sequence[RepliedMessage], corrections: Sequence[tuple[str, Unit]] = ()) -> str:
    """A stable hash of what a model learned from."""
    digest = hashlib.sha256()
    for r in records:
        digest.update(f"{r.id}\x1f{r.text}\x1f{r.extraction.unit.key if r.extraction else ''}\x1e".encode())
    for text, unit in corrections:
        digest.update(f"FB\x1f{text}\x1f{unit.key}\x1e".encode())
    return digest.hexdigest()[:16]
