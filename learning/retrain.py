"""Retraining as a background job: base data + approved feedback → candidate model →
comparison with the current model on a frozen split → promote only if not worse.

One machinery for every model in service; what differs is a ``RetrainTarget``:
- ``classifier`` — the first-level category model: base training files plus approved category
  labels, judged by macro-F1 on the frozen test file;
- ``departments`` — the dispatch model: the earlier part of the replied messages plus approved
  unit corrections (overrides and 退单 naming the right unit), judged by full-unit top-1 on the
  later part (the holdout, by time), which is never trained on;
- ``bot`` — the citizen bot (Rasa, its own environment): its data plus the reviewed examples of the
  trainer's 对话 tab, judged on its NLU test set and stories (``learning.bot_retrain``).

The service swaps to a promoted model without a restart (ModelHolder.reload). One job is active
at a time across every worker and process: the database refuses a second (a unique index on
``retrain_jobs.active``). A job whose worker died (killed mid-run, the server restarted) is ended
as failed with the reason, at start-up or when the next job is asked for, so it never blocks
retraining. Its progress and outcome are stored in ``retrain_jobs``.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from classifier.dataset import fingerprint, load_many
from classifier.evaluation import evaluate
from classifier.holder import ModelHolder
from classifier.model import ComplaintClassifier
from core.db import utcnow
from core.errors import BadRequest, Conflict
from learning import bot_retrain
from learning.context import LearningContext
from learning.feedback import approved_examples, approved_unit_examples
from learning.orm import BotReview, RetrainJob
from routing.departments import training as department_training
from routing.departments.data import load_replied, time_split
from routing.departments.evaluation import evaluate as evaluate_units

_RUNNING = threading.Lock()
ACTIVE = ("queued", "running")
MODELS = ("classifier", "departments", "bot")
#: Seconds between a running job's signs of life.
HEARTBEAT_SECONDS = 5.0
BUSY = ("已有训练任务在运行", "a retrain job is already running")


def this_worker() -> str:
    """How a job names the process running it: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_is_dead(worker: str | None) -> bool:
    """True when ``worker`` ran on this host and its process is gone (another host cannot be checked)."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def fail_stale_jobs(sessions: sessionmaker, stale_after: float, now: datetime | None = None) -> list[int]:
    """End as failed, with the reason, every active job whose worker died or stopped beating.

    Called at start-up (a job killed with the server would otherwise stay "running" forever) and
    before a new job is queued (a worker may die while the others keep serving). A job of a live
    worker on this host, or with a recent heartbeat, is left alone: another worker may be running it.
    """
    now = now or utcnow()
    ended = []
    with sessions() as session:
        for job in session.scalars(select(RetrainJob).where(RetrainJob.status.in_(ACTIVE))):
            last_seen = job.heartbeat_at or job.created_at
            if _worker_is_dead(job.worker):
                reason = f"运行该任务的进程（{job.worker}）已退出 / its worker process ({job.worker}) exited"
            elif last_seen < now - timedelta(seconds=stale_after):
                reason = (f"任务超过 {stale_after:.0f} 秒没有进展，运行它的进程已不在 / "
                          f"no sign of life for {stale_after:.0f} s: its worker is gone")
            else:
                continue
            job.status, job.active, job.progress = "failed", None, "失败 failed"
            job.message, job.finished_at = f"中止 aborted: {reason}", now
            ended.append(job.id)
        session.commit()
    return ended


@dataclass
class Scored:
    """A model's score on the frozen split (the figure promotion compares) and its full report."""

    score: float
    report: dict[str, Any]


class RetrainTarget(Protocol):
    metric: str
    holder: ModelHolder

    def load(self, ctx: LearningContext) -> int:
        """Read base data and approved feedback; return how many feedback examples there are."""

    def describe(self) -> str: ...

    def fit(self) -> Any: ...

    def evaluate(self, model: Any) -> Scored: ...

    def metadata(self, model: Any, scored: Scored) -> dict[str, Any]: ...


