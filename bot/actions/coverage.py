"""Whether the chosen guide says anything about what the citizen asked: the question's telling words that
no field of the guide holds.

Why: the nearest field is not an answer. 契税 asked of a 转移登记 guide that never names it, 贷款 asked of a
guide about 提取, 驾照 asked where the catalogue has only identity cards: answering with whatever field is
closest misleads; saying "目录里没有写…" and offering 12345 does not.

No word list: a word is telling when it is (a) a term of the catalogue's own dictionary (bot/jieba_dict,
generated from the catalogue and the domain dictionary), or a word of the language that is rare in it
(its information, from jieba's dictionary frequencies) yet attested there often enough to be a word and not a
chance compound (能取, 咋办); (b) of a word class that can name a thing or an act (jieba's part-of-speech
tags: not a pronoun, numeral, adverb, idiom, place or time word); and (c) not part of the wording every
question shares, i.e. found in few of the bot's own NLU training examples (怎么办, 要交 are in many) and
not itself a word that asks for a part of the guide (交钱, 在哪: bot/dialogue_cues.yml).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Set, Tuple

import jieba
import jieba.posseg
import yaml

from actions.cues import aspects_named

BOT_DIR = Path(__file__).resolve().parent.parent
USER_DICT = BOT_DIR / "jieba_dict" / "userdict.txt"
NLU_DIR = BOT_DIR.parent / "nlu_data"
#: Generated lookup tables are lists of names, not questions: they say nothing of question wording.
NLU_SKIPPED = ("catalogue_lookups.yml",)

#: A word this informative in general Chinese (-log of its dictionary share; 老家 11.4, 补助 12.0, 契税 14.9) can tell
#: what is asked.
MIN_INFORMATION = 12.3
#: ...and found at least this often in the dictionary (驾照 31, 契税 20; 能取 3 is a chance compound).
MIN_FREQUENCY = 10
#: jieba's part-of-speech tags (first letter) of words that never name what is asked: pronouns, numerals,
#: adverbs, conjunctions, prepositions, particles, idioms, places, times, measure and direction words.
FUNCTION_TAGS = set("rmdcpuyelntqfz")
#: ...except these tags starting with those letters: nouns of every kind name things.
NAMING_TAGS = {"n", "nz", "nr", "nt", "nrt", "nrfg", "ng"}
#: A word found in this many NLU examples or more is question wording, not what is asked (怎么办 25, 要交 17).
MAX_QUESTION_EXAMPLES = 5
#: A word is held by a guide when more than this share of its character pairs is in the guide's text (a
#: two-character word whole; 照相馆 is not held by 现场照相).
HELD_SHARE = 0.5
CHINESE = re.compile(r"^[\u4e00-\u9fff]{2,}$")
#: An annotated entity span of an NLU example ([护照](service_item), [户口本]{"entity": "material"}).
ENTITY_SPAN = re.compile(r"\[[^\]]*\](\([^)]*\)|\{[^}]*\})")


@lru_cache(maxsize=1)
def _tokenizer() -> Tuple[jieba.Tokenizer, Set[str]]:
    """jieba with the catalogue's dictionary, and that dictionary's words (the catalogue's own terms)."""
    tokenizer = jieba.Tokenizer()
    terms: Set[str] = set()
    if USER_DICT.exists():
        tokenizer.load_userdict(str(USER_DICT))
        terms = {line.split()[0] for line in USER_DICT.read_text(encoding="utf-8").splitlines() if line.strip()}
    tokenizer.initialize()
    return tokenizer, terms


@lru_cache(maxsize=1)
def _tagger() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(_tokenizer()[0])


def nlu_blocks(folder: Path = NLU_DIR) -> Iterator[Dict[str, Any]]:
    """The blocks of the bot's NLU data (intents, synonyms, regexes), generated lookup tables left out."""
    for path in sorted(folder.glob("*.yml")):
        if path.name not in NLU_SKIPPED:
            yield from (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []


def nlu_examples(folder: Path = NLU_DIR) -> List[str]:
    """The bot's training questions without their entity spans: the wording around what is named."""
    examples: List[str] = []
    for block in nlu_blocks(folder):
        lines = str(block.get("examples") or "").splitlines()
        examples += [ENTITY_SPAN.sub("，", line.strip()[2:]) for line in lines if line.strip().startswith("- ")]
    return examples


@lru_cache(maxsize=1)
def _question_counts() -> Counter:
    """In how many NLU examples each word is found outside the entities they name (怎么办 25; 护照 is named)."""
    tokenizer, _ = _tokenizer()
    counts: Counter = Counter()
    for example in nlu_examples():
        counts.update(set(tokenizer.lcut(example)))
    return counts


def information(word: str) -> float:
    """-log of the word's share in jieba's dictionary; 0 for a word attested too seldom to be one."""
    tokenizer, _ = _tokenizer()
    frequency = tokenizer.FREQ.get(word) or 0
    return math.log(tokenizer.total / frequency) if frequency >= MIN_FREQUENCY else 0.0


def names_something(tag: str) -> bool:
    return tag in NAMING_TAGS or tag[:1] not in FUNCTION_TAGS


def telling_words(text: str, things_only: bool = False) -> List[str]:
    """The words of a question that say what is asked (契税, 驾照, 公积金贷款), in order, once each; with
    ``things_only``, only nouns and the catalogue's terms (a verb like 办完 is how it is asked, not what)."""
    _, terms = _tokenizer()
    counts = _question_counts()
    found: List[str] = []
    for pair in _tagger().lcut(re.sub(r"\s", "", text or "")):
        word = pair.word
        if not CHINESE.match(word) or word in found or counts[word] >= MAX_QUESTION_EXAMPLES:
            continue
        if aspects_named(word):
            continue  # 交钱, 网上: the words that ask for a part of the guide are how it is asked, not what
        kind_fits = pair.flag in NAMING_TAGS if things_only else names_something(pair.flag)
        if word in terms or information(word) >= MIN_INFORMATION and kind_fits:
            found.append(word)
    return found


def pairs(text: str) -> Set[str]:
    said = re.sub(r"[^\u4e00-\u9fff]", "", text or "")
    return {said[i:i + 2] for i in range(len(said) - 1)}


def strings_in(value: Any) -> Iterable[str]:
    """Every string of a record (the guide's name, aliases, conditions, materials and their notes, …)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from strings_in(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from strings_in(inner)


def held(word: str, text: str, text_pairs: Set[str]) -> bool:
    """The text holds the word, or most of its character pairs (居民户口 in 户口簿's 居民户口簿); a term of the
    catalogue's dictionary only whole (公积金贷款 is not held by 公积金提取)."""
    if word in text:
        return True
    if word in _tokenizer()[1]:
        return False
    own = pairs(word)
    return bool(own) and len(own & text_pairs) / len(own) > HELD_SHARE


#: The fields of an item record that answer each aspect of a question.
ASPECT_FIELDS = {"fee": ("fee",), "time_limit": ("time_limit",), "place": ("place",), "online": ("online", "visits"),
                 "materials": ("materials",), "conditions": ("conditions",)}


def uncovered(question: str, record: Dict[str, Any], things_only: bool = False,
              aspects: Iterable[str] = ()) -> List[str]:
    """The telling words of ``question`` that no field of the guide ``record`` (an item or bundle answer of
    the catalogue API, with its ``text``) holds. With ``aspects`` (fee, place, …) only the fields answering
    them count, besides the item's names: 契税 named among the materials is not said by the fee field."""
    own = record.get("item") or record.get("bundle") or {}
    if not (own.get("materials") or own.get("conditions") or record.get("checklist")):
        return []  # not a whole guide (no materials, no conditions): nothing can be said to be missing from it
    fields = [field for aspect in aspects for field in ASPECT_FIELDS.get(aspect, ())]
    if fields and record.get("item") and len(fields) == sum(len(ASPECT_FIELDS.get(a, ())) for a in aspects):
        scope = [own.get("name"), own.get("aliases"), *(own.get(field) for field in fields)]
        text = "\n".join(strings_in(scope))
    else:
        text = "\n".join(strings_in(record))
    text_pairs = pairs(text)
    return [word for word in telling_words(question, things_only) if not held(word, text, text_pairs)]


def catalogue_terms(text: str) -> List[str]:
    """The words of the catalogue's own dictionary a message holds (居住证, 公积金贷款), however common."""
    tokenizer, terms = _tokenizer()
    return [word for word in tokenizer.lcut(re.sub(r"\s", "", text or "")) if word in terms]


def names_hold(question: str, labels: List[str]) -> bool:
    """Some telling word or catalogue term of the question is held by the item's names (its name, aliases,
    the matched name): the question names that item (送快递…想办个居住证 names 居住证申领)."""
    text = "\n".join(labels)
    text_pairs = pairs(text)
    return any(held(word, text, text_pairs) for word in telling_words(question) + catalogue_terms(question))
