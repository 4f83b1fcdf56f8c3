"""Where a request's time goes: named stages timed on the server, wall clock and CPU, per request.

The service benchmark needs each stage of a request (parse, segment, classify, dispatch,
database, response) measured where it runs, not guessed from the client. Code marks its
stages with ``stage("segment")`` and an endpoint's own work with ``handler``; a request collects
them only when the composition root turned timing on (``SERVER_TIMING``) and opened a
``Timings`` for it, so in normal service a stage costs one context-variable lookup.

- ``parse``: from the request's arrival to the endpoint (reading and validating the body,
  authentication, dependencies, waiting for a worker thread); wall time only.
- the named stages inside the endpoint, each exclusive of the stages nested inside it;
- ``other``: the endpoint's time outside any named stage;
- ``response``: building the response body in the endpoint, then the framework's serialisation
  until the response starts (wall; CPU only for the part in the endpoint);
- ``total``: arrival to response start.

CPU time is the running thread's (``thread_time``), so it excludes the other requests sharing
the process: the figure to trust on a busy machine.

    with stage("classify"):
        model.analyse([doc])
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Timings:
    """The stages of one request: name → [wall ms, CPU ms or None when not measurable]."""

    began: float = field(default_factory=time.perf_counter)
    stages: dict[str, list] = field(default_factory=dict)
    handler_ended: float | None = None
    _open: list[list[float]] = field(default_factory=list, repr=False)

    def add(self, name: str, wall_ms: float, cpu_ms: float | None) -> None:
        totals = self.stages.setdefault(name, [0.0, None])
        totals[0] += wall_ms
        if cpu_ms is not None:
            totals[1] = (totals[1] or 0.0) + cpu_ms

    def finish(self) -> None:
        """At the response's start: the framework's part of ``response``, and ``total``."""
        now = time.perf_counter()
        if self.handler_ended is not None:
            self.add("response", (now - self.handler_ended) * 1000, None)
        self.add("total", (now - self.began) * 1000, None)

    def header(self) -> str:
        """The stages as a ``Server-Timing`` header value (``dur`` wall ms, ``cpu`` CPU ms when known)."""
        return ", ".join(f"{name};dur={wall:.3f}" + ("" if cpu is None else f";cpu={cpu:.3f}")
                         for name, (wall, cpu) in self.stages.items())


_current: ContextVar[Timings | None] = ContextVar("request_timings", default=None)


def start() -> tuple[Timings, object]:
    """Collect the stages of the request running in this context; returns them and a token for ``stop``."""
    timings = Timings()
    return timings, _current.set(timings)


def stop(token: object) -> None:
    """Stop collecting (the request is done)."""
    _current.reset(token)  # type: ignore[arg-type]


def current() -> Timings | None:
    return _current.get()


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as stage ``name`` of the current request (nothing when timing is off)."""
    timings = _current.get()
    if timings is None:
        yield
        return
    inner = [0.0, 0.0]  # time of the stages nested inside this one
    timings._open.append(inner)
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        wall, cpu = (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000
        timings._open.pop()
        if timings._open:
            timings._open[-1][0] += wall
            timings._open[-1][1] += cpu
        timings.add(name, wall - inner[0], cpu - inner[1])


@contextmanager
def handler() -> Iterator[None]:
    """The endpoint's own work: the time before it is ``parse``, the time after it ``response``."""
    timings = _current.get()
    if timings is None:
        yield
        return
    timings.add("parse", (time.perf_counter() - timings.began) * 1000, None)
    try:
        with stage("other"):
            yield
    finally:
        timings.handler_ended = time.perf_counter()
