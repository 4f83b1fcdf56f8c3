"""Retraining as a background job: base data + approved feedback → candidate model →
comparison with the current model on the frozen test file → promote only if not worse.

The service swaps to a promoted model without a restart (ModelHolder.reload). One job runs
at a time; its progress and outcome are stored in ``retrain_jobs``.
"""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import select

from classifier.dataset import fingerprint, load_many
from classifier.evaluation import evaluate
from classifier.model import ComplaintClassifier
from core.db import utcnow
from core.errors import Conflict
from learning.context import LearningContext
from learning.feedback import approved_examples
from learning.orm import RetrainJob

_RUNNING = threading.Lock()
ACTIVE = ("queued", "running")


def start_job(ctx: LearningContext, requested_by: str) -> RetrainJob:
    """Queue a job and run it on a background thread; refuse if one is already active."""
    with ctx.sessions() as session:
        if session.scalar(select(RetrainJob).where(RetrainJob.status.in_(ACTIVE))) is not None:
            raise Conflict("已有训练任务在运行", "a retrain job is already running")
        job = RetrainJob(requested_by=requested_by, baseline_version=ctx.models.registry.current_version())
        session.add(job)
        session.commit()
        job_id = job.id
    threading.Thread(target=run_job, args=(ctx, job_id), name=f"retrain-{job_id}", daemon=True).start()
    return job


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


def _run(ctx: LearningContext, job_id: int) -> None:
    settings = ctx.settings
    registry = ctx.models.registry
    _update(ctx, job_id, status="running", progress="加载数据 loading data", percent=5)
    base = load_many(settings.base_training_files)
    with ctx.sessions() as session:
        feedback = approved_examples(session, ctx.table)
    examples = base + feedback
    test = load_many([settings.frozen_test_file])
    test_texts, test_labels = [e.text for e in test], [e.label for e in test]

    _update(ctx, job_id, progress=f"训练 training on {len(examples)} examples ({len(feedback)} from feedback)",
            percent=20, n_feedback=len(feedback))
    started = datetime.now()
    model = ComplaintClassifier(n_jobs=settings.retrain_n_jobs)
    model.fit([e.text for e in examples], [e.label for e in examples])
    train_seconds = (datetime.now() - started).total_seconds()

    _update(ctx, job_id, progress="评估 evaluating on the frozen test set", percent=70)
    candidate = evaluate(model, test_texts, test_labels)
    baseline_version = registry.current_version()
    baseline = evaluate(registry.load(baseline_version), test_texts, test_labels) if baseline_version else None

    version = registry.save(model, {
        "data_files": [str(p) for p in settings.base_training_files],
        "n_feedback": len(feedback),
        "data_fingerprint": fingerprint(examples),
        "n_examples": len(examples),
        "params": model.get_params(),
        "metrics": {**model.cv_metrics_, "test_macro_f1": candidate.macro_f1, "test_accuracy": candidate.accuracy},
        "test_file": str(settings.frozen_test_file),
        "train_seconds": round(train_seconds, 2),
    })
    promote = baseline is None or candidate.macro_f1 >= baseline.macro_f1 - settings.promote_tolerance
    if promote:
        registry.promote(version, reason="retrain")
        ctx.models.reload()
    report = {"candidate": candidate.to_dict(), "baseline": baseline.to_dict() if baseline else None,
              "tolerance": settings.promote_tolerance}
    delta = candidate.macro_f1 - (baseline.macro_f1 if baseline else 0.0)
    _update(
        ctx, job_id, status="succeeded" if promote else "refused", percent=100,
        progress="完成 done", candidate_version=version, baseline_version=baseline_version, report=report,
        decision="promoted" if promote else "refused",
        message=(f"macro-F1 {candidate.macro_f1:.4f}（基线 {baseline.macro_f1:.4f}，差 {delta:+.4f}）" if baseline
                 else f"macro-F1 {candidate.macro_f1:.4f}（无基线 no baseline）"),
        finished_at=utcnow(),
    )
