"""API users and roles: bearer tokens checked against SHA-256 hashes in a YAML file."""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel


class Role(StrEnum):
    OPERATOR = "operator"
    DEPARTMENT = "department"
    TRAINER = "trainer"
    ADMIN = "admin"
    BOT = "bot"
    LEADER = "leader"  # 领导: reads the analysis (hot issues, warnings, the monthly report), changes nothing


class User(BaseModel):
    name: str
    role: Role
    department: str | None = None
    token_sha256: str


class UserDirectory:
    def __init__(self, users: list[User]) -> None:
        self._by_hash = {u.token_sha256: u for u in users}

    @classmethod
    def from_file(cls, path: Path | str) -> UserDirectory:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return cls([User.model_validate(u) for u in data["users"]])

    def authenticate(self, token: str) -> User | None:
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        for known, user in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return user
        return None
