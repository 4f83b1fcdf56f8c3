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

The service swaps to a promoted model without a restart (ModelHolder.reload). One job runs
at a time; its progress and outcome are stored in ``retrain_jobs``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select

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
    with ctx.sessions() as session:
        if session.scalar(select(RetrainJob).where(RetrainJob.status.in_(ACTIVE))) is not None:
            raise Conflict("已有训练任务在运行", "a retrain job is already running")
        job = RetrainJob(requested_by=requested_by, model=model, baseline_version=baseline)
        session.add(job)
        session.commit()
        return job.id


def _update(ctx: LearningContext, job_id: int, **fields: object) -> None:
    with ctx.sessions() as session:
        job = session.get(RetrainJob, job_id)
        for key, value in fields.items():
            setattr(job, key, value)
        session.commit()


def run_job(ctx: LearningContext, job_id: int) -> None:
    """Train, compare and decide; every failure ends the job as 'failed' with its message."""
    with _RUNNING:
        try:
            _run(ctx, job_id)
        except Exception as error:  # the job must end in a state a trainer can read
            _update(ctx, job_id, status="failed", progress="失败 failed", message=str(error), finished_at=utcnow())


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
