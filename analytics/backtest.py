"""Back-test of the early warning on a message export, replayed in time order.

    python -m analytics.backtest --data FILE [--top N] [--json]

Groups the whole file once (the issues as they end up), then replays it day by day through the
live join and the early warning, and prints: for the ``top`` largest issues, how many days before
their peak week the first warning fired; how many warnings went to issues that never grew (false
alarms), per month; and every warning. Progress goes to stderr; exit code 2 on bad input.

The vocabulary and place names are learned from the whole file before the replay (text statistics,
no arrival counts); the grouping and the warnings only ever see earlier messages.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from analytics.dataset import load_messages
from analytics.hotspots import HotIssues, known_places, stderr_progress
from analytics.places import default_gazetteer
from analytics.warning import backtest
from core.errors import DataError, UserFacingError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.backtest",
                                     description="预警回测 / early-warning back-test")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--top", type=int, default=10, help="how many of the largest issues to score (default 10)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.top < 1:
            raise DataError("--top 必须是正整数", "--top must be a positive integer")
        started = time.perf_counter()
        hot = HotIssues(known_places=known_places(default_gazetteer())).fit(load_messages(args.data), stderr_progress)
        result = hot.replay(stderr_progress)
        figures = backtest(hot.messages, hot.index.labels, result, hot.config.warning, args.top)
        for row in figures["largest_issues"]:
            row["description"] = hot.describe_members(hot.members()[row["final_issue"]])
        figures["seconds"] = round(time.perf_counter() - started, 1)
    except UserFacingError as error:
        print(f"错误 error: {error.zh} / {error.en}", file=sys.stderr)
        return error.exit_code
    if args.json:
        print(json.dumps({**figures, "warnings_raised": [w.to_json() for w in result.warnings]},
                         ensure_ascii=False, indent=1))
        return 0
    print(f"{figures['warnings']} 条预警 warnings, {figures['false_alarms']} 误报 false alarms "
          f"({figures['false_alarms_per_month']}/月 month), median lead {figures['median_lead_days']} days")
    for row in figures["largest_issues"]:
        print(f"  {row['people']:>3} 人  peak {row['peak_week_end']}  first warning {row['first_warning']}  "
              f"lead {row['lead_days']}  {row['description']}")
    for warning in result.warnings:
        print(f"  {warning.day}  {warning.people} 人 (expected {warning.expected:.2f})  {warning.description}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
