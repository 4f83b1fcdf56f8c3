"""A long letter (来信) read back as a work order the citizen recognises: where, what is wrong, who to call.

The order keeps the whole letter; what is read back must be faithful, so it is made only of the
letter's own clauses, whole (never cut inside a word): the sentences that state a problem, from the
clause that names what is affected up to the last clause that says what is wrong with it. Greetings,
who the writer is, requests, the phone line and questions are left out of the problem; a question
asked in passing (还有个事想顺便问问…要带什么？) is returned apart so that it can be answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from actions import wording

#: What goes wrong, said in general words: broken or worn, a nuisance, a danger, nobody acting.
PROBLEM = re.compile(
    r"(?<!高兴)(?<!急)(?<!气)(?<!累)(?<!饿)坏|破|损|裂|塌|翘|松动|松的|晃|缺了|缺角|断了|掉了|漏|渗|堵|积水|坑|不亮|不通|停运|停用|停了|故障|"
    r"吵|噪|闹|臭|异味|油烟|烟|(?<!心)脏|乱|堆|占|摆摊|老鼠|蟑螂|蚊|苍蝇|垃圾|污水|"
    r"危险|隐患|着火|起火|火灾|摔|绊|骨折|受伤|"
    r"不管|管不了|没人管|没人修|不修|不处理|没解决|没有解决|推诿|拖欠|欠薪|乱收|不给|不让|"
    r"改成|改作|推不出|过不去|进不去|出不去|没水|没电|水压|放不出|违章|违建|违规|扰民")
#: Sentences that greet, sign off, say who the writer is or ask for action: never the problem itself.
NOT_PROBLEM = re.compile(r"^(尊敬|您好|你好|小同志|同志|谢谢|感谢|此致|祝|我叫|我姓|今年)|请多包涵|别见怪|"
                         r"^(麻烦|希望|恳请|请求|请|拜托|盼|望)|(麻烦|希望|恳请|请求|拜托)(你们|政府|有关|相关|领导)")
#: A clause that opens without its subject (被…, 又…, 去年开始…): the clause before it names the subject.
NO_SUBJECT = re.compile(r"^(去年|今年|前年|上个?月|最近|现在|后来|结果|一直|开始|有时候?|经常|天天|每天|"
                        r"又|也|还|都|就|被|连)")
#: Passing questions in a letter: introduced as such, or a sentence that asks how/where/what to bring.
ASIDE = re.compile(r"顺便问|想问|问一下|问问|请问|咨询一下|打听")
HOW = re.compile(r"怎么(办|申请|领|弄)|去哪|在哪|哪里|要带|带什么|什么材料|能不能|可不可以|是不是要|要不要")
CONTACT = re.compile(r"电话|手机|座机|联系")
SENTENCE = re.compile(r"(?<=[。！!？?\n])")
CLAUSE = re.compile(r"[，,；;：:“”\"\s]")
#: The first problem sentence is read back up to this many characters, the others by their key clause.
FIRST_CHARS = 80
OTHER_CHARS = 40
MAX_PROBLEMS = 3
#: A problem read back is at least this long (a clause such as 头一个是吵 takes the next one with it).
MIN_CHARS = 10
#: How a place goes on after the street and number: an estate or dormitory, building, unit, room.
PLACE_TAIL = re.compile(r"^((?:[\u4e00-\u9fa5]{1,8}?(?:宿舍|小区|花园|家园|公寓|大院|新村|苑|厂|院))?"
                        r"(?:[0-9０-９一二三四五六七八九十]+(?:栋|幢|号楼|号院|单元|号|室|楼|层))+"
                        r"(?:[0-9０-９]+)?)")
#: Who answers the phone when it is not the writer's own (打我女儿电话…，她姓刘).
CONTACT_PERSON = re.compile(r"(女儿|儿子|老伴|爱人|孙子|孙女|儿媳|女婿|邻居)[^，,。]{0,8}(电话|手机)")
SURNAME = re.compile(r"(她|他)姓([\u4e00-\u9fa5])")


@dataclass(frozen=True)
class LetterOrder:
    text: str
    problem: str
    place: Optional[str]
    contact: Optional[str]
    contact_person: Optional[str]
    question: Optional[str]

    @property
    def title(self) -> str:
        """The order's title: place and problem (the service's titles are at most 120 characters)."""
        return ((self.place + "：") if self.place else "") + self.problem


def sentences(text: str) -> List[str]:
    return [s.strip() for s in SENTENCE.split(text) if s.strip()]


def sentences_by_paragraph(text: str) -> List[Tuple[int, str]]:
    """Each sentence with the number of its paragraph."""
    return [(number, sentence) for number, paragraph in enumerate(text.split("\n"))
            for sentence in sentences(paragraph)]


def clauses(sentence: str) -> List[str]:
    return [c.strip() for c in CLAUSE.split(re.sub(r"[。！!？?\n]+$", "", sentence)) if c.strip()]


def is_question(sentence: str) -> bool:
    return bool(ASIDE.search(sentence) or re.search(r"[？?]$", sentence) and HOW.search(sentence))


def problem_span(sentence: str, max_chars: int) -> Optional[str]:
    """From the clause naming what is affected to the last clause saying what is wrong, whole clauses only."""
    parts = clauses(sentence)
    marked = [i for i, part in enumerate(parts) if PROBLEM.search(part) and not NOT_PROBLEM.search(part)]
    if not marked:
        return None
    start = marked[0]
    while start > 0 and NO_SUBJECT.match(parts[start]):
        start -= 1  # 去年开始被改成了…: the clause before says what was changed
    end = marked[-1]
    while end + 1 < len(parts) and len("".join(parts[start:end + 1])) < MIN_CHARS:
        end += 1  # 第二个是占道: what is占 comes in the next clause
    span = parts[start]
    for part in parts[start + 1:end + 1]:
        if len(span) + 1 + len(part) > max_chars:
            break
        span += "，" + part
    return span if len(span) <= max_chars else span[:max_chars].rstrip("，") + "…"


def place_of_letter(text: str) -> Optional[str]:
    """The street and number the letter names, with the estate, building and unit that follow it."""
    place = wording.place_in(text)
    if not place:
        return None
    at = text.find(place)
    if at >= 0:
        tail = PLACE_TAIL.match(text[at + len(place):])
        if tail:
            place += tail.group(1)
    return place[:60]


def contact_person(text: str) -> Optional[str]:
    """Whose phone it is when the writer gives someone else's (女儿, 姓刘 → 女儿刘女士)."""
    relative = CONTACT_PERSON.search(text)
    if not relative:
        return None
    surname = SURNAME.search(text[relative.start():relative.end() + 40])
    if not surname:
        return relative.group(1)
    return f"{relative.group(1)}{surname.group(2)}{'女士' if surname.group(1) == '她' else '先生'}"


