"""Chaos benchmark: what the service loses when its processes die or its model changes under load.

    python -m server.chaos [--rate 30] [--seconds 20] [--retrain-rate 10] [--bot-model FILE] --json

Three scenarios, each against real processes on loopback, bounded in time:

- ``worker_kill``: the service with 2 uvicorn workers receives work orders at a fixed rate (open
  loop, each with its own ``external_no``); halfway through one worker is killed (SIGKILL). An
  order is *acknowledged* when the service answered 201 with its id; it is *lost* if acknowledged
  and not in the database afterwards. Requests refused while the worker died are counted apart
  (the client was told; nothing was promised).
- ``retrain_cycle``: orders keep arriving (``--retrain-rate``) while a trainer retrains the category
  model (promoted automatically, or by the trainer if the rule refused it) and rolls back; every
  answer that is not a 2xx, client time-outs included, is a failed request (``server_errors``: 5xx).
- ``rasa_restart``: with a trained bot model, the Rasa server (SQL tracker store, as
  ``bot/endpoints.yml`` configures it) is asked a question, killed, started again, and asked a
  follow-up that needs the first turn's item: ``resumed`` is whether the answer still knows it.

Prints one JSON object; exits 1 when anything was lost, failed or not resumed. Not a unit test:
it takes minutes and starts processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import psutil
from sqlalchemy import create_engine, select

from classifier.dataset import load_examples
from core.settings import DEMO_RASA_TOKEN, home
from routing.orm import Ticket
from server.bench import free_port, wait_ready

OPERATOR = {"Authorization": "Bearer demo-operator"}
TRAINER = {"Authorization": "Bearer demo-trainer"}
RASA_FIRST, RASA_FOLLOW_UP, RASA_EXPECTED = "办护照要带啥", "要多少钱", "120元"


def start_service(workdir: Path, model_dir: Path, workers: int) -> tuple[subprocess.Popen, str]:
    """The main service on a fresh SQLite database and a copy of the model registry."""
    port = free_port()
    sample = home() / "sample_data"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'chaos.db'}",
           "CLASSIFIER_MODEL_DIR": str(shutil.copytree(model_dir, workdir / "models")),
           "DEPARTMENTS_MODEL_DIR": str(workdir / "departments"), "ROUTER_AUTO_DISPATCH_THRESHOLD": "0.8",
           "LEARNING_BASE_TRAINING_FILES": json.dumps([str(sample / "messages_train.csv")]),
           "LEARNING_FROZEN_TEST_FILE": str(sample / "messages_test.csv"), "ENVIRONMENT": "local"}
    log = open(workdir / "service.log", "w")  # noqa: SIM115 (closed with the process's folder)
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "server.app:app", "--port", str(port),
                                "--log-level", "warning", "--workers", str(workers)],
                               cwd=home(), env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process, timeout=300)
    return process, url


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def post_orders(url: str, texts: list[str], rate: float, seconds: float, prefix: str,
                      during=None) -> dict:
    """Orders at ``rate`` per second for ``seconds`` (open loop); ``during`` runs beside them."""
    acknowledged: list[str] = []
    statuses: dict[str, int] = {}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=url, headers=OPERATOR, timeout=30, limits=limits) as client:

        async def one(index: int) -> None:
            number = f"{prefix}-{index}"
            try:
                response = await client.post("/api/tickets", json={"text": texts[index % len(texts)],
                                                                   "channel": "电话", "external_no": number})
                key = str(response.status_code)
                if response.status_code == 201 and "id" in response.json():
                    acknowledged.append(number)
            except httpx.HTTPError as error:
                key = type(error).__name__
            statuses[key] = statuses.get(key, 0) + 1

        side = asyncio.create_task(during()) if during else None
        start = time.perf_counter()
        tasks = []
        for index in range(int(rate * seconds)):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(index)))
        await asyncio.gather(*tasks)
        side_result = await side if side else None
    return {"acknowledged": acknowledged, "statuses": statuses, "side": side_result}


def stored_numbers(workdir: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{workdir / 'chaos.db'}")
    with engine.connect() as connection:
        numbers = set(connection.scalars(select(Ticket.external_no)))
    engine.dispose()
    return numbers


def worker_kill(texts: list[str], model_dir: Path, rate: float, seconds: float) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="chaos-kill-"))
    process, url = start_service(workdir, model_dir, workers=2)
    killed: list[int] = []

    async def kill_one_worker() -> None:
        await asyncio.sleep(seconds / 2)
        worker = next(child for child in psutil.Process(process.pid).children()
                      if "spawn_main" in " ".join(child.cmdline()))
        killed.append(worker.pid)
        os.kill(worker.pid, signal.SIGKILL)

    try:
        result = asyncio.run(post_orders(url, texts, rate, seconds, "KILL", kill_one_worker))
    finally:
        stop(process)
    stored = stored_numbers(workdir)
    acknowledged = set(result["acknowledged"])
    return {"rate": rate, "seconds": seconds, "workers": 2, "killed_worker": killed[0] if killed else None,
            "sent": int(rate * seconds), "acknowledged": len(acknowledged), "stored": len(stored),
            "lost": len(acknowledged - stored), "answers": result["statuses"]}


def retrain_cycle(texts: list[str], model_dir: Path, rate: float, seconds: float) -> dict:
    """Orders at ``rate`` while a retrain, a promotion and a rollback happen; keeps posting until all three are done."""
    workdir = Path(tempfile.mkdtemp(prefix="chaos-retrain-"))
    process, url = start_service(workdir, model_dir, workers=2)
    steps: dict[str, object] = {}

    async def cycle() -> dict:
        async with httpx.AsyncClient(base_url=url, headers=TRAINER, timeout=60) as client:
            before = (await client.get("/api/models")).json()["current"]
            job = (await client.post("/api/models/retrain")).json()
            while job["status"] in ("queued", "running"):
                await asyncio.sleep(0.5)
                job = (await client.get(f"/api/models/jobs/{job['id']}")).json()
            steps["retrain"] = job["status"]
            if job["decision"] != "promoted":  # refused by the automatic rule: the trainer promotes it
                promoted = await client.post("/api/models/promote", json={"version": job["candidate_version"]})
                steps["promote"] = promoted.status_code
            rolled = await client.post("/api/models/rollback")
            steps["rollback"] = rolled.status_code
            steps["back_to_first_model"] = rolled.json().get("current") == before
        return steps

    try:
        # long enough for the cycle on a loaded machine; the orders run for the whole of it
        result = asyncio.run(post_orders(url, texts, rate, seconds, "CYCLE", cycle))
    finally:
        stop(process)
    failed = sum(count for status, count in result["statuses"].items() if not status.startswith("2"))
    server_errors = sum(count for status, count in result["statuses"].items() if status.startswith("5"))
    return {"rate": rate, "seconds": seconds, "requests": int(rate * seconds), "failed": failed,
            "server_errors": server_errors, "answers": result["statuses"], "steps": steps,
            "lost": len(set(result["acknowledged"]) - stored_numbers(workdir))}


def rasa_environment(workdir: Path, actions_url: str) -> dict[str, str]:
    """What ``bot/endpoints.yml`` reads: conversations in a SQLite file in ``workdir``, locks in the process."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "BOT_ACTIONS_URL": actions_url,
            "BOT_TRACKER_STORE_URL": f"sqlite:///{workdir / 'bot_tracker.db'}", "BOT_LOCK_STORE": "in_memory",
            "BOT_LOCK_STORE_HOST": "127.0.0.1", "BOT_LOCK_STORE_PORT": "6379", "BOT_LOCK_STORE_DB": "1"}


