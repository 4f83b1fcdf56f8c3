"""Does the loop pay? The later orders replayed as a stream through the real feedback loop.

The service knows the earlier 80% of the replied messages by time (of which, as in the
service, the last ``holdout`` share is the frozen comparison split of retraining). The later
20% then arrive in time order. For each order the dispatch model in service suggests a unit;
where its first suggestion is not the unit that really handled the order (read from the
reply), the operator corrects it, and the correction is approved as a trainer would. Every
``every`` orders the same retraining job as the service's (``learning.retrain``, model
``departments``) trains a candidate on the base data plus the corrections so far, compares it
on the frozen split and promotes it only if it is not worse.

Accuracy per round is measured on that round's orders before they teach anything (each order
is predicted by the model in service when it arrives), beside the accuracy of the first model
left alone, so the gap is what the loop earned.

    python -m learning.replay --data FILE [--every 100] [--tolerance 0.0] [--out DIR] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from classifier.holder import ModelHolder
from classifier.registry import ModelRegistry
from core.db import make_engine, make_session_factory, upgrade_database
from core.errors import DataError, UserFacingError, exit_with
from core.settings import in_home
from learning.context import LearningContext
from learning.orm import LabelCandidate, RetrainJob
from learning.retrain import queue_job, run_job
from learning.settings import LearningSettings
from routing.departments.data import RepliedMessage, load_replied, time_split
from routing.departments.settings import DepartmentSettings
from routing.table import RoutingTable


def _write_subset(source: Path, ids: set[str], target: Path) -> None:
    """The rows of ``source`` whose 留言编号 is in ``ids``, same columns (the service's own history)."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if row["留言编号"].strip() in ids]
        columns = reader.fieldnames or []
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _retrain(ctx: LearningContext) -> dict:
    """One run of the service's retraining job for the dispatch model; its outcome."""
    job_id = queue_job(ctx, "replay", "departments")
    run_job(ctx, job_id)
    with ctx.sessions() as session:
        job = session.get(RetrainJob, job_id)
        if job.status == "failed":
            raise RuntimeError(f"retraining failed: {job.message}")
        return {"decision": job.decision, "message": job.message, "version": job.candidate_version}


def replay(data: Path, work: Path, every: int = 100, tolerance: float = 0.0, holdout: float = 0.2) -> dict:
    """Run the replay in ``work`` (database and model registry); rounds of accuracy and decisions."""
    if every < 1:
        raise DataError("--every 至少为 1", "--every must be at least 1")
    records = load_replied(data)
    history, stream = time_split(records)
    replies = work / "history.csv"
    _write_subset(Path(data), {r.id for r in history}, replies)
    engine = make_engine(f"sqlite:///{work / 'replay.db'}")
    upgrade_database(engine)
    departments = ModelHolder(ModelRegistry(work / "departments"))
    ctx = LearningContext(
        settings=LearningSettings(promote_tolerance=tolerance),
        sessions=make_session_factory(engine),
        models=ModelHolder(ModelRegistry(work / "classifier")),
        table=RoutingTable(departments={}, routes=[]),
        departments=departments,
        department_settings=DepartmentSettings(model_dir=work / "departments", replies_file=replies, holdout=holdout),
    )
    first = _retrain(ctx)
    static = departments.reload().model
    rounds = []
    for start in range(0, len(stream), every):
        chunk = stream[start : start + every]
        served = departments.reload()
        scored = [r for r in chunk if r.labelled and r.handler.complete]
        live, kept, corrections = _score(served.model, scored), _score(static, scored), 0
        with ctx.sessions() as session:
            for record, suggestion in zip(scored, live["suggestions"], strict=True):
                truth = served.model.gazetteer_.complete(record.handler)
                if suggestion != truth.key:
                    corrections += 1
                    session.add(LabelCandidate(text=record.text, field="department", old_value=suggestion,
                                               new_value=truth.key, source="override", actor="replay",
                                               status="approved", reviewed_by="replay"))
            session.commit()
        outcome = _retrain(ctx)
        rounds.append({
            "round": len(rounds) + 1, "orders": len(chunk), "scored": len(scored),
            "first_order": chunk[0].time.isoformat(), "model_version": served.version,
            "unit_top1": live["unit_top1"], "unit_top1_without_loop": kept["unit_top1"],
            "corrections": corrections, "retrain_decision": outcome["decision"], "retrain_message": outcome["message"],
        })
    engine.dispose()
    return {"data": str(data), "every": every, "tolerance": tolerance, "history": len(history),
            "stream": len(stream), "first_model": first, "rounds": rounds, "unit_top1": _pooled(rounds, "unit_top1"),
            "unit_top1_without_loop": _pooled(rounds, "unit_top1_without_loop")}


def _score(model, records: Sequence[RepliedMessage]) -> dict:
    suggestions = [s[0].key if s else "" for s in model.suggest([r.text for r in records], k=1)] if records else []
    truths = [model.gazetteer_.complete(r.handler).key for r in records]
    right = sum(1 for s, t in zip(suggestions, truths, strict=True) if s == t)
    return {"suggestions": suggestions, "unit_top1": round(right / len(records), 4) if records else None}


def _pooled(rounds: list[dict], key: str) -> float | None:
    """Accuracy over all replayed orders (rounds weighted by their scored orders)."""
    scored = sum(r["scored"] for r in rounds if r[key] is not None)
    right = sum(r[key] * r["scored"] for r in rounds if r[key] is not None)
    return round(right / scored, 4) if scored else None


def plot(result: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rounds = [r["round"] for r in result["rounds"]]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(rounds, [r["unit_top1"] for r in result["rounds"]], marker="o", label="with the loop (retrained)")
    ax.plot(rounds, [r["unit_top1_without_loop"] for r in result["rounds"]], marker="s", linestyle="--",
            label="first model, never retrained")
    for r in result["rounds"]:
        ax.annotate(f"{r['scored']}", (r["round"], r["unit_top1"]), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=7)
    ax.set_xlabel(f"round ({result['every']} orders each, in time order)")
    ax.set_ylabel("full unit top-1 on the round's orders")
    ax.set_ylim(0, 1)
    ax.set_xticks(rounds)
    ax.set_title("Replay of the later orders: operator corrections, retraining every round")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m learning.replay", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="replied messages (留言编号, 留言时间, 答复意见, …)")
    parser.add_argument("--every", type=int, default=100, help="orders between two retraining jobs")
    parser.add_argument("--tolerance", type=float, default=0.0, help="promotion tolerance on the frozen split")
    parser.add_argument("--out", type=Path, default=in_home("reports"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="replay-") as work:
            result = replay(args.data, Path(work), args.every, args.tolerance)
    except UserFacingError as error:
        return exit_with(error)
    result["plot"] = str(plot(result, args.out / "departments_replay.png"))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "departments_replay.json").write_text(json.dumps(result, ensure_ascii=False, indent=2),
                                                      encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for r in result["rounds"]:
            print(f"round {r['round']}: {r['scored']} scored, top-1 {r['unit_top1']} "
                  f"(without the loop {r['unit_top1_without_loop']}), {r['corrections']} corrections, "
                  f"retrain {r['retrain_decision']}")
        print(f"overall top-1 {result['unit_top1']} (without the loop {result['unit_top1_without_loop']}); "
              f"{result['plot']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
