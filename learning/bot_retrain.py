"""The citizen bot's retraining job (``model="bot"``): the trainer's reviewed examples reach the running bot.

The bot lives in its own environment (Rasa, Python 3.10), so the job drives it by its command line
and its HTTP API, never by import:

1. ``rasa data validate`` on the bot's data with the reviewed examples (``reviewed_file``);
2. ``rasa train`` a candidate;
3. ``rasa test`` the candidate: the NLU test set (intent macro-F1, entity micro-F1) and the end-to-end
   stories (conversation accuracy), and the current model the same way (its figures are kept beside it,
   so it is tested once per model and test data);
4. the candidate replaces the current model only when no figure is worse than the current model's minus
   ``tolerance`` (``decide``): the current file is kept as the previous one, the candidate takes its name
   and the running Rasa server loads it (``PUT /model``). If the server refuses, the files are put back.

``rollback`` swaps the previous model back in the same way. Progress and outcome are the same
``retrain_jobs`` rows as the other models'.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from core.db import utcnow
from core.errors import Conflict
from core.settings import BotSettings
from learning.settings import BotTrainingSettings

#: What "not worse" compares, each higher-is-better.
METRICS = ("intent_f1", "entity_f1", "story_accuracy")
#: Seconds the Rasa server may take to load a model after PUT /model.
LOAD_TIMEOUT = 600


class BotTrainingError(Exception):
    """A step of the bot's retraining failed; the message says which, with the tool's last words."""


@dataclass(frozen=True)
class Decision:
    replace: bool
    worse: tuple[str, ...]


def decide(candidate: dict[str, Any], baseline: dict[str, Any] | None, tolerance: float) -> Decision:
    """Replace when there is no current model, or when no figure the current model has is lower in the
    candidate than the current one's minus ``tolerance``. A figure the candidate lacks (no entity in the
    test set any more) where the current model has one counts as worse."""
    if baseline is None:
        return Decision(True, ())
    worse = tuple(m for m in METRICS if baseline.get(m) is not None
                  and (candidate.get(m) is None or candidate[m] < baseline[m] - tolerance))
    return Decision(not worse, worse)


def figures(results: Path) -> dict[str, Any]:
    """Rasa's reports in ``results`` (``rasa test``) as the figures the decision compares."""
    def read(name: str) -> dict[str, Any]:
        path = results / name
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    intents, entities, stories = read("intent_report.json"), read("DIETClassifier_report.json"), read(
        "story_report.json")
    conversations = stories.get("conversation_accuracy") or {}
    return {
        "intent_f1": intents.get("macro avg", {}).get("f1-score"),
        "intent_accuracy": intents.get("accuracy"),
        "entity_f1": entities.get("micro avg", {}).get("f1-score"),
        "story_accuracy": conversations.get("accuracy"),
        "stories": conversations.get("total"),
        "stories_failed": (conversations["total"] - conversations["correct"]) if conversations else None,
    }


