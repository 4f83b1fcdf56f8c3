"""Catalogue-search benchmark: top-1 / top-3, per kind of question, out-of-catalogue detection, latency.

    python -m service_guide.bench --catalogue ../shared/data/guangdong_service_guides.jsonl \\
        --queries service_guide/eval/guangdong_queries_blind_dev.csv \\
        --queries service_guide/eval/negative_blind_dev.csv --json

The CSV has ``query,expected_name`` and optionally ``kind`` (close / everyday / indirect, …); extra
columns are ignored. An empty ``expected_name`` marks a question the catalogue does not cover.
A question is answered correctly at k when the expected name is among the first k distinct names
offered (the export lists the same service once per issuing office or sub-case); a question the
search declares not in the catalogue offers nothing, so it counts as a miss (``ranking_top1/3`` count
the ranking alone, whatever the decision). For the questions
the catalogue does not cover, precision and recall of the ``not_found`` decision are reported.

``--absent-queries CSV`` reads questions written for another catalogue (the Guangdong dev sets, asked of the served
青山区 one): those about a real service clearly not in this catalogue count as out of catalogue (:func:`as_absent`).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from core.errors import UserFacingError
from service_guide.loader import load_catalogue
from service_guide.search import CatalogueSearch, build_search
from service_guide.settings import ranker_path


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def evaluate(search: CatalogueSearch, rows: list[dict[str, str]], repeats: int = 3) -> dict[str, object]:
    positives = [r for r in rows if (r.get("expected_name") or "").strip()]
    negatives = [r for r in rows if not (r.get("expected_name") or "").strip()]
    top1 = top3 = ranked1 = ranked3 = 0
    by_kind: dict[str, Counter] = defaultdict(Counter)
    decisions: Counter = Counter()
    answered_right = 0
    misses = []
    for row in positives:
        result = search.decide(row["query"], 3)
        names = [m.name for m in result.matches]
        expected = row["expected_name"].strip()
        first, among = bool(names) and names[0] == expected, expected in names
        top1 += first
        top3 += among
        ranked = [m.name for m in result.candidates[:3]]
        ranked1 += bool(ranked) and ranked[0] == expected
        ranked3 += expected in ranked
        decisions[result.decision] += 1
        answered_right += result.decision == "answer" and first
        kind = by_kind[row.get("kind") or "all"]
        kind.update(queries=1, top1=first, top3=among)
        if not first:
            misses.append({"query": row["query"], "expected": expected, "got": names,
                           "decision": result.decision, "kind": row.get("kind") or ""})
    said_not_found = {"negatives": 0, "positives": decisions["not_found"]}
    false_matches = []
    for row in negatives:
        result = search.decide(row["query"], 3)
        if result.decision == "not_found":
            said_not_found["negatives"] += 1
        else:
            false_matches.append({"query": row["query"], "got": [m.name for m in result.matches],
                                  "decision": result.decision})
    latencies: list[float] = []
    for _ in range(repeats):
        for row in rows:
            start = time.perf_counter()
            search.decide(row["query"], 3)
            latencies.append((time.perf_counter() - start) * 1000)
    declared = said_not_found["negatives"] + said_not_found["positives"]
    result: dict[str, object] = {"queries": len(positives)}
    if positives:
        result.update({
            "top1": _share(top1, len(positives)),
            "top3": _share(top3, len(positives)),
            "ranking_top1": _share(ranked1, len(positives)),
            "ranking_top3": _share(ranked3, len(positives)),
            "per_kind": {k: {"queries": c["queries"], "top1": _share(c["top1"], c["queries"]),
                             "top3": _share(c["top3"], c["queries"])} for k, c in sorted(by_kind.items())},
            "decisions": dict(decisions),
            "answer_precision": _share(answered_right, decisions["answer"]),
        })
    if negatives:
        result.update({
            "negatives": len(negatives),
            "not_found_precision": _share(said_not_found["negatives"], declared),
            "not_found_recall": _share(said_not_found["negatives"], len(negatives)),
        })
    result.update({
        "p50_ms": round(float(np.percentile(latencies, 50)), 2) if latencies else None,
        "p99_ms": round(float(np.percentile(latencies, 99)), 2) if latencies else None,
        "misses": misses,
        "false_matches": false_matches,
    })
    return result


def read_queries(paths: list[Path]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "query" not in reader.fieldnames or "expected_name" not in reader.fieldnames:
                raise UserFacingError(f"{path} 需要 query,expected_name 两列",
                                      f"{path} needs query,expected_name columns")
            rows.extend(r for r in reader if (r.get("query") or "").strip())
    return rows


def as_absent(rows: list[dict[str, str]], catalogue, different_below: float = 0.3) -> list[dict[str, str]]:
    """Questions written for another catalogue, kept as questions this one does not cover (``expected_name`` emptied)
    when the item they were written for is clearly not one of this catalogue's, by the rule the ranker's training
    uses (:func:`service_guide.ranker.absent_questions`); the others are dropped."""
    from service_guide.analysis import Analyzer
    from service_guide.ranker import NameSimilarity

    own = [n for e in (*catalogue.items.values(), *catalogue.bundles.values()) for n in (e.name, *e.aliases)]
    similarity = NameSimilarity(Analyzer(), [*own, *(r["expected_name"] for r in rows)])
    return [{**row, "expected_name": "", "kind": "other_catalogue"} for row in rows
            if (row.get("expected_name") or "").strip()
            and max((similarity(row["expected_name"], name) for name in own), default=0.0) < different_below]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, required=True, help="YAML catalogue or .jsonl export")
    parser.add_argument("--queries", type=Path, action="append", default=[],
                        help="CSV with query,expected_name[,kind]; repeat to pool several files")
    parser.add_argument("--absent-queries", type=Path, action="append", default=[],
                        help="CSV of questions written for another catalogue: those about a service clearly not in "
                             "this one count as out of catalogue, the others are dropped; repeat to pool")
    parser.add_argument("--vocabulary", type=Path, default=None,
                        help="learned vocabulary (default: models/catalogue/vocabulary.npz, built by `make run`)")
    parser.add_argument("--no-vocabulary", action="store_true", help="measure without the learned vocabulary")
    parser.add_argument("--ranker", type=Path, default=None,
                        help="learned ranker (default: the catalogue's own, "
                             "models/catalogue/rankers/<file name>.joblib, built by `make train`)")
    parser.add_argument("--no-ranker", action="store_true", help="measure the blend alone, without the ranker")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        catalogue = load_catalogue(args.catalogue)
        rows = read_queries(args.queries) + (as_absent(read_queries(args.absent_queries), catalogue)
                                             if args.absent_queries else [])
        start = time.perf_counter()
        search = build_search(catalogue, vocabulary=args.vocabulary, use_vocabulary=not args.no_vocabulary,
                              ranker=None if args.no_ranker else args.ranker or ranker_path(args.catalogue))
    except (UserFacingError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    result = {"items": len(catalogue), "fit_s": round(time.perf_counter() - start, 2), **evaluate(search, rows)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for key, value in result.items():
        if key not in ("misses", "false_matches"):
            print(f"{key}: {value}")
    for miss in result["misses"]:
        print(f"  miss ({miss['kind']}, {miss['decision']}): {miss['query']} → {miss['got'][:1]}"
              f" (want {miss['expected']})")
    for wrong in result["false_matches"]:
        print(f"  not out-of-catalogue ({wrong['decision']}): {wrong['query']} → {wrong['got'][:1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
