"""Benchmark: the router service under a fixed-rate mix of intake and read requests.

    python -m server.bench [--rate 25 --rate 50 --rate 100] [--seconds 30] [--workers 2]
                           [--database-url postgresql+psycopg://…] [--messages FILE] --json

Starts the service (uvicorn, the current models; SQLite in a temporary folder, or the
PostgreSQL database given, which is WIPED first), sends requests on an open-loop schedule —
each at its planned time whether or not earlier ones have answered — and prints, per rate:
p50/p99 latency (overall and per kind of request), achieved rate, errors and lost tickets
(intakes answered 201 minus orders stored), the server's own per-stage timings (parse,
segment, classify, dispatch, database, response, other: wall and CPU ms from the
``Server-Timing`` header the service sends with ``SERVER_TIMING=true``), the CPU the service
processes used per request (and of it the analysis process's), and the machine's load average
before and after. Only loopback traffic; bounded in time. On a shared machine trust the CPU
figures more than the wall ones.
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
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np
import psutil
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from classifier.dataset import load_examples
from core.settings import home
from routing.orm import Ticket

OPERATOR = {"Authorization": "Bearer demo-operator"}
CHANNELS = ["电话", "网页", "微信", "12345app"]
STAGES = ("parse", "segment", "classify", "dispatch", "database", "response", "other")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 180, *, path: str = "/healthz",
               what: str = "service", pause: float = 0.3) -> None:
    """Until ``url + path`` answers 200; fail at once if ``process`` exits (the service, or Rasa at ``/``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up ({process.returncode})")
        try:
            if httpx.get(f"{url}{path}", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(pause)
    raise RuntimeError(f"{what} did not start in time")


def parse_server_timing(value: str) -> dict[str, tuple[float, float | None]]:
    """``name;dur=1.2;cpu=0.9, …`` → {name: (wall ms, CPU ms or None)}."""
    stages = {}
    for part in value.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        values = dict(p.split("=", 1) for p in params if "=" in p)
        if name and "dur" in values:
            stages[name] = (float(values["dur"]), float(values["cpu"]) if "cpu" in values else None)
    return stages


class Connections:
    """Keep-alive HTTP/1.1 connections to the service, one request at a time each, opened as needed.

    A few lines of asyncio instead of httpx: at 50 requests in flight httpx's connection pool spends
    its time matching requests to connections (quadratic), and the client, not the service, set the
    latency (the figures before this benchmark was rewritten: 50 req/s "achieved" 10.6).
    """

    #: uvicorn closes a connection idle for 5 s; one idle this long is not reused (it may be closing as we write).
    MAX_IDLE = 3.0

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Host": f"{host}:{port}"}.items())
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened = 0

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names) and body of one request."""
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\n{self.headers}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        reader, writer = await self._connection()
        writer.write(head.encode() + b"\r\n" + data)
        try:
            status_line = await reader.readuntil(b"\r\n")
            headers = {}
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            content = await reader.readexactly(int(headers.get("content-length", 0)))
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):  # cancelled: timed out
            writer.close()
            raise
        if headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self.idle.append((reader, writer, time.monotonic()))
        return int(status_line.split()[1]), headers, content

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """The most recently used idle connection, or a new one; stale ones are closed."""
        while self.idle:
            reader, writer, since = self.idle.pop()
            if time.monotonic() - since < self.MAX_IDLE:
                return reader, writer
            writer.close()
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port, limit=2**20)

    def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()


async def load(host: str, port: int, texts: list[str], rate: float, seconds: float, read_share: float,
               timeout: float = 10) -> dict:
    """Send ``rate × seconds`` requests on schedule; a request's latency runs from its planned time."""
    latencies: dict[str, list[float]] = defaultdict(list)
    stages: dict[str, dict[str, list[tuple[float, float | None]]]] = defaultdict(lambda: defaultdict(list))
    errors = created = 0
    error_kinds: dict[str, int] = defaultdict(int)
    ids: list[int] = []
    total = int(rate * seconds)
    connections = Connections(host, port, OPERATOR)

    async def one(index: int, planned: float) -> None:
        nonlocal errors, created
        kind = "read" if ids and (index % 10) < read_share * 10 else "intake"
        try:
            if kind == "read":
                status, headers, _ = await asyncio.wait_for(
                    connections.request("GET", f"/api/tickets/{ids[index % len(ids)]}"), timeout)
                ok = status == 200
            else:
                body = {"text": texts[index % len(texts)], "channel": CHANNELS[index % 4],
                        "external_no": f"BENCH-{index}"}
                status, headers, content = await asyncio.wait_for(
                    connections.request("POST", "/api/tickets", body), timeout)
                ok = status == 201
                if ok:
                    created += 1
                    ids.append(json.loads(content)["id"])
            for name, measured in parse_server_timing(headers.get("server-timing", "")).items():
                stages[kind][name].append(measured)
            if not ok:
                error_kinds[f"HTTP {status}"] += 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            ok = False
            error_kinds[type(error).__name__] += 1
        latencies[kind].append((time.perf_counter() - planned) * 1000)
        errors += not ok

    start = time.perf_counter()
    tasks = []
    for index in range(total):
        planned = start + index / rate
        delay = planned - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, planned)))
    sent = time.perf_counter() - start
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    connections.close()
    return {"requests": total, "elapsed": elapsed, "sending": sent, "latencies": latencies, "stages": stages,
            "errors": errors, "error_kinds": dict(error_kinds), "created": created,
            "connections": connections.opened}


