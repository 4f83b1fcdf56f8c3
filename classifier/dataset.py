"""Loading labelled and unlabelled citizen messages from .csv, .xlsx and .jsonl files.

Two layouts are accepted, matching the real data:
- raw messages: 留言编号, 留言主题, 留言详情 and the label 一级标签 (or 一级分类);
- pre-segmented messages: text_tokens and label_level1 (row_id optional).
Every text is normalised and has personal data masked here, before anything else sees it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import DataError
from zhtext.clean import clean_text
from zhtext.segment import detokenize

ID_COLUMNS = ("留言编号", "row_id")
TITLE_COLUMN = "留言主题"
BODY_COLUMN = "留言详情"
LABEL_COLUMNS = ("一级标签", "一级分类", "label_level1")
TOKENS_COLUMN = "text_tokens"
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".jsonl")


@dataclass(frozen=True)
class Example:
    """One message: its id, its cleaned running text, and its first-level label if known."""

    id: str
    text: str
    label: str | None = None


def read_rows(path: Path | str) -> list[dict[str, str]]:
    """Read a table as a list of dicts with string values, by file suffix."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"文件不存在: {path}", f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DataError(
            f"不支持的文件格式 {suffix or '(无后缀)'}，请使用 .csv、.xlsx 或 .jsonl",
            f"unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .jsonl",
        )
    try:
        if suffix == ".csv":
            rows = _read_csv(path)
        elif suffix == ".xlsx":
            rows = _read_xlsx(path)
        else:
            rows = _read_jsonl(path)
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error, OSError, ValueError) as exc:
        raise DataError(f"无法读取文件 {path}: {exc}", f"cannot read {path}: {exc}") from exc
    if not rows:
        raise DataError(f"文件没有数据行: {path}", f"file has no data rows: {path}")
    return rows


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k.strip(): _clean(v) for k, v in row.items() if k} for row in csv.DictReader(handle)]


def _read_xlsx(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.active.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return []
        names = [_clean(h) for h in header]
        table = []
        for values in rows:
            if values is None or all(v is None for v in values):
                continue
            table.append({n: _clean(v) for n, v in zip(names, values, strict=False) if n})
        return table
    finally:
        workbook.close()


def _read_jsonl(path: Path) -> list[dict[str, str]]:
    table = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError(f"line {number} is not a JSON object")
            table.append({str(k).strip(): _clean(v) for k, v in record.items()})
    return table


def _first_present(columns: Iterable[str], candidates: Sequence[str]) -> str | None:
    present = set(columns)
    return next((c for c in candidates if c in present), None)


def load_examples(path: Path | str, require_label: bool = True) -> list[Example]:
    """Load messages from ``path``; with ``require_label`` every row must carry a label."""
    rows = read_rows(path)
    columns = rows[0].keys()
    label_col = _first_present(columns, LABEL_COLUMNS)
    if require_label and label_col is None:
        raise DataError(
            f"{path}: 缺少标签列 一级标签（或 一级分类 / label_level1）",
            f"{path}: missing label column 一级标签 (or 一级分类 / label_level1)",
        )
    id_col = _first_present(columns, ID_COLUMNS)
    pretokenized = TOKENS_COLUMN in columns
    if not pretokenized and TITLE_COLUMN not in columns and BODY_COLUMN not in columns:
        raise DataError(
            f"{path}: 缺少文本列 留言主题 / 留言详情（或已分词的 text_tokens）",
            f"{path}: missing text columns 留言主题 / 留言详情 (or pre-tokenized text_tokens)",
        )
    examples = []
    for number, row in enumerate(rows, start=2 if path_is_tabular(path) else 1):
        if pretokenized:
            raw = detokenize(row.get(TOKENS_COLUMN, ""))
        else:
            title, body = row.get(TITLE_COLUMN, ""), row.get(BODY_COLUMN, "")
            raw = f"{title}。{body}" if title and body else title or body
        text = clean_text(raw)
        if not text:
            raise DataError(
                f"{path} 第 {number} 行: 留言主题和留言详情均为空",
                f"{path} row {number}: both title and body are empty",
            )
        label = row.get(label_col, "") if label_col else ""
        if require_label and not label:
            raise DataError(f"{path} 第 {number} 行: 标签为空", f"{path} row {number}: label is empty")
        row_id = row.get(id_col, "") if id_col else ""
        examples.append(Example(id=row_id or str(number), text=text, label=label or None))
    return examples


def path_is_tabular(path: Path | str) -> bool:
    """Whether row numbers in messages should count a header line (csv, xlsx)."""
    return Path(path).suffix.lower() in (".csv", ".xlsx")


def load_many(paths: Iterable[Path | str], require_label: bool = True) -> list[Example]:
    """Load and concatenate several files, in order."""
    examples: list[Example] = []
    for path in paths:
        examples.extend(load_examples(path, require_label=require_label))
    return examples


def fingerprint(examples: Iterable[Example]) -> str:
    """A stable hash of texts and labels: which data a model was trained or evaluated on."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(example.text.encode("utf-8"))
        digest.update(b"\x1f")
        digest.update((example.label or "").encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]