def start_rasa(model: Path, port: int, env: dict[str, str], log: Path, cors: str, token: str) -> subprocess.Popen:
    """The Rasa server as ``make serve`` runs it: the project's endpoints, API behind a token, CORS for one origin."""
    rasa = home() / ".venv-bot" / "bin" / "rasa"
    return subprocess.Popen([str(rasa), "run", "--model", str(model), "--endpoints", "bot/endpoints.yml",
                             "--credentials", "bot/credentials.yml", "--port", str(port), "--enable-api",
                             "--auth-token", token, "--cors", cors],
                            cwd=home(), env=env, stdout=open(log, "a"), stderr=subprocess.STDOUT)  # noqa: SIM115


def wait_for_rasa(url: str, process: subprocess.Popen, timeout: float = 1200) -> None:
    """Rasa loads its model for minutes on a busy machine: the service's wait, longer and at ``/``."""
    wait_ready(url, process, timeout, path="/", what="Rasa", pause=1)


def say(url: str, sender: str, text: str) -> str:
    replies = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120).json()
    return "\n".join(reply.get("text", "") for reply in replies)


def rasa_restart(model: Path, model_dir: Path) -> dict:
    """A question, a killed and restarted Rasa server, then a follow-up that needs the first turn."""
    workdir = Path(tempfile.mkdtemp(prefix="chaos-rasa-"))
    service, api = start_service(workdir, model_dir, workers=1)
    action_port, rasa_port = free_port(), free_port()
    env = {**rasa_environment(workdir, f"http://127.0.0.1:{action_port}/webhook"), "ROUTER_API_URL": api}
    rasa_bin = home() / ".venv-bot" / "bin" / "rasa"
    actions = subprocess.Popen([str(rasa_bin), "run", "actions", "--actions", "actions", "--port", str(action_port)],
                               cwd=home() / "bot", env=env, stdout=open(workdir / "actions.log", "w"),  # noqa: SIM115
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{rasa_port}"
    rasa = start_rasa(model, rasa_port, env, workdir / "rasa.log", api, DEMO_RASA_TOKEN)
    try:
        wait_for_rasa(url, rasa)
        first = say(url, "chaos-citizen", RASA_FIRST)
        rasa.send_signal(signal.SIGKILL)
        rasa.wait()
        started = time.monotonic()
        rasa = start_rasa(model, rasa_port, env, workdir / "rasa.log", api, DEMO_RASA_TOKEN)
        wait_for_rasa(url, rasa)
        restart_seconds = time.monotonic() - started
        follow_up = say(url, "chaos-citizen", RASA_FOLLOW_UP)
    finally:
        for process in (rasa, actions, service):
            stop(process)
    return {"first_answered": bool(first), "resumed": RASA_EXPECTED in follow_up,
            "restart_seconds": round(restart_seconds, 1), "tracker_store": "SQL (SQLite)"}


def run(rate: float, seconds: float, retrain_rate: float, model_dir: Path, bot_model: Path | None) -> dict:
    texts = [e.text for e in load_examples(home() / "sample_data" / "messages_train.csv")]
    result = {"worker_kill": worker_kill(texts, model_dir, rate, seconds),
              "retrain_cycle": retrain_cycle(texts, model_dir, retrain_rate, max(seconds, 60))}
    if bot_model is not None and bot_model.exists():
        try:
            result["rasa_restart"] = rasa_restart(bot_model, model_dir)
        except RuntimeError as error:  # Rasa did not come up: reported, not hidden behind a traceback
            result["rasa_restart"] = {"error": str(error), "resumed": False}
    else:
        result["rasa_restart"] = {"skipped": f"no trained bot model at {bot_model}"}
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=30.0, help="work orders per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--retrain-rate", type=float, default=10.0,
                        help="work orders per second while retraining (training takes the CPU the service needs)")
    parser.add_argument("--model-dir", type=Path, default=home() / "models" / "classifier",
                        help="the category model registry to copy (never changed)")
    parser.add_argument("--bot-model", type=Path, default=home() / "bot" / "models" / "citizen-bot.tar.gz")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (args.model_dir / "CURRENT").exists():
        print(f"错误 error: 没有分类模型 / no category model in {args.model_dir} (make train)", file=sys.stderr)
        return 3
    result = run(args.rate, args.seconds, args.retrain_rate, args.model_dir, args.bot_model)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    bad = (result["worker_kill"]["lost"] or result["retrain_cycle"]["failed"] or result["retrain_cycle"]["lost"]
           or result["rasa_restart"].get("resumed") is False)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
