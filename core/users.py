"""``python -m core.users add``: a new API user with a fresh random token, appended to a users file.

The token is printed once and only its SHA-256 is stored, so a lost token is replaced, not recovered.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from core.auth import Role, token_hash


def add_user(path: Path, name: str, role: Role, department: str | None = None, days: float | None = None) -> str:
    """Append the user to ``path`` (created if missing); the new token."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    data = data or {"users": []}
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC).replace(microsecond=0)
    user: dict[str, object] = {"name": name, "role": role.value, "token_sha256": token_hash(token),
                               "issued_at": now.isoformat()}
    if department:
        user["department"] = department
    if days is not None:
        user["expires_at"] = (now + timedelta(days=days)).isoformat()
    data["users"].append(user)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.users", description="API users / 接口用户")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="a new user with a fresh token (printed once)")
    add.add_argument("--file", type=Path, required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", type=Role, choices=list(Role), required=True)
    add.add_argument("--department")
    add.add_argument("--days", type=float, help="the token expires after this many days")
    args = parser.parse_args(argv)
    token = add_user(args.file, args.name, args.role, args.department, args.days)
    print(token)
    print(f"令牌只显示这一次 / the token is shown only once: {args.file}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
