"""Model registry: versioned model directories and an atomically switched ``current`` pointer.

Layout under the registry root::

    <version>/model.joblib      the fitted estimator
    <version>/metadata.json     data fingerprint, parameters, metrics, creation time
    CURRENT                     the version in service (replaced atomically)
    history.jsonl               every promotion and rollback, newest last

A version directory is written under a temporary name and renamed into place, so a
reader never sees half a model; ``CURRENT`` is switched with ``os.replace``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from core.errors import NoModelError

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
CURRENT_FILE = "CURRENT"
HISTORY_FILE = "history.jsonl"


def _now() -> datetime:
    return datetime.now(UTC)


class ModelRegistry:
    """Save, list, load, promote and roll back model versions in one directory."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def save(self, model: Any, metadata: dict[str, Any]) -> str:
        """Store ``model`` as a new version and return its name; does not promote it."""
        self.root.mkdir(parents=True, exist_ok=True)
        created = _now()
        version = f"{created:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.root))
        try:
            joblib.dump(model, staging / MODEL_FILE, compress=3)
            record = {"version": version, "created_at": created.isoformat(), **metadata}
            (staging / METADATA_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
            staging.rename(self.root / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return version

    def versions(self) -> list[str]:
        """All complete versions, oldest first."""
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and (p / METADATA_FILE).exists())

    def metadata(self, version: str) -> dict[str, Any]:
        path = self._version_dir(version) / METADATA_FILE
        return json.loads(path.read_text(encoding="utf-8"))

    def current_version(self) -> str | None:
        pointer = self.root / CURRENT_FILE
        if not pointer.exists():
            return None
        return pointer.read_text(encoding="utf-8").strip() or None

    def load(self, version: str | None = None) -> Any:
        """Load ``version``, or the current model when omitted."""
        version = version or self.current_version()
        if version is None:
            raise NoModelError(
                f"{self.root} 中尚无已启用的模型，请先运行 python -m classifier train",
                f"no current model in {self.root}; run python -m classifier train first",
            )
        return joblib.load(self._version_dir(version) / MODEL_FILE)

    def promote(self, version: str, reason: str = "promote") -> None:
        """Make ``version`` current, atomically, and record it in the history."""
        self._version_dir(version)
        previous = self.current_version()
        self._write_atomic(self.root / CURRENT_FILE, version + "\n")
        entry = {"at": _now().isoformat(), "action": reason, "version": version, "previous": previous}
        with (self.root / HISTORY_FILE).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def history(self) -> list[dict[str, Any]]:
        path = self.root / HISTORY_FILE
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def rollback(self) -> str:
        """Restore the version promoted before the current one; return it.

        Promotions form a stack: each rollback pops one, so rolling back twice goes two
        versions back rather than toggling between the last two.
        """
        stack: list[str] = []
        for entry in self.history():
            if entry["action"] == "rollback":
                stack.pop()
            else:
                stack.append(entry["version"])
        if len(stack) < 2:
            raise NoModelError("没有可回滚到的上一个版本", "there is no previous version to roll back to")
        target = stack[-2]
        self.promote(target, reason="rollback")
        return target

    def _version_dir(self, version: str) -> Path:
        path = self.root / version
        if not version or "/" in version or version.startswith(".") or not (path / METADATA_FILE).exists():
            raise NoModelError(f"模型版本不存在: {version}", f"no such model version: {version}")
        return path

    @staticmethod
    def _write_atomic(path: Path, content: str) -> None:
        temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        temp.write_text(content, encoding="utf-8")
        os.replace(temp, path)
