"""Bot benchmark: REST latency over 200 varied messages against the running Rasa server,
and (with --cross-validation) Rasa's NLU cross-validation figures.

    make serve            # in another terminal: Rasa server, action server, main service
    python bot/bench.py --json [--cross-validation --folds 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = [
    "你好", "办护照要带啥", "小孩上户口带什么", "身份证丢了怎么补办", "营业执照能网上办吗",
    "公积金提取多久到账", "二手房过户多少钱", "结婚登记在哪里办", "低保申请条件", "什么是容缺受理",
    "帮我预审一下材料", "出生登记", "身份证和户口本都有", "我要投诉", "楼下饭店油烟太大",
    "湖滨路", "不留", "查一下工单1", "谢谢", "再见",
]


def message_pool() -> list[str]:
    """The scripted conversation above, then the NLU test set's wording (other phrasing, typos)."""
    data = yaml.safe_load((ROOT / "bot" / "tests" / "nlu_test.yml").read_text(encoding="utf-8"))
    examples = [re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line.strip()[2:])
                for block in data["nlu"] if "intent" in block
                for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    return MESSAGES + examples


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rest_latency(url: str, n: int) -> dict[str, float]:
    latencies = []
    session = requests.Session()
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    for i, text in zip(range(n), itertools.cycle(message_pool())):
        if i % 20 == 0:  # a new conversation every 20 messages, as real traffic has many short ones
            sender = f"bench-{uuid.uuid4().hex[:8]}"
        start = time.perf_counter()
        response = session.post(url, json={"sender": sender, "message": text}, timeout=30)
        latencies.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return {"messages": n, "distinct": len(set(itertools.islice(itertools.cycle(message_pool()), n))),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1), "max_ms": round(max(latencies), 1)}


def cross_validation(folds: int) -> dict[str, float]:
    out = ROOT / "bot" / "results" / "cross_validation"
    subprocess.run([str(ROOT / ".venv-bot" / "bin" / "rasa"), "test", "nlu", "--nlu", "nlu_data",
                    "--config", "config.yml", "--cross-validation", "--folds", str(folds), "--out", str(out)],
                   cwd=ROOT, check=True)
    intent = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    entity = json.loads((out / "DIETClassifier_report.json").read_text(encoding="utf-8"))
    return {"folds": folds, "intent_macro_f1": round(intent["macro avg"]["f1-score"], 4),
            "entity_micro_f1": round(entity["micro avg"]["f1-score"], 4),
            "entity_macro_f1": round(entity["macro avg"]["f1-score"], 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005/webhooks/rest/webhook")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--cross-validation", action="store_true")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        result: dict[str, object] = {"rest": rest_latency(args.url, args.n)}
    except requests.RequestException as exc:
        print(f"机器人服务无法访问 / bot server not reachable at {args.url}: {exc} (run `make serve` first)",
              file=sys.stderr)
        return 2
    if args.cross_validation:
        result["nlu_cross_validation"] = cross_validation(args.folds)
    print(json.dumps(result, ensure_ascii=False) if args.json else result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
