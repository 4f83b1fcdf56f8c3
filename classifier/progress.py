"""Progress lines on stderr for steps that take more than a moment."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Progress:
    """Prints ``[name 2/4] step ... 3.1s`` so a long training run is never silent."""

    def __init__(self, name: str, total_steps: int, enabled: bool = True) -> None:
        self.name = name
        self.total_steps = total_steps
        self.enabled = enabled
        self._done = 0

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        self._done += 1
        started = time.perf_counter()
        if self.enabled:
            print(f"[{self.name} {self._done}/{self.total_steps}] {description} ...", file=sys.stderr, flush=True)
        yield
        if self.enabled:
            elapsed = time.perf_counter() - started
            print(f"[{self.name} {self._done}/{self.total_steps}] 完成 done in {elapsed:.1f}s", file=sys.stderr,
                  flush=True)
