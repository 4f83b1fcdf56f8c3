"""Fixtures for the custom actions' unit tests, run in the bot's environment (`make test-bot-actions`).

The actions call the main service over HTTP; here a small local stand-in answers instead, with
canned replies each test sets, and records every request. Trackers are built with rasa-sdk's
``Tracker.from_dict``, as Rasa's demo bot does.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.service_client import client

Reply = Tuple[int, Any]


class StandInService:
    """Answers ``(method, path)`` with a canned (status, body) or a function of the request; 404 otherwise."""

    def __init__(self) -> None:
        self.replies: Dict[Tuple[str, str], Any] = {}
        self.requests: List[Dict[str, Any]] = []
        self.url = ""

    def reply(self, method: str, path: str, body: Any, status: int = 200) -> None:
        self.replies[(method, path)] = (status, body)

    def answer(self, method: str, path: str, function: Callable[[Dict[str, Any]], Reply]) -> None:
        self.replies[(method, path)] = function

    def calls(self, method: str, path: str) -> List[Dict[str, Any]]:
        return [r for r in self.requests if (r["method"], r["path"]) == (method, path)]

    def handle(self, request: Dict[str, Any]) -> Reply:
        self.requests.append(request)
        found = self.replies.get((request["method"], request["path"]))
        if found is None:
            return 404, {"error": {"zh": "不存在", "en": "not found"}}
        return found(request) if callable(found) else found


def handler_for(service: StandInService) -> type:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            status, payload = service.handle({
                "method": self.command, "path": url.path, "query": {k: v[0] for k, v in parse_qs(url.query).items()},
                "body": body, "token": self.headers.get("Authorization")})
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve  # noqa: N815 (http.server's naming)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def running_service():
    service = StandInService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(service))
    service.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield service
    server.shutdown()


@pytest.fixture
def service(running_service: StandInService, monkeypatch: pytest.MonkeyPatch) -> StandInService:
    """The stand-in, emptied, with the actions' client pointed at it."""
    running_service.replies.clear()
    running_service.requests.clear()
    monkeypatch.setattr(client, "base_url", running_service.url)
    return running_service


@pytest.fixture
def service_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing listens where the actions' client calls (a port the OS just handed out and took back)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    server.server_close()
    monkeypatch.setattr(client, "base_url", url)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def tracker() -> Callable[..., Tracker]:
    """Builds a tracker from what the latest message said, the slots and the earlier events."""

    def build(text: str = "", intent: Optional[str] = None, entities: Optional[Dict[str, str]] = None,
              slots: Optional[Dict[str, Any]] = None, events: Optional[List[Dict[str, Any]]] = None,
              sender_id: str = "citizen-1", channel: str = "rest") -> Tracker:
        latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
                  "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()]}
        history = events if events is not None else [
            {"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
        return Tracker.from_dict({"sender_id": sender_id, "slots": slots or {}, "latest_message": latest,
                                  "events": history, "paused": False, "followup_action": None, "active_loop": {},
                                  "latest_action_name": "action_listen"})

    return build
