"""Item-matcher benchmark: top-1 / top-3 accuracy and latency of colloquial queries.

    python -m service_guide.bench --catalogue ../shared/data/guangdong_service_guides.jsonl \
        --queries service_guide/eval/guangdong_queries.csv --json

A query is answered correctly when the expected item's name is among the first k distinct
names returned (the export lists the same service once per issuing office or sub-case).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

from core.errors import UserFacingError
from service_guide.loader import load_catalogue
from service_guide.matcher import ItemMatcher


def evaluate(matcher: ItemMatcher, rows: list[dict[str, str]], repeats: int = 5) -> dict[str, object]:
    top1 = top3 = 0
    misses = []
    latencies: list[float] = []
    for row in rows:
        names = [m.name for m in matcher.search(row["query"], 3)]
        top1 += bool(names) and names[0] == row["expected_name"]
        top3 += row["expected_name"] in names
        if not names or names[0] != row["expected_name"]:
            misses.append({"query": row["query"], "expected": row["expected_name"], "got": names})
    for _ in range(repeats):
        for row in rows:
            start = time.perf_counter()
            matcher.search(row["query"], 3)
            latencies.append((time.perf_counter() - start) * 1000)
    return {
        "queries": len(rows),
        "top1": round(top1 / len(rows), 4),
        "top3": round(top3 / len(rows), 4),
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p99_ms": round(float(np.percentile(latencies, 99)), 2),
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, required=True, help="YAML catalogue or .jsonl export")
    parser.add_argument("--queries", type=Path, required=True, help="CSV with query,expected_name")
    parser.add_argument("--no-expansions", action="store_true", help="measure without the colloquial list")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        catalogue = load_catalogue(args.catalogue)
        with args.queries.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (UserFacingError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    start = time.perf_counter()
    matcher = ItemMatcher(expansions={} if args.no_expansions else None).fit(catalogue)
    result = {"items": len(catalogue), "fit_s": round(time.perf_counter() - start, 2), **evaluate(matcher, rows)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            if key != "misses":
                print(f"{key}: {value}")
        for miss in result["misses"]:
            print(f"  miss: {miss['query']} → {miss['got'][:1]} (want {miss['expected']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
