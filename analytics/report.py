"""The monthly analysis report (数据分析月报) for leaders: the numbers, and the PDF made from them.

    python -m analytics.report --from 2019-11-01 --to 2019-11-30 --out report.pdf
        [--messages FILE] [--replies FILE] [--top N] [--json FILE]

``build_report`` gathers one period's figures into a ``ReportData`` (also served as JSON to the
``/analysis`` page): volume by day or week, and by category, department and channel where the
source knows them; the hottest issues with their trend inside the period; the early warnings
raised in it; the service rates (响应率, 办结率, 按时办结率, 满意率) where a ticket store supplies
them; reply quality; and the bot's 好差评 by intent and by item (from the database; a marked gap for files).
``render_pdf`` draws the same data on A4 pages with matplotlib, embedding the Chinese font
(TrueType, so any PDF reader shows it). The period runs from the start of ``--from`` to the end
of ``--to``. Progress goes to stderr; exit code 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from analytics.dataset import Message, load_messages, parse_time
from analytics.hotspots import HotIssues, HotspotConfig, Progress, known_places, stderr_progress
from analytics.places import default_gazetteer
from analytics.replies import ReplyRules, score_reply, summarise
from core.errors import DataError, UserFacingError

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "SimHei")
BOT_RATING_GAP = "暂无数据：来源没有机器人好差评记录 / not in this source (no bot ratings)"
RATES = ("响应率", "办结率", "按时办结率", "满意率")


@dataclass
class ReportData:
    """Everything one report shows; JSON-ready through ``to_json``."""

    start: date
    end: date
    generated_at: datetime
    sources: dict[str, str]
    total: int
    volume_by_day: list[tuple[str, int]]
    by_category: dict[str, int] | None
    by_department: dict[str, int] | None
    by_channel: dict[str, int] | None
    hot_issues: list[dict]
    warnings: list[dict]
    service: dict | None
    reply_quality: dict | None
    reply_quality_by_department: dict[str, dict] | None
    bot_rating: dict | None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        data["generated_at"] = self.generated_at.isoformat(sep=" ", timespec="seconds")
        return data


@dataclass
class Labels:
    """What a source knows about each message id beyond its text (from the ticket store)."""

    category: dict[str, str] = field(default_factory=dict)
    department: dict[str, str] = field(default_factory=dict)
    channel: dict[str, str] = field(default_factory=dict)


def build_report(messages: Sequence[Message], start: date, end: date, *, replies: Sequence[Message] = (),
                 labels: Labels | None = None, service: dict | None = None, bot_rating: dict | None = None,
                 sources: dict[str, str] | None = None, top: int = 10, config: HotspotConfig | None = None,
                 known: dict[str, str] | None = None, progress: Progress = lambda *_: None) -> ReportData:
    """The report for ``start``..``end`` (both days included) from messages up to the end of the period."""
    if end < start:
        raise DataError("结束日期早于开始日期", "the end date is before the start date")
    begin, finish = datetime.combine(start, datetime.min.time()), datetime.combine(end + timedelta(days=1),
                                                                                  datetime.min.time())
    labels = labels or Labels()
    history = [m for m in messages if m.time < finish]
    in_period = [m for m in history if m.time >= begin]
    notes = []
    hot_issues, warnings = [], []
    if in_period:
        hot = HotIssues(config, known).fit(history, progress)
        ranked = [i for i in hot.issues(finish) if i.last >= begin]
        for position, issue in enumerate(ranked, start=1):
            issue.rank = position
        times = {m.id: m.time for m in history}
        hot_issues = [_issue_row(issue, times, begin, finish) for issue in ranked[:top]]
        progress("预警回放 replaying for warnings", 0, len(history))
        warnings = [{**w.to_json(), "message_ids": [i for i in w.message_ids]} for w in hot.replay().warnings
                    if start <= w.day <= end]
    else:
        notes.append("本期没有留言 / no messages in the period")
    ids = [m.id for m in in_period]
    by_category = _count(ids, labels.category)
    by_department = _count(ids, labels.department)
    by_channel = _count(ids, labels.channel)
    answered = [m for m in replies if m.reply is not None and begin <= m.time < finish]
    reply_quality, by_department_quality = None, None
    if answered:
        rules = ReplyRules.load()
        scores = [score_reply(m, rules) for m in answered]
        reply_quality = summarise(scores)
        if labels.department:
            groups: dict[str, list] = {}
            for message, score in zip(answered, scores, strict=True):
                groups.setdefault(labels.department.get(message.id, "未派单"), []).append(score)
            by_department_quality = {d: summarise(s) for d, s in sorted(groups.items())}
    return ReportData(
        start=start, end=end, generated_at=datetime.now().replace(microsecond=0), sources=sources or {},
        total=len(in_period), volume_by_day=_by_day(in_period, start, end), by_category=by_category,
        by_department=by_department, by_channel=by_channel, hot_issues=hot_issues, warnings=warnings,
        service=service, reply_quality=reply_quality, reply_quality_by_department=by_department_quality,
        bot_rating=bot_rating, notes=notes,
    )


def _count(ids: Sequence[str], known: dict[str, str]) -> dict[str, int] | None:
    if not known:
        return None
    return dict(Counter(known.get(i, "未知") for i in ids).most_common())


def _by_day(messages: Sequence[Message], start: date, end: date) -> list[tuple[str, int]]:
    counts = Counter(m.time.date() for m in messages)
    days = (end - start).days + 1
    return [((start + timedelta(days=d)).isoformat(), counts.get(start + timedelta(days=d), 0)) for d in range(days)]


def _issue_row(issue, times: dict[str, datetime], begin: datetime, finish: datetime) -> dict:
    """An issue's public fields with its weekly arrivals inside the period (its trend)."""
    weeks = max(1, -(-(finish - begin).days // 7))
    trend = [0] * weeks
    for message_id in issue.message_ids:
        if begin <= times[message_id] < finish:
            trend[(times[message_id] - begin).days // 7] += 1
    in_period = sum(trend)
    return {"rank": issue.rank, "heat": issue.heat, "description": issue.description, "place": issue.place,
            "first": issue.first.date().isoformat(), "last": issue.last.date().isoformat(),
            "n_messages": issue.n_messages, "n_users": issue.n_users, "likes": issue.likes,
            "in_period": in_period, "weekly_trend": trend, "message_ids": issue.message_ids}


# ---- PDF ----------------------------------------------------------------------------------------------


def chinese_font() -> str | None:
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), None)


def render_pdf(data: ReportData, path: Path | str) -> Path:
    """Draw ``data`` on A4 pages; the Chinese font is embedded as TrueType (``pdf.fonttype`` 42)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    font = chinese_font()
    if font is None:
        raise DataError("没有可用的中文字体（请安装 fonts-wqy-microhei）",
                        "no Chinese font installed (install fonts-wqy-microhei)")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    style = {"font.sans-serif": [font], "font.family": "sans-serif", "pdf.fonttype": 42,
             "axes.unicode_minus": False, "font.size": 9}
    with plt.rc_context(style), PdfPages(path, metadata={"Title": _title(data), "Creator": "gov-assistant"}) as pdf:
        for page in (_page_overview, _page_hot_issues, _page_quality):
            figure = plt.figure(figsize=(8.27, 11.69))
            page(figure, data)
            figure.text(0.5, 0.02, f"生成于 {data.generated_at:%Y-%m-%d %H:%M}  ·  数据来源: "
                        + "；".join(f"{k} {v}" for k, v in data.sources.items()), ha="center", fontsize=6.5,
                        color="#666666", wrap=True)
            pdf.savefig(figure)
            plt.close(figure)
    return path


def _title(data: ReportData) -> str:
    return f"12345 数据分析报告 {data.start:%Y-%m-%d} 至 {data.end:%Y-%m-%d}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _page_overview(figure, data: ReportData) -> None:
    figure.text(0.06, 0.95, _title(data), fontsize=17, color="#1f3b5a")
    figure.text(0.06, 0.925, "Monthly analysis report: volume, hot issues, warnings, service and reply quality",
                fontsize=9, color="#555555")
    overall = (data.service or {}).get("overall", {})
    quality = data.reply_quality or {}
    tiles = [("留言/工单", f"{data.total}"), ("热点问题", f"{len(data.hot_issues)}"), ("预警", f"{len(data.warnings)}"),
             *[(name, _percent(overall.get(name))) for name in RATES],
             ("答复质量", "—" if not quality else f"{quality['quality']:.2f}"),
             ("答复不合格", "—" if not quality else _percent(quality["poor_share"]))]
    for index, (label, value) in enumerate(tiles):
        x, y = 0.06 + (index % 5) * 0.18, 0.85 - (index // 5) * 0.075
        figure.patches.append(matplotlib_box(figure, x, y))
        figure.text(x + 0.01, y + 0.04, label, fontsize=8, color="#555555")
        figure.text(x + 0.01, y + 0.01, value, fontsize=14, color="#1f3b5a")
    axes = figure.add_axes([0.08, 0.50, 0.86, 0.22])
    days = [d for d, _ in data.volume_by_day]
    axes.bar(range(len(days)), [c for _, c in data.volume_by_day], color="#3b6ea5")
    step = max(1, len(days) // 10)
    axes.set_xticks(range(0, len(days), step), [d[5:] for d in days[::step]], fontsize=7)
    axes.set_title("每日留言量 Messages per day", loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    _bar_block(figure, [0.08, 0.08, 0.38, 0.32], "按类别 By category", data.by_category)
    _bar_block(figure, [0.58, 0.08, 0.36, 0.32], "按渠道 By channel", data.by_channel)


def matplotlib_box(figure, x: float, y: float):
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x, y), 0.165, 0.065, boxstyle="round,pad=0.004", transform=figure.transFigure,
                          facecolor="#eef3f8", edgecolor="#c5d3e3", linewidth=0.6)


def _bar_block(figure, rect: list[float], title: str, counts: dict[str, int] | None) -> None:
    axes = figure.add_axes(rect)
    axes.set_title(title, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    if not counts:
        axes.axis("off")
        axes.text(0, 0.5, "暂无数据（来源未提供）/ not in this source", fontsize=9, color="#888888")
        return
    items = list(counts.items())[:10][::-1]
    axes.barh([k for k, _ in items], [v for _, v in items], color="#5a8f4e")
    axes.tick_params(axis="y", labelsize=7)


def _page_hot_issues(figure, data: ReportData) -> None:
    figure.text(0.06, 0.95, "热点问题 Hot issues", fontsize=15, color="#1f3b5a")
    figure.text(0.06, 0.93, "按热度排列；热度 = 10·log2(1+人数与点赞折算)·时效·增长，见 analytics/heat.py", fontsize=8,
                color="#555555")
    header = ["#", "热度", "问题（地点 + 问题）", "留言", "人数", "首次", "最近"]
    columns = [0.06, 0.09, 0.16, 0.70, 0.76, 0.81, 0.89]
    y = 0.90
    for x, text in zip(columns, header, strict=True):
        figure.text(x, y, text, fontsize=8, color="#1f3b5a")
    for issue in data.hot_issues:
        y -= 0.026
        values = [issue["rank"], f"{issue['heat']:.1f}", issue["description"][:30], issue["n_messages"],
                  issue["n_users"], issue["first"][2:], issue["last"][2:]]
        for x, text in zip(columns, values, strict=True):
            figure.text(x, y, str(text), fontsize=8)
    if not data.hot_issues:
        figure.text(0.06, y - 0.03, "本期没有热点问题 / no hot issues in the period", fontsize=9, color="#888888")
    axes = figure.add_axes([0.08, 0.08, 0.86, 0.33])
    axes.set_title("前五个热点的每周留言 Weekly messages of the top five", loc="left")
    for issue in data.hot_issues[:5]:
        axes.plot(range(1, len(issue["weekly_trend"]) + 1), issue["weekly_trend"], marker="o",
                  label=f"{issue['rank']}. {issue['description'][:16]}")
    weeks = max((len(i["weekly_trend"]) for i in data.hot_issues[:5]), default=0)
    axes.set_xticks(range(1, weeks + 1),
                    [f"{data.start + timedelta(days=7 * w):%m-%d}" for w in range(weeks)], fontsize=7)
    axes.set_xlabel("周（起始日） week starting")
    axes.spines[["top", "right"]].set_visible(False)
    if data.hot_issues:
        axes.legend(fontsize=7, frameon=False)


def _page_quality(figure, data: ReportData) -> None:
    figure.text(0.06, 0.95, "预警、服务与答复质量 Warnings, service and replies", fontsize=15, color="#1f3b5a")
    y = 0.92
    figure.text(0.06, y, f"苗头性问题预警 Early warnings ({len(data.warnings)})", fontsize=11, color="#1f3b5a")
    for warning in data.warnings[:12]:
        y -= 0.022
        figure.text(0.07, y, f"{warning['day']}  {warning['people']} 人（常态 {warning['expected']:.2f}）"
                    f"  {warning['description'][:34]}", fontsize=8)
    if not data.warnings:
        y -= 0.022
        figure.text(0.07, y, "本期无预警 / none", fontsize=8, color="#888888")
    y -= 0.04
    figure.text(0.06, y, "服务指标 Service rates", fontsize=11, color="#1f3b5a")
    service = data.service or {}
    rows = service.get("by_department", {})
    if not service:
        y -= 0.022
        figure.text(0.07, y, "暂无数据：来源没有工单流转记录 / not in this source (no ticket store)", fontsize=8,
                    color="#888888")
    else:
        y -= 0.022
        overall = service["overall"]
        figure.text(0.07, y, "全部  " + "  ".join(f"{r} {_percent(overall.get(r))}" for r in RATES), fontsize=8)
        for name, rates in list(rows.items())[:8]:
            y -= 0.02
            figure.text(0.07, y, f"{name}  " + "  ".join(f"{r} {_percent(rates.get(r))}" for r in RATES), fontsize=8)
    y -= 0.04
    figure.text(0.06, y, "机器人好差评 Bot ratings", fontsize=11, color="#1f3b5a")
    y -= 0.022
    rating = data.bot_rating
    figure.text(0.07, y, BOT_RATING_GAP if rating is None else
                f"好评 {rating.get('good', 0)}  差评 {rating.get('bad', 0)}"
                f"  好评率 {_percent(rating.get('good_rate'))}  （回答 {rating.get('answers', 0)} 次）",
                fontsize=8, color="#aa3333" if rating is None else "black")
    worst = sorted((rating or {}).get("by_intent", {}).items(), key=lambda kv: (-kv[1]["bad"], kv[0]))[:2]
    if worst and worst[0][1]["bad"]:
        figure.text(0.07, y - 0.018, "差评最多的意图  " + "  ".join(
            f"{name} {f['bad']}/{f['rated']}" for name, f in worst if f["bad"]), fontsize=7.5)
    quality = data.reply_quality
    axes = figure.add_axes([0.10, 0.08, 0.38, 0.25])
    axes.set_title("答复质量 Reply quality", loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    if quality:
        names = ["相关性", "完整性", "及时性", "综合"]
        values = [quality["relevance"], quality["completeness"], quality["timeliness"], quality["quality"]]
        axes.bar(names, values, color="#a5673b")
        axes.set_ylim(0, 1)
        figure.text(0.55, 0.30, f"答复 {quality['n']} 条；不合格 {_percent(quality['poor_share'])}", fontsize=9)
        for index, (reason, count) in enumerate(quality["reasons"].items()):
            figure.text(0.55, 0.27 - index * 0.02, f"{reason}: {count}", fontsize=8)
        by_department = data.reply_quality_by_department or {}
        for index, (name, figures) in enumerate(list(by_department.items())[:6]):
            figure.text(0.55, 0.15 - index * 0.018, f"{name}: 综合 {figures['quality']:.2f}，不合格 "
                        f"{_percent(figures['poor_share'])}", fontsize=7.5)
    else:
        axes.axis("off")
        axes.text(0, 0.5, "本期没有答复 / no replies in the period", fontsize=9, color="#888888")


# ---- CLI ----------------------------------------------------------------------------------------------


def _date(value: str) -> date:
    try:
        return parse_time(value).date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式错误 bad date {value!r} (use 2019-11-01)") from None


def classifier_categories(messages: Sequence[Message]) -> tuple[dict[str, str], str | None]:
    """Categories from the current complaint classifier, if one is registered."""
    from classifier.registry import ModelRegistry
    from classifier.settings import ClassifierSettings

    registry = ModelRegistry(ClassifierSettings().model_dir)
    version = registry.current_version()
    if version is None or not messages:
        return {}, None
    model = registry.load(version)
    predicted = model.predict([m.text for m in messages])
    return {m.id: str(label) for m, label in zip(messages, predicted, strict=True)}, version


def main(argv: Sequence[str] | None = None, progress: Callable[[str, int, int], None] = stderr_progress) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.report", description="数据分析月报 / analysis report")
    parser.add_argument("--from", dest="start", type=_date, required=True, help="first day, e.g. 2019-11-01")
    parser.add_argument("--to", dest="end", type=_date, required=True, help="last day (included)")
    parser.add_argument("--out", type=Path, required=True, help="the PDF to write")
    parser.add_argument("--messages", type=Path, help="citizen messages (.csv/.xlsx/.jsonl)")
    parser.add_argument("--replies", type=Path, help="messages with official replies (答复意见, 答复时间)")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the report's numbers as JSON")
    args = parser.parse_args(argv)
    try:
        if args.out.suffix.lower() != ".pdf":
            raise DataError("--out 应为 .pdf 文件", "--out must be a .pdf file")
        if not args.messages and not args.replies:
            raise DataError("请给出 --messages 或 --replies", "give --messages and/or --replies")
        progress("读取 loading", 0, 1)
        messages = load_messages(args.messages) if args.messages else []
        replies = load_messages(args.replies) if args.replies else []
        sources = {}
        if args.messages:
            sources["留言"] = args.messages.name
        if args.replies:
            sources["答复"] = args.replies.name
        begin = datetime.combine(args.start, datetime.min.time())
        finish = datetime.combine(args.end + timedelta(days=1), datetime.min.time())
        categories, version = classifier_categories([m for m in messages if begin <= m.time < finish])
        if version:
            sources["类别"] = f"分类模型 {version}"
        data = build_report(messages, args.start, args.end, replies=replies, labels=Labels(category=categories),
                            sources=sources, top=args.top, known=known_places(default_gazetteer()), progress=progress)
        progress("绘制 PDF rendering", 0, 1)
        render_pdf(data, args.out)
        if args.json:
            args.json.write_text(json.dumps(data.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    except UserFacingError as error:
        print(f"错误 error: {error.zh} / {error.en}", file=sys.stderr)
        return error.exit_code
    print(f"{args.out}  ({data.total} 条留言, {len(data.hot_issues)} 个热点, {len(data.warnings)} 条预警)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