def read_letter(text: str) -> LetterOrder:
    """The whole letter kept; its problem, place, phone and any passing question picked out."""
    whole = str(text or "").strip()[:wording.LETTER_MAX_CHARS]
    problems: List[str] = []
    asked: List[str] = []
    paragraphs_taken: set = set()
    several_paragraphs = len([p for p in whole.split("\n") if p.strip()]) >= 3
    for paragraph, sentence in sentences_by_paragraph(whole):
        if is_question(sentence) and not PROBLEM.search(sentence):
            asked.append(sentence)
            continue
        if asked and re.search(r"[？?]$", sentence) and not PROBLEM.search(sentence):
            asked.append(sentence)  # 要带什么？ right after the passing question goes with it
            continue
        if NOT_PROBLEM.search(sentence) or (CONTACT.search(sentence) and wording.phone_in(sentence)):
            continue
        if several_paragraphs and paragraph in paragraphs_taken:
            continue  # a letter written in paragraphs (第一件…第二件…) gives one problem from each
        span = problem_span(sentence, FIRST_CHARS if not problems else OTHER_CHARS)
        if span and len(problems) < MAX_PROBLEMS and not any(span in seen for seen in problems):
            problems.append(span)
            paragraphs_taken.add(paragraph)
    problem = "；".join(problems) or re.sub(r"\s+", "", whole)[:FIRST_CHARS]
    return LetterOrder(text=whole, problem=problem, place=place_of_letter(whole), contact=wording.phone_in(whole),
                       contact_person=contact_person(whole), question="".join(asked) or None)
