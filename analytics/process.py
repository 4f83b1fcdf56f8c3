"""The analysis process: the one live join of a service that runs several web workers.

    python -m analytics.process --gazetteer FILE --socket PATH --lock PATH --settings JSON

Started by the service, not by hand: every web worker starts one at start-up
(``AnalysisProcess.start``) and ends it at shutdown. The first to take the lock file (one per
database) works; the others wait behind it, idle, in case the worker that started it goes. The one
at work rebuilds the live issues from the database, then reads the new orders every
``poll_seconds`` and answers the web workers on a Unix socket in a folder only this user may enter
(``/issues``, ``/warnings``, ``/catch-up``, ``/rebuild``, in the JSON the API gives). It runs at a
lower priority than the web workers (``process_niceness``): under load the join waits, requests
do not. It leaves as soon as the worker that started it is gone.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import httpx

from analytics.settings import AnalyticsSettings
from core.errors import Unavailable

NOT_READY = ("分析进程正在启动或已停止，请稍后再试",
             "the analysis process is starting or has stopped; try again shortly")


def runtime_folder(settings: AnalyticsSettings) -> Path:
    """Where the sockets and locks live: ``runtime_dir``, else a private folder in the system's temporary one."""
    folder = settings.runtime_dir or Path(tempfile.gettempdir()) / f"hotline-analysis-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


class AnalysisProcess:
    """A web worker's side: the analysis process it started, and a client of whichever one is at work."""

    def __init__(self, process: subprocess.Popen | None, socket: Path, timeout: float) -> None:
        self.process = process
        self.socket = socket
        self.client = httpx.Client(transport=httpx.HTTPTransport(uds=str(socket)), base_url="http://analysis",
                                   timeout=timeout)

    @classmethod
    def start(cls, settings: AnalyticsSettings, gazetteer: Path, database_url: str) -> AnalysisProcess:
        """Start this worker's analysis process for ``database_url`` (it works or waits its turn)."""
        key = hashlib.sha256(database_url.encode()).hexdigest()[:16]  # one analysis per database
        folder = runtime_folder(settings)
        socket, lock = folder / f"{key}.sock", folder / f"{key}.lock"
        command = [sys.executable, "-m", "analytics.process", "--gazetteer", str(gazetteer), "--socket", str(socket),
                   "--lock", str(lock), "--settings", settings.model_dump_json()]
        # the URL (it may hold a password) goes by the environment, not the command line others can read
        process = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": database_url})
        return cls(process, socket, settings.request_seconds)

    def _call(self, method: str, path: str, **params: object) -> object:
        try:
            response = self.client.request(method, path, params={k: v for k, v in params.items() if v is not None})
        except httpx.TransportError as error:
            raise Unavailable(*NOT_READY) from error
        if response.status_code >= 500:
            raise Unavailable(*NOT_READY)
        response.raise_for_status()
        return response.json()

    def issues(self, as_of: datetime, since: datetime, top: int) -> dict:
        return self._call("GET", "/issues", as_of=as_of.isoformat(), since=since.isoformat(), top=top)

    def warnings(self, start: date | None, end: date | None) -> list[dict]:
        return self._call("GET", "/warnings", start=start and start.isoformat(), end=end and end.isoformat())

    def catch_up(self) -> int:
        return self._call("POST", "/catch-up")["orders"]

    def rebuild(self, now: datetime | None = None) -> dict:
        return self._call("POST", "/rebuild", now=now and now.isoformat())

    def ready(self, timeout: float = 60) -> bool:
        """Whether one analysis process answers within ``timeout`` seconds (tests, start-up scripts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.client.get("/warnings").raise_for_status()
                return True
            except httpx.HTTPError:
                time.sleep(0.2)
        return False

    def close(self) -> None:
        self.client.close()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _take_turn(lock: Path, parent: int) -> int | None:
    """Wait until this process holds ``lock`` (its file descriptor), or None once ``parent`` is gone."""
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if os.getppid() != parent:
                os.close(handle)
                return None
            time.sleep(1)


def serve(settings: AnalyticsSettings, gazetteer: Path, socket: Path, parent: int) -> None:
    """Rebuild the live issues, then feed them and answer on ``socket`` until ``parent`` is gone."""
    # Imported here, by the one process at work: the processes waiting their turn stay small.
    import uvicorn
    from fastapi import FastAPI

    from analytics.feed import LiveAnalysis
    from analytics.hotspots import HotspotConfig
    from analytics.places import gazetteer_names
    from core.db import make_engine, make_session_factory
    from core.settings import DatabaseSettings

    engine = make_engine(DatabaseSettings().url, pool_size=4)
    live = LiveAnalysis(settings, HotspotConfig.load(settings.hotspots_config), gazetteer_names(gazetteer),
                        make_session_factory(engine))
    live.rebuild()
    live.start()
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/issues")
    def issues(as_of: datetime, since: datetime, top: int) -> dict:
        return live.issues(as_of, since, top)

    @app.get("/warnings")
    def warnings(start: date | None = None, end: date | None = None) -> list[dict]:
        return live.warnings(start, end)

    @app.post("/catch-up")
    def catch_up() -> dict:
        return {"orders": live.catch_up()}

    @app.post("/rebuild")
    def rebuild(now: datetime | None = None) -> dict:
        return live.rebuild(now)

    socket.unlink(missing_ok=True)
    server = uvicorn.Server(uvicorn.Config(app, uds=str(socket), log_level="warning", lifespan="off"))

    def leave_with_parent() -> None:
        while not server.should_exit:
            if os.getppid() != parent:
                server.should_exit = True
            time.sleep(1)

    threading.Thread(target=leave_with_parent, name="analysis-parent-watch", daemon=True).start()
    try:
        server.run()
    finally:
        live.close()
        engine.dispose()
        socket.unlink(missing_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.process", description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", type=Path, required=True)
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--lock", type=Path, required=True)
    parser.add_argument("--settings", required=True, help="AnalyticsSettings as JSON")
    args = parser.parse_args(argv)
    parent = os.getppid()
    handle = _take_turn(args.lock, parent)
    if handle is None:
        return 0
    settings = AnalyticsSettings.model_validate_json(args.settings)
    os.nice(settings.process_niceness)
    try:
        serve(settings, args.gazetteer, args.socket, parent)
    finally:
        os.close(handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