def _percentiles(values: Sequence[float]) -> dict[str, float]:
    array = np.asarray(values)
    return {"p50_ms": round(float(np.percentile(array, 50)), 2), "p99_ms": round(float(np.percentile(array, 99)), 2)}


def stage_summary(stages: dict[str, list[tuple[float, float | None]]]) -> dict[str, dict]:
    """Mean, p50 and p99 wall ms and mean CPU ms of each stage, over the requests that passed through it."""
    summary = {}
    for name in [*STAGES, *sorted(set(stages) - set(STAGES))]:
        measured = stages.get(name)
        if not measured:
            continue
        wall = np.array([w for w, _ in measured])
        cpu = [c for _, c in measured if c is not None]
        summary[name] = {"mean_ms": round(float(wall.mean()), 3), "p50_ms": round(float(np.percentile(wall, 50)), 3),
                         "p99_ms": round(float(np.percentile(wall, 99)), 3),
                         "cpu_mean_ms": round(float(np.mean(cpu)), 3) if cpu else None}
    return summary


def service_cpu_seconds(process: psutil.Process) -> dict[str, float]:
    """User + system CPU seconds of the service: ``web`` (the uvicorn process and its workers) and
    ``analysis`` (the live join's process beside them)."""
    totals = {"web": 0.0, "analysis": 0.0}
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            part = "analysis" if "analytics.process" in proc.cmdline() else "web"
        except psutil.NoSuchProcess:
            continue
        totals[part] += times.user + times.system
    return totals


def stop(process: subprocess.Popen) -> None:
    """Stop the service; killed if it has not finished its open requests within 30 s (an overloaded run)."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        for proc in psutil.Process(process.pid).children(recursive=True):
            proc.kill()
        process.kill()
        process.wait(timeout=30)


def fresh_database(url: str | None, workdir: Path) -> str:
    """A SQLite file in ``workdir``, or ``url`` (PostgreSQL) emptied: its public schema dropped and recreated."""
    if url is None:
        return f"sqlite:///{workdir / 'bench.db'}"
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit("--database-url: a PostgreSQL URL (SQLite runs in a temporary folder by default)")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def run(messages: Path, rate: float, seconds: float, read_share: float, workers: int,
        database_url: str | None = None) -> dict:
    texts = [e.text for e in load_examples(messages, require_label=False)]
    workdir = Path(tempfile.mkdtemp(prefix="router-bench-"))
    database = fresh_database(database_url, workdir)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "ROUTER_AUTO_DISPATCH_THRESHOLD": "0.8", "SERVER_TIMING": "true",
           "ANALYTICS_SEPARATE_PROCESS": "true"}  # as deployed: the live join in its own process
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server.app:app", "--port", str(port), "--log-level", "warning",
         "--workers", str(workers)],
        cwd=home(), env=env,
    )
    url = f"http://127.0.0.1:{port}"
    service = psutil.Process(process.pid)
    try:
        wait_ready(url, process)
        load_before = os.getloadavg()
        cpu_before = service_cpu_seconds(service)
        client_cpu = time.process_time()
        result = asyncio.run(load("127.0.0.1", port, texts, rate, seconds, read_share))
        client_cpu = time.process_time() - client_cpu
        cpu_used = {part: seconds - cpu_before[part] for part, seconds in service_cpu_seconds(service).items()}
        load_after = os.getloadavg()
    finally:
        stop(process)
    engine = create_engine(database)
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(Ticket))
    engine.dispose()
    everything = [v for values in result["latencies"].values() for v in values]
    return {
        "database": make_url(database).get_backend_name(),
        "rate_target": rate,
        "workers": workers,
        "seconds": seconds,
        "requests": result["requests"],
        **_percentiles(everything),
        # answered per second from the first request sent to the last answer (the target when the service keeps up)
        "achieved_rps": round(result["requests"] / result["elapsed"], 1),
        "connections": result["connections"],
        "errors": result["errors"],
        "error_kinds": result["error_kinds"],
        "lost_tickets": result["created"] - stored,
        "tickets_stored": stored,
        "service_cpu_ms_per_request": round(sum(cpu_used.values()) * 1000 / max(result["requests"], 1), 2),
        "analysis_cpu_ms_per_request": round(cpu_used["analysis"] * 1000 / max(result["requests"], 1), 2),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(result["requests"], 1), 2),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in load_after],
        "by_kind": {kind: {"requests": len(values), **_percentiles(values),
                           "stages": stage_summary(result["stages"].get(kind, {}))}
                    for kind, values in sorted(result["latencies"].items())},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=Path, default=home().parent / "shared" / "data" / "messages_test.csv")
    parser.add_argument("--rate", type=float, action="append", help="requests per second (repeatable; 100 if none)")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--read-share", type=float, default=0.5, help="share of requests that are reads")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--database-url", help="a PostgreSQL database to run on; it is WIPED (default: SQLite)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.messages.exists():
        args.messages = home() / "sample_data" / "messages_test.csv"
    results = []
    for rate in args.rate or [100.0]:
        try:
            results.append(run(args.messages, rate, args.seconds, args.read_share, args.workers, args.database_url))
        except Exception as error:  # one failed rate must not lose the others' figures
            results.append({"rate_target": rate, "failed": repr(error)})
        print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr, flush=True)  # progress
    output = results[0] if len(results) == 1 else {"runs": results}
    print(json.dumps(output, ensure_ascii=False, indent=None if args.json else 2))
    return 0 if all(r.get("errors") == 0 and r.get("lost_tickets") == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
