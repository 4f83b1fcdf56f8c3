"""A model in service (the category or the work-order type model), swappable without a restart.

Callers use ``reload()``: it reads the registry's small CURRENT file and loads only when the
version changed, so a promotion made by any worker process reaches every worker.
Loading warms the model up (jieba builds its dictionary on first use, ~1 s), so no caller
waits for it. Requests read ``holder.current`` once and use that (model, version) pair throughout, so a
swap in the middle of a request never mixes two models; the swap itself is one reference
assignment.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.registry import ModelRegistry
from core.errors import NoModelError


@dataclass(frozen=True)
class LoadedModel:
    model: Any
    version: str


class ModelHolder:
    def __init__(self, registry: ModelRegistry) -> None:
        self.registry = registry
        self._lock = threading.Lock()
        self.current: LoadedModel | None = None

    @classmethod
    def open(cls, root: Path) -> ModelHolder:
        """A holder on the registry at ``root``, its current version (if any) already loaded."""
        holder = cls(ModelRegistry(root))
        holder.reload()
        return holder

    def reload(self) -> LoadedModel | None:
        """Load the registry's current version (if it changed), warm it up, and swap it in."""
        with self._lock:
            version = self.registry.current_version()
            if version is None:
                self.current = None
            elif self.current is None or self.current.version != version:
                try:
                    loaded = LoadedModel(self.registry.load(version), version)
                except NoModelError:
                    loaded = None
                if loaded is not None:
                    loaded.model.predict_proba(["预热 warm-up"])
                self.current = loaded
            return self.current
