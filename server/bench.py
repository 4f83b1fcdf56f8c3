"""Benchmark: the router service under a fixed-rate mix of intake and read requests.

    python -m server.bench [--rate 100] [--seconds 30] [--messages FILE] --json

Starts the service (uvicorn, SQLite in a temporary folder, the current classifier), sends
requests on an open-loop schedule — each at its planned time whether or not earlier ones
have answered — and prints p50/p99 latency, achieved rate, errors and lost tickets
(intakes answered 201 minus orders stored). Only loopback traffic; bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, func, select

from classifier.dataset import load_examples
from core.settings import home
from routing.orm import Ticket

OPERATOR = {"Authorization": "Bearer demo-operator"}
CHANNELS = ["电话", "网页", "微信", "12345app"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("service exited during start-up")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("service did not start in time")


async def load(url: str, texts: list[str], rate: float, seconds: float, read_share: float) -> dict:
    latencies: list[float] = []
    errors = created = 0
    ids: list[int] = []
    total = int(rate * seconds)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=url, headers=OPERATOR, timeout=10, limits=limits) as client:

        async def one(index: int) -> None:
            nonlocal errors, created
            is_read = bool(ids) and (index % 10) < read_share * 10
            started = time.perf_counter()
            try:
                if is_read:
                    response = await client.get(f"/api/tickets/{ids[index % len(ids)]}")
                    ok = response.status_code == 200
                else:
                    body = {"text": texts[index % len(texts)], "channel": CHANNELS[index % 4],
                            "external_no": f"BENCH-{index}"}
                    response = await client.post("/api/tickets", json=body)
                    ok = response.status_code == 201
                    if ok:
                        created += 1
                        ids.append(response.json()["id"])
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok

        start = time.perf_counter()
        tasks = []
        for index in range(total):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(index)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return {"requests": total, "elapsed": elapsed, "latencies": latencies, "errors": errors, "created": created}


def run(messages: Path, rate: float, seconds: float, read_share: float, workers: int) -> dict:
    texts = [e.text for e in load_examples(messages, require_label=False)]
    workdir = Path(tempfile.mkdtemp(prefix="router-bench-"))
    database = f"sqlite:///{workdir / 'bench.db'}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "ROUTER_AUTO_DISPATCH_THRESHOLD": "0.8"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server.app:app", "--port", str(port), "--log-level", "warning",
         "--workers", str(workers)],
        cwd=home(), env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        result = asyncio.run(load(url, texts, rate, seconds, read_share))
    finally:
        process.terminate()
        process.wait(timeout=30)
    with create_engine(database).connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(Ticket))
    latencies = np.array(result["latencies"])
    return {
        "rate_target": rate,
        "workers": workers,
        "seconds": seconds,
        "requests": result["requests"],
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p99_ms": round(float(np.percentile(latencies, 99)), 2),
        "achieved_rps": round(result["requests"] / result["elapsed"], 1),
        "errors": result["errors"],
        "lost_tickets": result["created"] - stored,
        "tickets_stored": stored,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=Path, default=home().parent / "shared" / "data" / "messages_test.csv")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--read-share", type=float, default=0.5, help="share of requests that are reads")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.messages.exists():
        args.messages = home() / "sample_data" / "messages_test.csv"
    result = run(args.messages, args.rate, args.seconds, args.read_share, args.workers)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0 if result["errors"] == 0 and result["lost_tickets"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