class ClassifierTarget:
    """The first-level category model."""

    metric = "macro-F1"

    def __init__(self, ctx: LearningContext) -> None:
        self.settings = ctx.settings
        self.holder = ctx.models

    def load(self, ctx: LearningContext) -> int:
        base = load_many(self.settings.base_training_files)
        with ctx.sessions() as session:
            self.feedback = approved_examples(session, ctx.table)
        self.examples = base + self.feedback
        self.test = load_many([self.settings.frozen_test_file])
        return len(self.feedback)

    def describe(self) -> str:
        return f"{len(self.examples)} examples ({len(self.feedback)} from feedback)"

    def fit(self) -> ComplaintClassifier:
        model = ComplaintClassifier(n_jobs=self.settings.retrain_n_jobs)
        return model.fit([e.text for e in self.examples], [e.label for e in self.examples])

    def evaluate(self, model: Any) -> Scored:
        report = evaluate(model, [e.text for e in self.test], [e.label for e in self.test])
        return Scored(report.macro_f1, report.to_dict())

    def metadata(self, model: ComplaintClassifier, scored: Scored) -> dict[str, Any]:
        return {
            "data_files": [str(p) for p in self.settings.base_training_files],
            "n_feedback": len(self.feedback),
            "data_fingerprint": fingerprint(self.examples),
            "n_examples": len(self.examples),
            "params": model.get_params(),
            "metrics": {**model.cv_metrics_, "test_macro_f1": scored.report["macro_f1"],
                        "test_accuracy": scored.report["accuracy"]},
            "test_file": str(self.settings.frozen_test_file),
        }


class DepartmentTarget:
    """The dispatch model (routing.departments), keeping the parameters of the model in service."""

    metric = "unit_top1"

    def __init__(self, ctx: LearningContext) -> None:
        self.settings = ctx.department_settings
        self.holder = ctx.holder("departments")

    def load(self, ctx: LearningContext) -> int:
        records = load_replied(self.settings.replies_file)
        self.train, self.frozen = time_split(records, self.settings.holdout)
        with ctx.sessions() as session:
            self.feedback = approved_unit_examples(session, ctx.table_units)
        current = self.holder.reload()
        self.params = current.model.get_params() if current is not None else {}
        return len(self.feedback)

    def describe(self) -> str:
        labelled = sum(1 for r in self.train if r.labelled)
        return f"{labelled} labelled replies ({len(self.feedback)} corrections from feedback)"

    def fit(self) -> Any:
        return department_training.fit_model(self.train, self.params, corrections=self.feedback)

    def evaluate(self, model: Any) -> Scored:
        figures = evaluate_units(model, self.frozen).to_dict()
        return Scored(figures["unit_top1"] or 0.0, figures)

    def metadata(self, model: Any, scored: Scored) -> dict[str, Any]:
        return {
            "data_file": str(self.settings.replies_file),
            "data_fingerprint": department_training.fingerprint(self.train, self.feedback),
            "trained_until": self.train[-1].time.isoformat(),
            "holdout": self.settings.holdout,
            "n_feedback": len(self.feedback),
            "n_labelled": sum(1 for r in self.train if r.labelled),
            "params": model.get_params(),
            "auto_threshold": model.auto_threshold_,
            "metrics": {key: scored.report[key] for key in ("unit_type_top1", "unit_type_top3", "unit_top1",
                                                             "unit_top3", "auto_precision", "auto_coverage")},
        }


def target_for(ctx: LearningContext, model: str) -> RetrainTarget:
    if model == "departments":
        return DepartmentTarget(ctx)
    return ClassifierTarget(ctx)


def start_job(ctx: LearningContext, requested_by: str, model: str = "classifier") -> RetrainJob:
    """Queue a job and run it on a background thread; refuse if one is already active."""
    job_id = queue_job(ctx, requested_by, model)
    threading.Thread(target=run_job, args=(ctx, job_id), name=f"retrain-{job_id}", daemon=True).start()
    with ctx.sessions() as session:
        return session.get(RetrainJob, job_id)


def queue_job(ctx: LearningContext, requested_by: str, model: str = "classifier") -> int:
    """Record a queued job for ``model`` (run it with ``run_job``); refuse if one is already active."""
    if model not in MODELS:
        known = ", ".join(MODELS)
        raise BadRequest(f"未知的模型 {model}（可选 {known}）", f"unknown model {model} ({known})")
    if model == "bot":
        project = bot_retrain.BotProject(ctx.bot, ctx.bot_server)
        baseline = project.version(project.current)
    else:
        try:
            baseline = ctx.holder(model).registry.current_version()
        except ValueError as error:
            raise BadRequest("未配置派单模型", str(error)) from error
    fail_stale_jobs(ctx.sessions, ctx.settings.stale_job_seconds)
    with ctx.sessions() as session:
        if session.scalar(select(RetrainJob.id).where(RetrainJob.status.in_(ACTIVE))) is not None:
            raise Conflict(*BUSY)
        job = RetrainJob(requested_by=requested_by, model=model, baseline_version=baseline,
                         active=True, worker=this_worker(), heartbeat_at=utcnow())
        session.add(job)
        try:
            session.commit()
        except IntegrityError as error:  # another worker queued one between the check and the insert
            raise Conflict(*BUSY) from error
        return job.id


