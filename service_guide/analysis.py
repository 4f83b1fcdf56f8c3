"""How catalogue text and citizens' questions become search tokens: jieba words and character bigrams.

One analyser serves the index, the learned vocabulary and the queries, so a word means the same
everywhere. Question phrasing (请问, 怎么办, 需要什么材料) is dropped as whole *tokens* after
segmentation, never as substrings, so 个体户 keeps its 个 and 统一建设 is never read as 一建.
Character bigrams are taken inside each run of kept words: they meet partial words, words jieba
cuts differently on the two sides, and typos (公积金提驭 still shares 公积 and 积金).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from zhtext.segment import Segmenter, cached_segmenter, read_dictionary, read_wordlist, resource_path

#: Tokens that say how a question is asked, not what it is about (whole tokens only).
QUESTION_WORDS = frozenset(
    "请问 你好 您好 我 我们 你 您 他 她 想 想要 要 需要 需 得 应该 该 可以 能 能不能 能否 是否 会 可 "
    "怎么 怎么办 怎样 如何 怎么样 什么 啥 哪些 哪个 哪里 哪儿 在哪 在哪里 去哪 去哪里 哪 多少 几 "
    "吗 呢 啊 呀 吧 了 的 地 得 嘛 哦 么 一下 下 一个 个 谢谢 麻烦 请 帮 帮忙 给 "
    "带 要带 拿 准备 弄 搞 去 到 找 问 问问 咨询 "
    "材料 资料 手续 流程 步骤 办法 东西 什么样 有没有 有 没有 是 不 还 就 都 也 这 那 这个 那个".split()
)
_PUNCT = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Full width to half width, lower case; punctuation becomes a break between runs."""
    return _PUNCT.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


@lru_cache(maxsize=1)
def _default_segmenter() -> Segmenter:
    return cached_segmenter(tuple(read_dictionary(resource_path("domain_dict.txt"))), frozenset())


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(read_wordlist(resource_path("stopwords.txt"))) | QUESTION_WORDS


class Analyzer:
    """Words and character bigrams of a text; content words only (question phrasing removed)."""

    def __init__(self, segmenter: Segmenter | None = None) -> None:
        self.segmenter = segmenter or _default_segmenter()
        self.stopwords = _stopwords()

    def content(self, word: str) -> str:
        """The word without question phrasing: "" for a stop-word; a short word jieba glued from unknown
        characters loses its stop characters at either end (办个 → 办, 要啥 → "")."""
        if word in self.stopwords:
            return ""
        if len(word) <= 3 and not self.segmenter.in_dictionary(word):
            return word.strip("".join(c for c in word if c in self.stopwords))
        return word

    def runs(self, text: str) -> list[list[str]]:
        """Runs of consecutive content words; a dropped word or punctuation ends a run."""
        runs: list[list[str]] = []
        for chunk in normalise(text).split():
            run: list[str] = []
            for word in self.segmenter.cut(chunk):
                kept = self.content(word)
                if kept:
                    run.append(kept)
                elif run:
                    runs.append(run)
                    run = []
            if run:
                runs.append(run)
        return runs

    def words(self, text: str) -> list[str]:
        return [w for run in self.runs(text) for w in run]

    def tokens(self, text: str, unigrams: bool = False) -> list[str]:
        """``w:`` words and ``c:`` character bigrams (and unigrams; a lone character always counts)."""
        return run_tokens(self.runs(text), unigrams)


def run_tokens(runs: list[list[str]], unigrams: bool = False) -> list[str]:
    tokens: list[str] = []
    for run in runs:
        tokens.extend("w:" + w for w in run)
        chars = "".join(run)
        if unigrams or len(chars) == 1:
            tokens.extend("c:" + c for c in chars)
        tokens.extend("c:" + chars[i:i + 2] for i in range(len(chars) - 1))
    return tokens


def entry_fields(entry) -> dict[str, list[str]]:
    """The texts of each searchable field of an item (or bundle)."""
    fields = {"name": [entry.name], "aliases": list(entry.aliases)}
    if hasattr(entry, "materials"):
        fields.update({
            "catalogue": [entry.catalogue_name] if entry.catalogue_name and entry.catalogue_name != entry.name else [],
            "materials": [m.name for m in entry.materials] + [a for m in entry.materials for a in m.aliases],
            "conditions": list(entry.conditions),
            "objects": list(entry.service_objects),
            "themes": list(entry.themes),
            "department": [entry.department],
        })
    else:
        fields["conditions"] = [entry.description] if entry.description else []
    return fields
