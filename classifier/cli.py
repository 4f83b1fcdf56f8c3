"""Command line: train, evaluate, predict and manage model versions.

    python -m classifier train --data PATH [--data PATH2 ...] [--out DIR] [--no-promote]
    python -m classifier evaluate --data PATH [--json] [--model VERSION]
    python -m classifier predict TEXT [--top-k 3] [--json]
    python -m classifier models [list | promote VERSION | rollback]

Exit codes: 0 success, 2 bad input or data, 3 no such model.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from classifier.dataset import fingerprint, load_many
from classifier.evaluation import evaluate, plot_confusion_matrix
from classifier.model import ComplaintClassifier
from classifier.registry import ModelRegistry
from classifier.settings import ClassifierSettings
from classifier.taxonomy import Taxonomy
from core.errors import DataError, UserFacingError, exit_with
from zhtext.clean import clean_text


def build_parser(settings: ClassifierSettings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifier",
                                     description="12345 工单智能标签归类 / complaint classifier")
    parser.add_argument("--models", type=Path, default=settings.model_dir, help="model registry directory")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="训练并登记新模型 / train and register a model")
    train.add_argument("--data", type=Path, action="append", required=True, help="training file (repeatable)")
    train.add_argument("--out", type=Path, help="model registry directory (overrides --models)")
    train.add_argument("--no-promote", action="store_true", help="register without making it current")

    ev = commands.add_parser("evaluate", help="评估模型 / evaluate a model on labelled data")
    ev.add_argument("--data", type=Path, required=True)
    ev.add_argument("--model", help="version to evaluate (default: current)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--report-dir", type=Path, default=settings.report_dir)

    pr = commands.add_parser("predict", help="预测一条工单 / classify one message")
    pr.add_argument("text")
    pr.add_argument("--top-k", type=int, default=3)
    pr.add_argument("--json", action="store_true")
    pr.add_argument("--taxonomy", type=Path, default=settings.taxonomy_path)

    models = commands.add_parser("models", help="模型版本管理 / list, promote, roll back")
    models.add_argument("action", nargs="?", default="list", choices=["list", "promote", "rollback"])
    models.add_argument("version", nargs="?")
    return parser


def cmd_train(args: argparse.Namespace, settings: ClassifierSettings) -> int:
    registry = ModelRegistry(args.out or args.models)
    examples = load_many(args.data)
    labels = [e.label for e in examples]
    if len(set(labels)) < 2:
        raise DataError("训练数据至少需要两个类别", "training data needs at least two labels")
    model = ComplaintClassifier(n_jobs=settings.n_jobs, verbose=True)
    started = time.perf_counter()
    model.fit([e.text for e in examples], labels)
    seconds = time.perf_counter() - started
    version = registry.save(
        model,
        {
            "data_files": [str(p) for p in args.data],
            "data_fingerprint": fingerprint(examples),
            "n_examples": len(examples),
            "labels": sorted(set(labels)),
            "params": model.get_params(),
            "metrics": model.cv_metrics_,
            "train_seconds": round(seconds, 2),
        },
    )
    if not args.no_promote:
        registry.promote(version)
    print(json.dumps({"version": version, "promoted": not args.no_promote, **model.cv_metrics_}, ensure_ascii=False))
    return 0


def cmd_evaluate(args: argparse.Namespace, settings: ClassifierSettings) -> int:
    registry = ModelRegistry(args.models)
    version = args.model or registry.current_version()
    model = registry.load(version)
    examples = load_many([args.data])
    print(f"[评估 evaluate] {len(examples)} messages with model {version}", file=sys.stderr)
    report = evaluate(model, [e.text for e in examples], [e.label for e in examples])
    plot = plot_confusion_matrix(report, args.report_dir / "confusion_matrix.png")
    result = {"model_version": version, "data": str(args.data), "data_fingerprint": fingerprint(examples),
              "confusion_matrix_png": str(plot), **report.to_dict()}
    (args.report_dir / "evaluation.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"模型 model {version}  样本 n={report.n}")
    print(f"accuracy {report.accuracy:.4f}  macro-F1 {report.macro_f1:.4f}  "
          f"top-2 {report.top2_accuracy:.4f}  ECE {report.ece:.4f}")
    print(f"{'类别 label':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    for label, scores in report.per_class.items():
        print(f"{label:<12}{scores['precision']:>10.3f}{scores['recall']:>10.3f}{scores['f1']:>10.3f}{scores['support']:>9d}")
    print(f"混淆矩阵 confusion matrix: {plot}")
    return 0


def cmd_predict(args: argparse.Namespace, settings: ClassifierSettings) -> int:
    if not clean_text(args.text):
        raise DataError("文本为空", "text is empty")
    if args.top_k < 1:
        raise DataError("--top-k 至少为 1", "--top-k must be at least 1")
    model = ModelRegistry(args.models).load()
    scores = model.analyse([args.text], top_k=args.top_k)[0]
    subcategories = Taxonomy.from_file(args.taxonomy).candidates(scores[0].label, args.text) if args.taxonomy else []
    result = {"labels": [asdict(s) for s in scores], "subcategories": [asdict(c) for c in subcategories]}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for score in scores:
        terms = "、".join(e.term for e in score.evidence) or "-"
        print(f"{score.label}\t{score.probability:.3f}\t依据 evidence: {terms}")
    for cand in subcategories:
        print(f"  └ {cand.level2} / {cand.level3}\t{cand.score:.3f}\t规则 rule: {'、'.join(cand.evidence)}")
    return 0


def cmd_models(args: argparse.Namespace, settings: ClassifierSettings) -> int:
    registry = ModelRegistry(args.models)
    if args.action == "promote":
        if not args.version:
            raise DataError("请指定要启用的版本", "promote needs a VERSION")
        registry.promote(args.version)
        print(f"current = {args.version}")
    elif args.action == "rollback":
        print(f"current = {registry.rollback()}")
    else:
        current = registry.current_version()
        for version in registry.versions():
            meta = registry.metadata(version)
            marker = "*" if version == current else " "
            cv_macro_f1 = meta.get("metrics", {}).get("cv_macro_f1", 0)
            print(f"{marker} {version}  n={meta.get('n_examples')}  cv_macro_f1={cv_macro_f1:.4f}")
    return 0


COMMANDS = {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict, "models": cmd_models}


def main(argv: Sequence[str] | None = None) -> int:
    settings = ClassifierSettings()
    args = build_parser(settings).parse_args(argv)
    try:
        return COMMANDS[args.command](args, settings)
    except UserFacingError as error:
        return exit_with(error)
