"""Reply quality (答复质量): does an official reply answer the citizen, and would it satisfy them?

    python -m analytics.replies --data FILE [--hand FILE] [--rows] [--json]

For each reply, after the parts that answer nothing are taken out (greetings, receipts, thanks,
sign-off date; the title the reply quotes back):
- *relevance*: how much of the message's title the answer talks about (character pairs, so a
  paraphrase still counts), and whether it names the place the title names;
- *completeness*: what was done or found, or the rule that answers a question (half), by which
  named unit (a quarter; 相关部门 is no one), and when (a quarter; the signature date is not);
- *timeliness*: days from message to reply, full marks within ``good_days``, none after ``late_days``;
- *poor* (would not satisfy): the answer is empty boilerplate, only hands the matter on (已转…
  核查办复), or says nothing done and no rule (a promise to study it). Relevance does not set the
  flag: replies paraphrase (路灯不亮 → 照明设施维修), so a word-level measure cannot tell an answer that
  uses other words from one about something else; it is reported as a score.

Rules are regular expressions in ``analytics/config/replies.yml`` so an operator can read why a
reply was held. The CLI prints the figures over a file; with the file's 0/1 可解释性 column or a
hand-labelled file (留言编号, satisfies[, relevant, complete]) it prints the agreement too.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from statistics import mean, median

import jieba.analyse
import yaml

from analytics.dataset import Message, load_messages
from analytics.places import config_path
from core.errors import DataError, UserFacingError
from zhtext.segment import default_segmenter

_NAME_CHARS_RE = re.compile(r"[^\u4e00-\u9fa5A-Za-z0-9]+")
_QUOTED_RE = re.compile(r"[“\"《]([^”\"》]{4,80})[”\"》]")
_CLAUSE_RE = re.compile(r"[,，。;；!！?？]+")


@dataclass(frozen=True)
class ReplyRules:
    """The patterns and thresholds of ``analytics/config/replies.yml``."""

    boilerplate: list[str]
    non_answer: dict[str, str | list[str]]
    action: str | list[str]
    explanation: str | list[str]
    unit: str | list[str]
    when: str | list[str]
    place: str | list[str]
    request_words: list[str]
    scores: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | str | None = None) -> ReplyRules:
        return cls(**yaml.safe_load(Path(path or config_path("replies.yml")).read_text(encoding="utf-8")))

    @cached_property
    def compiled(self) -> dict[str, re.Pattern[str]]:
        names = ("action", "explanation", "unit", "when", "place")
        patterns = {name: re.compile(_any(getattr(self, name))) for name in names}
        patterns.update({f"non_answer:{reason}": re.compile(_any(p)) for reason, p in self.non_answer.items()})
        patterns["boilerplate"] = re.compile("|".join(f"(?:{p})" for p in self.boilerplate))
        patterns["request"] = re.compile("|".join(map(re.escape, sorted(self.request_words, key=len, reverse=True))))
        return patterns


def _any(pattern: str | list[str]) -> str:
    """A list of patterns matches where any of them does."""
    return pattern if isinstance(pattern, str) else "|".join(pattern)


@dataclass
class ReplyScore:
    """The scores of one reply and the reasons it is flagged poor (if it is)."""

    id: str
    relevance: float
    completeness: float
    timeliness: float
    quality: float
    days: float | None
    what: bool
    who: bool
    when: bool
    transferred: bool
    substance_chars: int
    poor: bool
    reasons: list[str]

    @property
    def satisfies(self) -> bool:
        return not self.poor


def substance(reply: str, title: str, rules: ReplyRules) -> str:
    """The reply without boilerplate and without the quoted-back title."""
    text = rules.compiled["boilerplate"].sub(" ", reply)
    title_pairs = _pairs(title)
    for quoted in _QUOTED_RE.findall(text):
        if title_pairs and len(_pairs(quoted) & title_pairs) >= 0.6 * len(_pairs(quoted)):
            text = text.replace(quoted, " ")
    return re.sub(r"\s+", " ", text).strip(" ,，。:：;；!！")


def _pairs(text: str) -> set[str]:
    chars = _NAME_CHARS_RE.sub("", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def keywords(title: str, body: str, rules: ReplyRules, top: int = 8) -> dict[str, float]:
    """The message's most telling words and their weights: title words count twice, rarer words more
    (jieba's shipped IDF table, so a single reply is scored the same way as a whole file)."""
    segmenter = default_segmenter()
    words = segmenter.tokens(title) * 2 + segmenter.tokens(body[:300])
    request = set(rules.request_words)
    counts = Counter(w for w in words if len(w) >= 2 and w not in request and not w.isdigit())
    idf = jieba.analyse.default_tfidf.idf_freq
    default = jieba.analyse.default_tfidf.median_idf
    weights = {w: c * idf.get(w, default) for w, c in counts.items()}
    return dict(sorted(weights.items(), key=lambda item: -item[1])[:top])


def relevance(title: str, body: str, answer: str, rules: ReplyRules) -> float:
    """The weighted share of the message's telling words the answer uses, 0–1 (with the place, if named).

    A word counts when the answer has it, or for longer names its first two characters (翠竹园小区 →
    翠竹), since replies shorten names.
    """
    weights = keywords(title, body, rules)
    if not weights or not answer:
        return 0.0
    found = sum(w for word, w in weights.items() if word in answer or (len(word) >= 3 and word[:2] in answer))
    coverage = min(1.0, found / sum(weights.values()) / 0.6)
    places = [p for p in rules.compiled["place"].findall(title) if not re.fullmatch(r"[A-Z]\d{0,2}[市区县]", p)]
    if not places:
        return round(coverage, 3)
    named = any(p in answer or p[-4:] in answer for p in places)
    return round(0.7 * coverage + 0.3 * named, 3)


def timeliness(asked: datetime, replied: datetime | None, rules: ReplyRules) -> tuple[float, float | None]:
    if replied is None:
        return 0.0, None
    days = max(0.0, (replied - asked).total_seconds() / 86400)
    good, late = rules.scores["good_days"], rules.scores["late_days"]
    score = 1.0 if days <= good else 0.0 if days >= late else (late - days) / (late - good)
    return round(score, 3), round(days, 1)


def answer_clauses(answer: str, rules: ReplyRules) -> tuple[str, Counter[str]]:
    """The clauses of ``answer`` that say something, and how many clauses of each non-answer kind it has."""
    kept, skipped = [], Counter()
    for clause in _CLAUSE_RE.split(answer):
        kinds = [r for r in rules.non_answer if rules.compiled[f"non_answer:{r}"].search(clause)]
        if kinds:
            skipped[kinds[0]] += 1
        elif clause.strip():
            kept.append(clause.strip())
    return "，".join(kept), skipped


def score_reply(message: Message, rules: ReplyRules, reply: str | None = None,
                replied_at: datetime | None = None) -> ReplyScore:
    """Score ``message``'s official reply (or ``reply``, e.g. a department's draft, when given)."""
    reply = reply if reply is not None else message.reply or ""
    replied_at = replied_at or message.reply_time
    answer = substance(reply, message.title, rules)
    said, skipped = answer_clauses(answer, rules)
    patterns = rules.compiled
    acted = bool(patterns["action"].search(said))
    what = acted or bool(patterns["explanation"].search(said)) or len(said) >= 2 * rules.scores["min_answer_chars"]
    who = bool(patterns["unit"].search(answer))
    when = bool(patterns["when"].search(said))
    rel = relevance(message.title, message.body, answer, rules)
    completeness = round(0.5 * what + 0.25 * who + 0.25 * when, 3)
    on_time, days = timeliness(message.time, replied_at, rules)
    reasons = []
    if len(said) < rules.scores["min_answer_chars"] and not acted:
        reasons.append(f"仅{skipped.most_common(1)[0][0]} only" if skipped else "空泛 boilerplate only")
    weights = rules.scores["weights"]
    quality = round(weights[0] * rel + weights[1] * completeness + weights[2] * on_time, 3)
    return ReplyScore(message.id, rel, completeness, on_time, quality, days, what, who, when,
                      "转办 handed on" in skipped, len(said), bool(reasons), reasons)


def summarise(scores: Sequence[ReplyScore]) -> dict:
    """Means and shares over ``scores``."""
    if not scores:
        return {"n": 0}
    days = [s.days for s in scores if s.days is not None]

    def share(flag: Iterable[bool]) -> float:
        return round(sum(flag) / len(scores), 4)

    return {
        "n": len(scores),
        "relevance": round(mean(s.relevance for s in scores), 3),
        "completeness": round(mean(s.completeness for s in scores), 3),
        "timeliness": round(mean(s.timeliness for s in scores), 3),
        "quality": round(mean(s.quality for s in scores), 3),
        "poor_share": share(s.poor for s in scores),
        "says_what_share": share(s.what for s in scores),
        "says_who_share": share(s.who for s in scores),
        "says_when_share": share(s.when for s in scores),
        "handed_on_only_share": share(any(r.startswith("仅转办") for r in s.reasons) for s in scores),
        "median_days": round(median(days), 1) if days else None,
        "reasons": {r: sum(r in s.reasons for s in scores) for r in sorted({r for s in scores for r in s.reasons})},
    }


def agreement(predicted: Sequence[bool], truth: Sequence[bool]) -> dict:
    """Accuracy, Cohen's kappa and the confusion counts of two 0/1 labellings (True = satisfies)."""
    n = len(truth)
    if n == 0:
        return {"n": 0}
    both = sum(p and t for p, t in zip(predicted, truth, strict=True))
    neither = sum(not p and not t for p, t in zip(predicted, truth, strict=True))
    accuracy = (both + neither) / n
    p_yes, t_yes = sum(predicted) / n, sum(truth) / n
    chance = p_yes * t_yes + (1 - p_yes) * (1 - t_yes)
    kappa = (accuracy - chance) / (1 - chance) if chance < 1 else 1.0
    poor_truth = n - sum(truth)
    caught = neither
    return {"n": n, "accuracy": round(accuracy, 4), "kappa": round(kappa, 4),
            "poor_recall": round(caught / poor_truth, 4) if poor_truth else None,
            "poor_precision": round(caught / (n - sum(predicted)), 4) if n - sum(predicted) else None,
            "confusion": {"both_satisfy": both, "both_poor": neither,
                          "we_poor_they_satisfy": sum(not p and t for p, t in zip(predicted, truth, strict=True)),
                          "we_satisfy_they_poor": sum(p and not t for p, t in zip(predicted, truth, strict=True))}}


def read_hand_labels(path: Path) -> dict[str, dict[str, bool]]:
    """A hand check: 留言编号 and 0/1 columns satisfies (required), relevant and complete (optional)."""
    if not path.exists():
        raise DataError(f"文件不存在: {path}", f"file not found: {path}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "留言编号" not in rows[0] or "satisfies" not in rows[0]:
        raise DataError(f"{path}: 需要列 留言编号 和 satisfies", f"{path}: needs columns 留言编号 and satisfies")
    labels = {}
    for number, row in enumerate(rows, start=2):
        values = {}
        for column in ("satisfies", "relevant", "complete"):
            value = (row.get(column) or "").strip()
            if value in ("0", "1"):
                values[column] = value == "1"
            elif column == "satisfies":
                raise DataError(f"{path} 第 {number} 行: satisfies 应为 0 或 1",
                                f"{path} row {number}: satisfies must be 0 or 1")
        labels[row["留言编号"].strip()] = values
    return labels


def compare_with_hand(scores: dict[str, ReplyScore], labels: dict[str, dict[str, bool]], rules: ReplyRules) -> dict:
    """Agreement with a hand check on satisfies, and on relevant/complete where labelled."""
    missing = sorted(set(labels) - set(scores))
    if missing:
        raise DataError(f"人工标注中的留言编号不在数据中: {missing[:5]}",
                        f"hand-labelled ids not in the data: {missing[:5]}")
    ids = sorted(labels)
    result = {"satisfies": agreement([scores[i].satisfies for i in ids], [labels[i]["satisfies"] for i in ids])}
    threshold = rules.scores["min_relevance"]
    ours_by_column = {"relevant": lambda s: s.relevance >= threshold, "complete": lambda s: s.what}
    for column, ours in ours_by_column.items():
        labelled = [i for i in ids if column in labels[i]]
        if labelled:
            result[column] = agreement([ours(scores[i]) for i in labelled], [labels[i][column] for i in labelled])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.replies", description="答复质量 / reply quality")
    parser.add_argument("--data", type=Path, required=True, help="messages with 答复意见 and 答复时间")
    parser.add_argument("--hand", type=Path, help="hand check: 留言编号, satisfies[, relevant, complete] (0/1)")
    parser.add_argument("--rows", action="store_true", help="include every reply's scores")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        messages = [m for m in load_messages(args.data) if m.reply is not None]
        if not messages:
            raise DataError(f"{args.data}: 没有答复意见", f"{args.data}: no replies (答复意见) in the file")
        rules = ReplyRules.load()
        scores = {m.id: score_reply(m, rules) for m in messages}
        figures = {"data": str(args.data), **summarise(list(scores.values()))}
        labelled = [m for m in messages if m.label is not None]
        if labelled:
            figures["vs_可解释性"] = agreement([scores[m.id].satisfies for m in labelled],
                                             [m.label == 1 for m in labelled])
        if args.hand:
            figures["vs_hand_check"] = compare_with_hand(scores, read_hand_labels(args.hand), rules)
    except UserFacingError as error:
        print(f"错误 error: {error.zh} / {error.en}", file=sys.stderr)
        return error.exit_code
    if args.rows:
        figures["rows"] = [asdict(s) for s in scores.values()]
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        for key, value in figures.items():
            if key != "rows":
                print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