def _update(ctx: LearningContext, job_id: int, **fields: object) -> None:
    """Store progress (a sign of life too); a job that reaches an end state leaves the active slot."""
    if fields.get("status") not in (None, *ACTIVE):
        fields["active"] = None
    with ctx.sessions() as session:
        job = session.get(RetrainJob, job_id)
        for key, value in {**fields, "heartbeat_at": utcnow()}.items():
            setattr(job, key, value)
        session.commit()


def _beat(ctx: LearningContext, job_id: int, stop: threading.Event) -> None:
    """Keep the running job's heartbeat fresh while a long fit holds no database session."""
    while not stop.wait(HEARTBEAT_SECONDS):
        with ctx.sessions() as session:
            session.execute(update(RetrainJob).where(RetrainJob.id == job_id, RetrainJob.active.is_(True))
                            .values(heartbeat_at=utcnow()))
            session.commit()


def run_job(ctx: LearningContext, job_id: int) -> None:
    """Train, compare and decide; every failure ends the job as 'failed' with its message."""
    stop = threading.Event()
    beating = threading.Thread(target=_beat, args=(ctx, job_id, stop), name=f"retrain-{job_id}-heartbeat",
                               daemon=True)
    beating.start()
    with _RUNNING:
        try:
            _run(ctx, job_id)
        except Exception as error:  # the job must end in a state a trainer can read
            _update(ctx, job_id, status="failed", progress="失败 failed", message=str(error), finished_at=utcnow())
        finally:
            stop.set()


def _run_bot(ctx: LearningContext, job_id: int) -> None:
    with ctx.sessions() as session:
        n_examples = session.scalar(select(func.count()).select_from(BotReview).where(BotReview.action != "reject"))
    bot_retrain.run(bot_retrain.BotProject(ctx.bot, ctx.bot_server), job_id,
                    lambda **fields: _update(ctx, job_id, **fields), ctx.bot.tolerance, n_examples or 0)


def _run(ctx: LearningContext, job_id: int) -> None:
    with ctx.sessions() as session:
        model_name = session.get(RetrainJob, job_id).model
    if model_name == "bot":
        return _run_bot(ctx, job_id)
    target = target_for(ctx, model_name)
    registry = target.holder.registry
    _update(ctx, job_id, status="running", progress="加载数据 loading data", percent=5)
    n_feedback = target.load(ctx)

    _update(ctx, job_id, progress=f"训练 training on {target.describe()}", percent=20, n_feedback=n_feedback)
    started = datetime.now()
    model = target.fit()
    train_seconds = (datetime.now() - started).total_seconds()

    _update(ctx, job_id, progress="评估 evaluating on the frozen split", percent=70)
    candidate = target.evaluate(model)
    baseline_version = registry.current_version()
    baseline = target.evaluate(registry.load(baseline_version)) if baseline_version else None

    version = registry.save(model, {**target.metadata(model, candidate), "train_seconds": round(train_seconds, 2)})
    tolerance = ctx.settings.promote_tolerance
    promote = baseline is None or candidate.score >= baseline.score - tolerance
    if promote:
        registry.promote(version, reason="retrain")
        target.holder.reload()
    report = {"candidate": candidate.report, "baseline": baseline.report if baseline else None,
              "tolerance": tolerance, "metric": target.metric}
    metric, delta = target.metric, candidate.score - (baseline.score if baseline else 0.0)
    _update(
        ctx, job_id, status="succeeded" if promote else "refused", percent=100,
        progress="完成 done", candidate_version=version, baseline_version=baseline_version, report=report,
        decision="promoted" if promote else "refused",
        message=(f"{metric} {candidate.score:.4f}（基线 {baseline.score:.4f}，差 {delta:+.4f}）"
                 if baseline else f"{metric} {candidate.score:.4f}（无基线 no baseline）"),
        finished_at=utcnow(),
    )
