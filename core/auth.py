"""API users and roles: bearer tokens checked against SHA-256 hashes in a YAML file, each with an expiry.

A token expires at its ``expires_at``, or ``token_max_age_days`` after its ``issued_at`` when the
file sets a maximum age (the earlier of the two). Outside a local demo the shipped demo users
are refused (``refuse_demo_users``): their tokens are public.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, field_validator

from core.errors import DataError, UserFacingError
from core.settings import package_file

#: The users file shipped for the sample district's demo; its tokens are the ``DEMO_TOKENS``.
DEMO_USERS_FILE = package_file("core", "config", "users.yml")
#: The demo users' tokens (README, tests): known to everyone, so refused outside ``ENVIRONMENT=local``.
DEMO_TOKENS = ("demo-operator", "demo-dept-zjj", "demo-dept-cgj", "demo-dept-hexi", "demo-trainer", "demo-admin",
               "demo-leader", "demo-bot")


class Role(StrEnum):
    OPERATOR = "operator"
    DEPARTMENT = "department"
    TRAINER = "trainer"
    ADMIN = "admin"
    BOT = "bot"
    LEADER = "leader"  # 领导: reads the analysis (hot issues, warnings, the monthly report), changes nothing


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    """Times in the users file without a zone are UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class User(BaseModel):
    name: str
    role: Role
    department: str | None = None
    token_sha256: str
    issued_at: datetime | None = None
    expires_at: datetime | None = None

    @field_validator("issued_at", "expires_at")
    @classmethod
    def _in_utc_when_naive(cls, moment: datetime | None) -> datetime | None:
        return _aware(moment)


class InsecureConfiguration(UserFacingError):
    """A setting that is fine for a local demo and dangerous anywhere else."""


class UserDirectory:
    def __init__(self, users: list[User], max_age: timedelta | None = None) -> None:
        self._by_hash = {u.token_sha256: u for u in users}
        self.max_age = max_age

    @classmethod
    def from_file(cls, path: Path | str) -> UserDirectory:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        users = [User.model_validate(u) for u in data["users"]]
        days = data.get("token_max_age_days")
        if days is not None:
            undated = [u.name for u in users if u.issued_at is None]
            if undated:
                raise DataError(f"{path}：设置了 token_max_age_days，但用户 {'、'.join(undated)} 缺少 issued_at",
                                f"{path}: token_max_age_days is set but {', '.join(undated)} have no issued_at")
        return cls(users, timedelta(days=float(days)) if days is not None else None)

    def authenticate(self, token: str) -> User | None:
        digest = token_hash(token)
        for known, user in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return user
        return None

    def expires(self, user: User) -> datetime | None:
        """When ``user``'s token stops working (None: never)."""
        ends = [user.expires_at] if user.expires_at else []
        if self.max_age is not None and user.issued_at is not None:
            ends.append(user.issued_at + self.max_age)
        return min(ends) if ends else None

    def expired(self, user: User, now: datetime | None = None) -> bool:
        ends = self.expires(user)
        return ends is not None and ends <= (now or datetime.now(UTC))

    def demo_users(self) -> list[str]:
        """Names of users whose token is one of the public demo tokens."""
        public = {token_hash(token) for token in DEMO_TOKENS}
        return [user.name for digest, user in self._by_hash.items() if digest in public]


def refuse_demo_users(environment: str, users_file: Path, directory: UserDirectory) -> list[str]:
    """What is unsafe about the users outside a local demo (empty when nothing is, or when local)."""
    if environment == "local":
        return []
    problems = []
    if Path(users_file).resolve() == DEMO_USERS_FILE.resolve():
        problems.append(("AUTH_USERS_FILE 仍是随项目发布的演示用户文件",
                         "AUTH_USERS_FILE is the shipped demo users file"))
    elif demo := directory.demo_users():
        problems.append((f"用户文件中 {'、'.join(demo)} 使用公开的演示令牌",
                         f"users {', '.join(demo)} in the users file have public demo tokens"))
    return [f"{zh} / {en}" for zh, en in problems]
