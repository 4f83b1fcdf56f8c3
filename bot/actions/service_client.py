"""The bot's HTTP client for the main service: one place for the URL, the token and errors."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

import requests

SERVICE_URL = os.environ.get("ROUTER_API_URL", "http://127.0.0.1:8000")
#: The bot role's API token (core/config/users.yml); the demo token unless configured.
BOT_TOKEN = os.environ.get("BOT_API_TOKEN", "demo-bot")
TIMEOUT_S = float(os.environ.get("ROUTER_API_TIMEOUT", "5"))


class ServiceUnavailable(Exception):
    """The main service did not answer; the bot apologises instead of guessing."""


class ServiceClient:
    def __init__(self, base_url: str = SERVICE_URL, token: str = BOT_TOKEN, timeout: float = TIMEOUT_S) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._http = requests.Session()

    def _call(self, method: str, path: str, **kwargs: Any) -> Optional[Any]:
        try:
            response = self._http.request(method, self.base_url + path, timeout=self.timeout,
                                          headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        except requests.RequestException as exc:
            raise ServiceUnavailable(str(exc)) from exc
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise ServiceUnavailable(f"{response.status_code}: {response.text[:200]}")
        return response.json()

    def search(self, query: str, k: int = 3) -> Dict[str, Any]:
        return self._call("GET", "/api/catalogue/items", params={"q": query[:200], "k": k}) or {"matches": []}

    def item(self, code: str, aspect: str = "all") -> Optional[Dict[str, Any]]:
        return self._call("GET", f"/api/catalogue/items/{code}", params={"aspect": aspect})

    def precheck(self, code: str, text: str) -> Optional[Dict[str, Any]]:
        return self._call("POST", "/api/catalogue/precheck", json={"code": code, "text": text[:2000]})

    def create_ticket(self, text: str, channel: str, place: Optional[str], contact: Optional[str],
                      ticket_type: str) -> Dict[str, Any]:
        body = {"text": text, "channel": channel, "place": place, "contact": contact, "ticket_type": ticket_type}
        return self._call("POST", "/api/tickets", json=body)

    def ticket(self, ticket_id: int) -> Optional[Dict[str, Any]]:
        return self._call("GET", f"/api/tickets/{ticket_id}")

    def handoff(self, sender_id: str, channel: str, reason: str, transcript: List[Dict[str, str]]) -> Dict[str, Any]:
        body = {"sender_id": sender_id, "channel": channel, "reason": reason, "transcript": transcript}
        return self._call("POST", "/api/handoffs", json=body)


client = ServiceClient()
