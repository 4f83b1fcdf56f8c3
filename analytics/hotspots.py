"""Hot issues (热点问题): group messages that raise the same problem at the same place, rank by heat.

    python -m analytics.hotspots --data FILE [--top N] [--as-of DATE] [--json]

Prints the ranked issues (rank, heat, description, place, first, last, n_messages, n_users,
message_ids); progress goes to stderr. Exit code 2 on bad input.

The pipeline: learn place names from the titles → one spaCy pass for words and places → TF-IDF
and place features → average-linkage grouping → descriptions and heat. ``HotIssues`` keeps what
it learned so that new messages join the live issues one by one (``add``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from analytics.dataset import Message, load_messages, parse_time
from analytics.features import (
    FeatureConfig,
    Features,
    MessageAnalysis,
    MessageVectorizer,
    SimilarityConfig,
    analyse_messages,
)
from analytics.grouping import GroupingConfig, IssueIndex, group_messages
from analytics.heat import HeatConfig
from analytics.issues import DescriptionConfig, Issue, build_issue, most_typical, rank
from analytics.places import PlaceConfig, PlaceFinder, config_path, default_gazetteer, gazetteer_names
from analytics.warning import Replay, WarningConfig, replay
from core.errors import DataError, UserFacingError

Progress = Callable[[str, int, int], None]


def _silent(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class HotspotConfig:
    """Every tunable of the hot-issue pipeline, read from ``analytics/config/hotspots.yml``."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    similarity: SimilarityConfig = field(default_factory=SimilarityConfig)
    grouping: GroupingConfig = field(default_factory=GroupingConfig)
    heat: HeatConfig = field(default_factory=HeatConfig)
    warning: WarningConfig = field(default_factory=WarningConfig)
    description: DescriptionConfig = field(default_factory=DescriptionConfig)
    places: PlaceConfig = field(default_factory=PlaceConfig.load)

    @classmethod
    def load(cls, path: Path | str | None = None) -> HotspotConfig:
        data = yaml.safe_load(Path(path or config_path("hotspots.yml")).read_text(encoding="utf-8"))
        places = PlaceConfig.load()
        request_words = tuple(data["request_words"])
        description = DescriptionConfig(**data["description"], request_words=request_words,
                                        generic_tails=tuple(places.generic_tails))
        return cls(FeatureConfig(**data["features"], request_words=request_words),
                   SimilarityConfig(**data["similarity"]),
                   GroupingConfig(**data["grouping"]), HeatConfig(**data["heat"]), WarningConfig(**data["warning"]),
                   description, places)


