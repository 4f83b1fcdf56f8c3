"""Speed of the hot-issue pipeline: the whole run, and one new message joining the live issues.

    python -m analytics.bench --data FILE [--join N] [--json]

Times (1) grouping the whole file and ranking its issues, and (2) after grouping all but the
latest ``N`` messages, adding those one at a time as live work orders would arrive (words and
places, features, the join), reporting the median, 95th percentile and maximum milliseconds (wall
clock, and the process's CPU time, which other jobs on a shared machine disturb less). Prints JSON;
run it on an idle machine for figures worth reporting.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analytics.dataset import load_messages
from analytics.hotspots import HotIssues, known_places
from analytics.places import default_gazetteer
from core.errors import UserFacingError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.bench", description="热点分析速度 / hot-issue speed")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--join", type=int, default=200, help="latest messages to add one by one (default 200)")
    parser.add_argument("--json", action="store_true", help="accepted for symmetry; output is always JSON")
    args = parser.parse_args(argv)
    try:
        messages = load_messages(args.data)
    except UserFacingError as error:
        print(f"错误 error: {error.zh} / {error.en}", file=sys.stderr)
        return error.exit_code
    started = time.perf_counter()
    hot = HotIssues(known_places=known_places(default_gazetteer())).fit(messages)
    issues = hot.issues()
    whole = time.perf_counter() - started
    ordered = sorted(messages, key=lambda m: m.time)
    held = max(1, min(args.join, len(ordered) - 1))
    live = HotIssues(known_places=known_places(default_gazetteer())).fit(ordered[:-held])
    timings, cpu = [], []
    for message in ordered[-held:]:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        live.add(message)
        timings.append((time.perf_counter() - begin) * 1000)
        cpu.append((time.process_time() - begin_cpu) * 1000)
    print(json.dumps({
        "data": str(args.data), "n_messages": len(messages), "n_issues": len(issues),
        "whole_run_seconds": round(whole, 2), "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "join": {"messages": held, "live_messages_before": len(ordered) - held,
                 "median_ms": round(float(np.median(timings)), 2),
                 "p95_ms": round(float(np.percentile(timings, 95)), 2), "max_ms": round(max(timings), 2),
                 "cpu_median_ms": round(float(np.median(cpu)), 2),
                 "cpu_p95_ms": round(float(np.percentile(cpu, 95)), 2)},
    }, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
