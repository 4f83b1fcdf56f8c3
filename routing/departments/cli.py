"""Command line of the learned dispatch model.

    python -m routing.departments train --data FILE [--holdout 0.2] [--labels all|strong] [--set KEY=VALUE ...]
    python -m routing.departments evaluate --data FILE [--json] [--all] [--model VERSION]
    python -m routing.departments experiment --data FILE --split validation|test|random [--set KEY=VALUE ...] [--json]
    python -m routing.departments check-labels --data FILE --hand FILE [--json]
    python -m routing.departments predict TEXT [--json]

``train`` learns from the earlier part of the file by message time (all but ``--holdout``) and
registers the model; ``evaluate`` scores the current model on the messages after its training
period (``--all``: every message), against the two baselines, and draws the precision–coverage
curve. ``experiment`` trains a fresh model for one split and scores it there without registering:
``validation`` is the last 20% of the earlier 80%, for choosing methods; ``test`` the later 20%;
``random`` a seeded random 20% of all messages (a diagnostic of the shift over time, not a target).
Exit codes: 0 ok, 2 bad input or data, 3 no such model.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from classifier.registry import ModelRegistry
from classifier.settings import ClassifierSettings
from core.errors import DataError, NoModelError, UserFacingError, exit_with
from routing.departments.data import RepliedMessage, load_replied, random_split, time_split
from routing.departments.evaluation import (
    Report,
    by_rule,
    category_default_scorer,
    check_labels,
    evaluate,
    load_hand_type_map,
    plot_precision_coverage,
    routing_table_scorer,
)
from routing.departments.model import DispatchModel
from routing.departments.service import table_unit_types
from routing.departments.settings import DepartmentSettings
from routing.departments.training import LABEL_CHOICES, fingerprint, fit_model
from routing.dispatch import Dispatcher
from routing.places import PlaceExtractor
from routing.settings import RouterSettings
from routing.table import load_routing_table

SPLIT_TITLES = {"validation": "validation slice", "test": "later 20% by time", "random": "random 20% (diagnostic)"}
SPLITS = tuple(SPLIT_TITLES)


def build_parser(settings: DepartmentSettings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m routing.departments",
                                     description="智能派单 learned dispatch model")
    parser.add_argument("--models", type=Path, default=settings.model_dir, help="model registry directory")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="训练并登记 / train on the earlier messages and register")
    train.add_argument("--data", type=Path, required=True)
    train.add_argument("--holdout", type=float, default=0.2, help="latest share of messages left out (0: none)")
    _model_options(train)
    train.add_argument("--no-promote", action="store_true")

    ev = commands.add_parser("evaluate", help="评估 / score the current model on later messages")
    ev.add_argument("--data", type=Path, required=True)
    ev.add_argument("--model", help="version (default: current)")
    ev.add_argument("--all", action="store_true", help="score every message, not only those after training")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--report-dir", type=Path, default=settings.report_dir)

    ex = commands.add_parser("experiment", help="试验 / train and score one split without registering")
    ex.add_argument("--data", type=Path, required=True)
    ex.add_argument("--split", choices=SPLITS, required=True)
    _model_options(ex)
    ex.add_argument("--no-baselines", action="store_true")
    ex.add_argument("--plot", type=Path, help="write the precision–coverage curve here")
    ex.add_argument("--json", action="store_true")

    check = commands.add_parser("check-labels", help="抽检 / the reply extractor against hand labels")
    check.add_argument("--data", type=Path, required=True)
    check.add_argument("--hand", type=Path, required=True, help="留言编号,jurisdiction,unit_type,unit_name,confidence")
    check.add_argument("--json", action="store_true")

    pr = commands.add_parser("predict", help="派单建议 / suggest units for one message")
    pr.add_argument("text")
    pr.add_argument("--json", action="store_true")
    return parser


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--labels", choices=LABEL_CHOICES, default="all",
                        help="train on handling units and referrals (all), handling units only, or the strong rules")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a DispatchModel parameter, e.g. --set C=1.0 --set mask_places=false")


def model_params(pairs: Sequence[str]) -> dict:
    """``KEY=VALUE`` strings as DispatchModel parameters, values typed like their defaults."""
    defaults = DispatchModel().get_params()
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in defaults:
            raise DataError(f"未知参数 {pair!r}，可用: {', '.join(sorted(defaults))}",
                            f"unknown parameter {pair!r}; known: {', '.join(sorted(defaults))}")
        default = defaults[key]
        try:
            if isinstance(default, bool):
                if value.lower() not in ("true", "false"):
                    raise ValueError(value)
                params[key] = value.lower() == "true"
            elif default is None or isinstance(default, str):
                params[key] = None if value.lower() == "none" else value
            else:
                params[key] = type(default)(value)
        except ValueError as exc:
            raise DataError(f"参数值无效 {pair!r}", f"invalid value in {pair!r}") from exc
    return params


def score_with_baselines(model: DispatchModel, records: Sequence[RepliedMessage],
                         baselines: bool = True) -> tuple[dict, dict[str, Report]]:
    """The model's figures and, when a category classifier is trained, both baselines'."""
    reports = {"model": evaluate(model, records)}
    notes = {}
    if baselines:
        try:
            reports.update(_baseline_reports(model, records))
        except NoModelError:
            notes["baselines"] = "no category classifier trained (python -m classifier train); baselines skipped"
    result = {**reports["model"].to_dict(), "by_rule": by_rule(reports["model"]),
              "model_params": model.get_params(), **notes}
    result["baselines"] = {name: report.to_dict() for name, report in reports.items() if name != "model"}
    return result, reports


def _baseline_reports(model: DispatchModel, records) -> dict[str, Report]:
    """Today's classifier and the sample district's routing table, as the service is configured."""
    router = RouterSettings()
    classifier = ModelRegistry(ClassifierSettings().model_dir).load()
    table = load_routing_table(router.routing_table)
    types = table_unit_types(table)
    dispatcher = Dispatcher(table, PlaceExtractor(router.gazetteer), router.auto_dispatch_threshold)
    threshold = router.auto_dispatch_threshold
    return {
        "routing_table": evaluate(model, records, routing_table_scorer(classifier, dispatcher, types),
                                  auto_threshold=threshold),
        "category_default": evaluate(model, records, category_default_scorer(classifier, table, types),
                                     auto_threshold=threshold),
    }


# ---- commands ------------------------------------------------------------------------------

def cmd_train(args: argparse.Namespace, settings: DepartmentSettings) -> int:
    if not 0 <= args.holdout < 1:
        raise DataError("--holdout 须在 0 和 1 之间", "--holdout must be in [0, 1)")
    records = load_replied(args.data)
    earlier, _ = time_split(records, args.holdout) if args.holdout else (records, [])
    params = model_params(args.set)
    model = fit_model(earlier, params, args.labels)
    registry = ModelRegistry(args.models)
    labelled = [r for r in earlier if r.labelled]
    version = registry.save(model, {
        "data_file": str(args.data),
        "data_fingerprint": fingerprint(earlier),
        "trained_until": earlier[-1].time.isoformat(),
        "holdout": args.holdout,
        "labels": args.labels,
        "n_messages": len(earlier),
        "n_labelled": len(labelled),
        "unit_types": [str(c) for c in model.classes_],
        "params": model.get_params(),
        "auto_threshold": model.auto_threshold_,
        "gazetteer_places": len(model.gazetteer_.places),
    })
    if not args.no_promote:
        registry.promote(version)
    (args.models / version / "gazetteer.yml").parent.mkdir(parents=True, exist_ok=True)
    model.gazetteer_.save(args.models / version / "gazetteer.yml")
    print(json.dumps({"version": version, "promoted": not args.no_promote, "n_labelled": len(labelled),
                      "auto_threshold": round(model.auto_threshold_, 4),
                      "gazetteer_places": len(model.gazetteer_.places)}, ensure_ascii=False))
    return 0


def cmd_evaluate(args: argparse.Namespace, settings: DepartmentSettings) -> int:
    registry = ModelRegistry(args.models)
    version = args.model or registry.current_version()
    model = registry.load(version)
    meta = registry.metadata(version)
    records = load_replied(args.data)
    if not args.all:
        since = datetime.fromisoformat(meta["trained_until"])
        records = [r for r in records if r.time > since]
        if not records:
            raise DataError(f"{args.data} 中没有晚于训练期（{since}）的留言；用 --all 评估全部",
                            f"no message in {args.data} after the training period ({since}); use --all")
    result, reports = score_with_baselines(model, records)
    title = "all messages" if args.all else f"messages after {meta['trained_until'][:10]}"
    plot = plot_precision_coverage(reports, args.report_dir / "departments_precision_coverage.png",
                                   model.auto_threshold_, title=title)
    result = {"model_version": version, "data": str(args.data), "since": None if args.all else meta["trained_until"],
              "precision_coverage_png": str(plot), **result}
    args.report_dir.mkdir(parents=True, exist_ok=True)
    (args.report_dir / "departments_evaluation.json").write_text(json.dumps(result, ensure_ascii=False, indent=2),
                                                                 encoding="utf-8")
    _print(result, args.json)
    return 0


def cmd_experiment(args: argparse.Namespace, settings: DepartmentSettings) -> int:
    records = load_replied(args.data)
    earlier, later = time_split(records)
    if args.split == "random":
        train, scored = random_split(records)
    else:
        train, scored = time_split(earlier) if args.split == "validation" else (earlier, later)
    model = fit_model(train, model_params(args.set), args.labels)
    result, reports = score_with_baselines(model, scored, baselines=not args.no_baselines)
    result = {"split": args.split, "trained_on": len(train), "labels": args.labels, **result}
    if args.plot:
        title = SPLIT_TITLES[args.split]
        result["precision_coverage_png"] = str(plot_precision_coverage(reports, args.plot, model.auto_threshold_,
                                                                       title=title))
    _print(result, args.json)
    return 0


def cmd_check_labels(args: argparse.Namespace, settings: DepartmentSettings) -> int:
    extractions = {r.id: r.extraction for r in load_replied(args.data)}
    if not args.hand.exists():
        raise DataError(f"文件不存在: {args.hand}", f"file not found: {args.hand}")
    with args.hand.open(encoding="utf-8-sig") as handle:
        hand = list(csv.DictReader(handle))
    missing = {"留言编号", "jurisdiction", "unit_type"} - set(hand[0] if hand else ())
    if missing:
        raise DataError(f"{args.hand} 缺少列 {', '.join(sorted(missing))}",
                        f"{args.hand} lacks columns {', '.join(sorted(missing))}")
    result = check_labels(extractions, hand, load_hand_type_map())
    _print(result, args.json)
    return 0


def cmd_predict(args: argparse.Namespace, settings: DepartmentSettings) -> int:
    if not args.text.strip():
        raise DataError("文本为空", "text is empty")
    model = ModelRegistry(args.models).load()
    suggestions = model.suggest([args.text], k=3)[0]
    result = [{"unit": s.unit.label(), "key": s.key, "score": s.score, "type_probability": s.type_probability,
               "auto_dispatch": model.should_auto_dispatch(s), "evidence": s.evidence} for s in suggestions]
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for item in result:
        terms = "、".join(item["evidence"].get("terms", [])) or "-"
        print(f"{item['unit']}\t{item['score']:.3f}\t依据 evidence: {terms}")
    return 0


def _print(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False, default=str))
        return
    keys = ("n", "labelled", "unit_type_top1", "unit_type_top3", "jurisdiction_accuracy", "unit_top1", "unit_top3",
            "auto_threshold", "auto_precision", "auto_coverage", "coverage_at_precision_95",
            "coverage", "type_precision", "jurisdiction_precision")
    for key in keys:
        if key in result:
            line = f"{key:<26}{result[key]}"
            for name, base in result.get("baselines", {}).items():
                line += f"   {name}: {base.get(key)}"
            print(line)


COMMANDS = {"train": cmd_train, "evaluate": cmd_evaluate, "experiment": cmd_experiment,
            "check-labels": cmd_check_labels, "predict": cmd_predict}


def main(argv: Sequence[str] | None = None) -> int:
    settings = DepartmentSettings()
    args = build_parser(settings).parse_args(argv)
    try:
        return COMMANDS[args.command](args, settings)
    except UserFacingError as error:
        return exit_with(error)