class HotIssues:
    """Hot issues over a growing set of messages: ``fit`` once, then ``add`` each new message."""

    def __init__(self, config: HotspotConfig | None = None, known_places: dict[str, str] | None = None) -> None:
        self.config = config or HotspotConfig.load()
        self.known_places = known_places or {}
        self.messages: list[Message] = []
        self.analyses: list[MessageAnalysis] = []

    def fit(self, messages: Sequence[Message], progress: Progress = _silent) -> HotIssues:
        """Learn places and vocabulary from ``messages`` and group them."""
        if not messages:
            raise DataError("没有留言可分析", "no messages to analyse")
        total = len(messages)
        progress("学习地名 learning place names", 0, total)
        self.finder = PlaceFinder.learn([m.title for m in messages], self.config.places, self.known_places)
        self.analyses = []
        for start in range(0, total, 500):
            progress("分词与地名 words and places", start, total)
            self.analyses += analyse_messages(self.finder, messages[start:start + 500], self.config.features)
        progress("分组 grouping", total, total)
        self.vectorizer = MessageVectorizer(self.config.features).fit(self.analyses)
        self.features = self.vectorizer.transform(self.analyses)
        self.messages = list(messages)
        users = [m.user for m in self.messages]
        labels = group_messages(self.features, users, self.config.similarity, self.config.grouping)
        self.index = IssueIndex.from_groups(self.features, users, labels, self.config.similarity,
                                            self.config.grouping)
        self._share = word_share(self.analyses)
        self._extra: list[Features] = []
        return self

    def add(self, message: Message) -> int:
        """Join ``message`` to the live issue it belongs to (or open a new one); return the issue number."""
        analysis = analyse_messages(self.finder, [message], self.config.features)[0]
        one = self.vectorizer.transform([analysis])
        issue = self.index.add(one, message.user)
        self.messages.append(message)
        self.analyses.append(analysis)
        self._extra.append(one)
        return issue

    def replay(self, progress: Progress = _silent) -> Replay:
        """The fitted messages fed one by one, in time order, to empty live issues, with early warning."""
        index = IssueIndex(self.config.similarity, self.config.grouping)
        return replay(self.messages, self.features, index, self.config.warning, self.describe_members, progress)

    def describe_members(self, members: Sequence[int]) -> str:
        """The description an issue made of the messages at ``members`` would get."""
        rows = self._all_words()[list(members)]
        typical = most_typical(list(members), (rows @ rows.T).toarray())
        issue = build_issue(-1, list(members), self.messages, self.analyses, self._share, typical,
                            max(self.messages[i].time for i in members), self.config.heat, self.config.description)
        return issue.description

    def members(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for position, label in enumerate(self.index.labels):
            groups.setdefault(label, []).append(position)
        return groups

    def issues(self, as_of: datetime | None = None, min_messages: int = 1) -> list[Issue]:
        """Every issue with at least ``min_messages`` messages, hottest first, heat as of ``as_of``."""
        as_of = as_of or max(m.time for m in self.messages)
        words = self._all_words()
        built = []
        for issue_id, members in self.members().items():
            if len(members) < min_messages:
                continue
            rows = words[members]
            typical = most_typical(members, (rows @ rows.T).toarray())
            built.append(build_issue(issue_id, members, self.messages, self.analyses, self._share, typical, as_of,
                                     self.config.heat, self.config.description))
        return rank(built)

    def _all_words(self):
        if not self._extra:
            return self.features.words
        return Features.stack([self.features, *self._extra]).words


def word_share(analyses: Sequence[MessageAnalysis]) -> dict[str, float]:
    """The share of messages each word occurs in (title or body)."""
    df = Counter(w for a in analyses for w in {*a.title_words, *a.body_words})
    return {w: c / len(analyses) for w, c in df.items()}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics.hotspots", description="热点问题 / hot issues")
    parser.add_argument("--data", type=Path, required=True, help="messages (.csv/.xlsx/.jsonl, 留言编号 留言时间 …)")
    parser.add_argument("--top", type=int, default=10, help="how many issues to print (default 10)")
    parser.add_argument("--as-of", help="heat as of this date (default: the last message)")
    parser.add_argument("--config", type=Path, help="hotspots.yml to use instead of the packaged one")
    parser.add_argument("--gazetteer", type=Path, default=default_gazetteer(),
                        help="district gazetteer whose names count as places (default: the router's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def stderr_progress(stage: str, done: int, total: int) -> None:
    print(f"{stage}: {done}/{total}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.top < 1:
            raise DataError("--top 必须是正整数", "--top must be a positive integer")
        as_of = _parse_date(args.as_of) if args.as_of else None
        started = time.perf_counter()
        messages = load_messages(args.data)
        hot = HotIssues(HotspotConfig.load(args.config) if args.config else None,
                        known_places(args.gazetteer)).fit(messages, stderr_progress)
        issues = hot.issues(as_of)
        seconds = time.perf_counter() - started
    except UserFacingError as error:
        print(f"错误 error: {error.zh} / {error.en}", file=sys.stderr)
        return error.exit_code
    top = issues[: args.top]
    if args.json:
        print(json.dumps({
            "data": str(args.data), "as_of": (as_of or max(m.time for m in messages)).isoformat(sep=" "),
            "n_messages": len(messages), "n_issues": len(issues),
            "n_issues_with_2_or_more": sum(i.n_messages > 1 for i in issues), "seconds": round(seconds, 1),
            "issues": [_public(i) for i in top],
        }, ensure_ascii=False, indent=1))
    else:
        print(f"{len(messages)} 条留言 messages → {len(issues)} 个问题 issues ({seconds:.1f} s)")
        for issue in top:
            print(f"{issue.rank:>3} {issue.heat:6.1f}  {issue.description}"
                  f"  [{issue.first:%Y-%m-%d}–{issue.last:%Y-%m-%d}]"
                  f"  留言 {issue.n_messages}  用户 {issue.n_users}  赞 {issue.likes}")
    return 0


def known_places(gazetteer: Path) -> dict[str, str]:
    if not gazetteer.exists():
        raise DataError(f"地名库不存在: {gazetteer}", f"gazetteer not found: {gazetteer}")
    return gazetteer_names(gazetteer)


def _public(issue: Issue) -> dict:
    data = issue.to_json()
    keys = ("rank", "heat", "description", "place", "area", "problem", "first", "last", "n_messages", "n_users",
            "likes", "dislikes", "heat_parts", "message_ids")
    return {k: data[k] for k in keys}


def _parse_date(value: str) -> datetime:
    try:
        return parse_time(value)
    except ValueError as error:
        raise DataError(f"日期格式错误: {value}（应为 2019-12-31）", f"bad date {value!r} (use 2019-12-31)") from error


if __name__ == "__main__":
    sys.exit(main())