class BotProject:
    """The bot's files and commands as the settings place them."""

    def __init__(self, settings: BotTrainingSettings, server: BotSettings) -> None:
        self.settings, self.server = settings, server
        self.model_dir = settings.model_dir
        self.current = self.model_dir / f"{settings.model_name}.tar.gz"
        self.previous = self.model_dir / f"{settings.model_name}.previous.tar.gz"
        self.work = self.model_dir / "candidates"

    # ---- commands --------------------------------------------------------------------------------

    def data_args(self) -> list[str]:
        """``--config … --domain … --data …`` with the reviewed examples unless a data folder holds them."""
        s = self.settings
        data = [s.path(p) for p in s.data]
        reviewed = s.reviewed_file.resolve()
        if reviewed.exists() and not any(reviewed.is_relative_to(d.resolve()) for d in data):
            data.append(reviewed)
        return ["--config", str(s.path(s.config)), "--domain", str(s.path(s.domain)), "--data", *map(str, data)]

    def rasa(self, *args: str) -> str:
        """Run the bot environment's rasa in the bot project; its output, or the error with its end."""
        command = [str(self.settings.rasa), *args]
        try:
            done = subprocess.run(command, cwd=self.settings.project_dir, capture_output=True, text=True,
                                  timeout=self.settings.command_timeout,
                                  env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        except (OSError, subprocess.TimeoutExpired) as error:
            raise BotTrainingError(f"rasa {args[0]}: {error}") from error
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
            raise BotTrainingError(f"rasa {' '.join(args[:2])} 失败 failed ({done.returncode}):\n{tail}")
        return done.stdout

    def validate(self) -> None:
        self.rasa("data", "validate", *self.data_args())

    def train(self, name: str) -> Path:
        self.work.mkdir(parents=True, exist_ok=True)
        self.rasa("train", *self.data_args(), "--out", str(self.work), "--fixed-model-name", name)
        return self.work / f"{name}.tar.gz"

    def test(self, model: Path, out: Path) -> dict[str, Any]:
        s = self.settings
        if out.exists():
            shutil.rmtree(out)
        self.rasa("test", "--model", str(model), "--nlu", str(s.path(s.nlu_test)),
                  "--stories", str(s.path(s.stories_test)), "--config", str(s.path(s.config)),
                  "--domain", str(s.path(s.domain)), "--out", str(out), "--no-plot")
        return figures(out)

    # ---- figures kept beside the model files ------------------------------------------------------

    def tests_fingerprint(self) -> str:
        digest = hashlib.sha256()
        for path in (self.settings.path(self.settings.nlu_test), self.settings.path(self.settings.stories_test)):
            digest.update(path.read_bytes())
        return digest.hexdigest()

    @staticmethod
    def model_fingerprint(model: Path) -> str:
        digest = hashlib.sha256()
        with model.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    @staticmethod
    def _figures_file(model: Path) -> Path:
        return model.with_name(model.name.removesuffix(".tar.gz") + ".figures.json")

    def known_figures(self, model: Path) -> dict[str, Any] | None:
        """The model's figures if they were measured on this very model and these test files."""
        path = self._figures_file(model)
        if not path.exists():
            return None
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("model") != self.model_fingerprint(model) or kept.get("tests") != self.tests_fingerprint():
            return None
        return kept["figures"]

    def keep_figures(self, model: Path, measured: dict[str, Any]) -> None:
        self._figures_file(model).write_text(json.dumps({
            "model": self.model_fingerprint(model), "tests": self.tests_fingerprint(), "figures": measured},
            ensure_ascii=False, indent=2), encoding="utf-8")

    # ---- the running server ------------------------------------------------------------------------

    def load_into_server(self, model: Path) -> None:
        """Ask the running Rasa server to serve ``model`` (its HTTP API, started with --enable-api)."""
        params = {"token": self.server.auth_token} if self.server.auth_token else None
        try:
            response = requests.put(f"{self.server.url.rstrip('/')}/model", params=params,
                                    json={"model_file": str(model.resolve())}, timeout=LOAD_TIMEOUT)
        except requests.RequestException as error:
            raise BotTrainingError(f"Rasa 服务无法连接 cannot reach the Rasa server: {error}") from error
        if response.status_code >= 300:
            raise BotTrainingError(f"Rasa 服务拒绝加载模型 the Rasa server refused the model "
                                   f"({response.status_code}): {response.text[:300]}")

    def swap_in(self, candidate: Path, measured: dict[str, Any]) -> None:
        """The candidate becomes the current model (the current one kept as previous) and the server loads it;
        if the server cannot, the files are put back as they were."""
        had_current = self.current.exists()
        if had_current:
            _replace_with_copy(self.current, self.previous)
            _replace_with_copy(self._figures_file(self.current), self._figures_file(self.previous))
        os.replace(candidate, self.current)
        self.keep_figures(self.current, measured)
        try:
            self.load_into_server(self.current)
        except BotTrainingError:
            if had_current:
                _replace_with_copy(self.previous, self.current)
                _replace_with_copy(self._figures_file(self.previous), self._figures_file(self.current))
            else:
                self.current.unlink()
            raise

    def rollback(self) -> str:
        """Swap the previous model back in (a second rollback swaps again); the server loads it."""
        if not self.previous.exists():
            raise Conflict("没有可回滚的上一版市民助手模型", "no previous bot model to roll back to")
        if self.current.exists():
            swap = self.model_dir / ".rollback.tar.gz"
            os.replace(self.current, swap)
            os.replace(self.previous, self.current)
            os.replace(swap, self.previous)
        else:
            os.replace(self.previous, self.current)
        figures_now, figures_before = self._figures_file(self.current), self._figures_file(self.previous)
        if figures_now.exists() or figures_before.exists():
            temp = self.model_dir / ".rollback.figures.json"
            if figures_now.exists():
                os.replace(figures_now, temp)
            if figures_before.exists():
                os.replace(figures_before, figures_now)
            if temp.exists():
                os.replace(temp, figures_before)
        try:
            self.load_into_server(self.current)
        except BotTrainingError as error:
            raise Conflict("模型文件已回滚，但 Rasa 服务没有加载：" + str(error),
                           "the model file was rolled back but the Rasa server did not load it") from error
        return self.version(self.current)

    def version(self, model: Path) -> str | None:
        """A short name for a model file: its content's fingerprint."""
        return self.model_fingerprint(model)[:12] if model.exists() else None


def _replace_with_copy(source: Path, target: Path) -> None:
    """``target`` becomes a copy of ``source`` in one step (a reader never sees half a file)."""
    if not source.exists():
        target.unlink(missing_ok=True)
        return
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.copy2(source, temporary)
    os.replace(temporary, target)


def run(project: BotProject, job_id: int, update: Any, tolerance: float, n_examples: int) -> None:
    """The job's steps; ``update(**fields)`` records progress on the job row."""
    update(status="running", progress="校验训练数据 rasa data validate", percent=5, n_feedback=n_examples)
    project.validate()
    update(progress="训练候选模型 rasa train", percent=15)
    candidate = project.train(f"candidate-job{job_id}")
    update(progress="测试候选模型 rasa test (NLU + stories)", percent=55)
    measured = project.test(candidate, project.work / f"results-job{job_id}" / "candidate")
    baseline_version = project.version(project.current)
    baseline = None
    if project.current.exists():
        baseline = project.known_figures(project.current)
        if baseline is None:
            update(progress="测试当前模型 rasa test (NLU + stories)", percent=75)
            baseline = project.test(project.current, project.work / f"results-job{job_id}" / "baseline")
            project.keep_figures(project.current, baseline)
    decision = decide(measured, baseline, tolerance)
    report = {"candidate": measured, "baseline": baseline, "tolerance": tolerance, "metric": ", ".join(METRICS),
              "worse": list(decision.worse)}
    summary = "；".join(f"{m} {_fixed(measured.get(m))}（当前 {_fixed((baseline or {}).get(m))}）" for m in METRICS)
    candidate_version = project.version(candidate)
    if decision.replace:
        update(progress="替换运行中的模型 PUT /model", percent=90)
        project.swap_in(candidate, measured)
        update(status="succeeded", decision="promoted", percent=100, progress="完成 done", report=report,
               candidate_version=candidate_version, baseline_version=baseline_version,
               message=f"已替换运行中的市民助手模型：{summary}", finished_at=utcnow())
    else:
        candidate.unlink(missing_ok=True)
        update(status="refused", decision="refused", percent=100, progress="完成 done", report=report,
               candidate_version=candidate_version, baseline_version=baseline_version,
               message=f"未替换（{'、'.join(decision.worse)} 变差）：{summary}", finished_at=utcnow())


def _fixed(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def current_info(project: BotProject) -> dict[str, Any]:
    """What ``GET /api/models?model=bot`` shows: the running model's file, fingerprint and figures."""
    versions: Sequence[Path] = [p for p in (project.current, project.previous) if p.exists()]
    return {
        "current": project.version(project.current),
        "versions": [{"version": project.version(p), "file": p.name, "figures": project.known_figures(p)}
                     for p in versions],
        "history": [],
    }
