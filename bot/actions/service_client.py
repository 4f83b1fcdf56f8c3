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
                      ticket_type: Optional[str], title: Optional[str] = None) -> Dict[str, Any]:
        body = {"text": text, "channel": channel, "place": place, "contact": contact, "ticket_type": ticket_type}
        if title:
            body["title"] = title
        return self._call("POST", "/api/tickets", json=body)

    def lookup(self, code: str, ticket_no: Optional[int] = None,
               conversation_id: Optional[str] = None) -> Optional[Dict[str, Any]]:
        """An order as its holder may see it, by 查询码 (and number); None for a wrong code (contract section 1).
        The conversation id lets the service throttle each citizen apart, not the bot's one address."""
        body: Dict[str, Any] = {"code": code}
        if conversation_id:
            body["conversation_id"] = conversation_id[:128]
        if ticket_no is not None:
            body["ticket_no"] = ticket_no
        try:
            return self._call("POST", "/api/citizen/lookup", json=body)
        except ServiceUnavailable as error:
            if str(error).startswith("422"):
                return None
            raise

    def handoff(self, sender_id: str, channel: str, reason: str, transcript: List[Dict[str, str]]) -> Dict[str, Any]:
        body = {"sender_id": sender_id, "channel": channel, "reason": reason, "transcript": transcript}
        return self._call("POST", "/api/handoffs", json=body)

    def handoff_state(self, handoff_id: int) -> Optional[Dict[str, Any]]:
        return self._call("GET", f"/api/handoffs/{handoff_id}")

    def post_turn(self, turn: Dict[str, Any]) -> None:
        """A turn for the trainer's review (contract section 2); a failure never breaks the conversation."""
        try:
            self._call("POST", "/api/bot/turns", json=turn)
        except ServiceUnavailable:
            pass

    def rate(self, conversation_id: str, turn_id: str, rating: str) -> bool:
        try:
            self._call("POST", "/api/bot/ratings",
                       json={"conversation_id": conversation_id, "turn_id": turn_id, "rating": rating})
        except ServiceUnavailable:
            return False
        return True


client = ServiceClient()
