"""Labels from official replies: which unit handled each message.

A reply names its handling unit in a few recurring ways, tried in this order:

1. ``forward``   — the message was passed on: "已转小横垅乡核查", "交由市房屋交易管理中心办理"
                   (the first hand-over in the reply; later ones are follow-ups);
2. ``signature`` — the reply is signed: "…A7县公安局 2013年1月30日";
3. ``subject``   — a unit acts at the start of a sentence: "A3区洋湖街道高度重视…",
                   "A5区高度重视,我办…" (the district's government office);
4. ``self``      — "我镇/我乡/我街道/我校" (the town's name from the reply, else the message),
                   "我办" after "A5区高度重视"; "我局" alone names no type and is left unlabelled;
5. ``actor`` — weaker: "经县住建局核实";
6. ``referral`` — "请与A7县教育局…联系": the unit the citizen should ask next, not the one that
   answered (half of them disagreed with a hand label). It is kept as a weak training signal
   but is not a handling label (``Extraction.handling``): evaluation never scores against it.

A government that only takes a message up ("A5区高度重视,我办经调查了解…") is the handler only
when no functional unit is named as the one that looked into it ("…经A5区教育局核实"): that
unit then handles it (rule ``delegated``), as the last unit of a chain of hand-overs does.
Offices that only pass messages on (网宣办, 电子政务办) and generic words (相关部门) never
count as the handler. The jurisdiction comes from the code before the unit's name (A3区, A市,
西地省), from 市/区/县 before it resolved with the codes in the message, or from the
reply's own words (我市, 我县). Returns None when no rule applies: such replies are unlabelled.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from routing.departments.units import (
    GOVERNMENT_TYPE,
    LEVEL_CITY,
    STREET_TYPE,
    Jurisdictions,
    Unit,
    UnitVocabulary,
    default_jurisdictions,
    default_vocabulary,
)

RULES = ("forward", "signature", "subject", "self", "actor", "referral")
STRONG_RULES = frozenset({"forward", "signature", "subject", "self", "delegated"})
WEAK_RULES = frozenset({"referral"})  # a unit named, but not as the one that handled the message

# Words that cannot be part of a unit's name: where a name starts, the text before it ends.
_NAME_STOPS = (
    "高度重视 所在地 联系 咨询 反映 问题 要求 协调 组织 安排 责成 通知 辖区 属地 当地 涉及 "
    "位于 隶属 属于 管辖 转入 转出 转学 办理 情况 收悉 督促 配合 会同 联合 牵头 指导 监督 转交 "
    "转至 转由 交由 交给 移交 请 经 由 向 对 与 和 及 在 到 至 给 我 已 将 把 被 的 了 是 后 "
    "会 为 从 据 并 即 以 该 此 其 各 等 又 要 让 找 去 来 往 转 交 时 于 就 也 都 还 再 均 报 "
    "派 同 部门 所属 通过 网友 来信 近日 附近 周边 导致 减轻 修建 责令 目前 现在 原 新建 距离 "
    "离 靠近 旁边 对面 门口 隔壁 整个 区域 片区 范围 年 月 日 号 也 你 您 他 她 它 如 若 但 而 "
    "或 有 无 不 没 本 全 上 下 内 外 前 间 中 里 个 几 叫 且 拨打 毗邻"
).split()
# 经 starts 经开区 (an economic development zone) as well as 经…核实 (through …).
_NAME_STOP_RE = re.compile(
    "|".join(re.escape(w) + ("(?!开区|济技术开发区)" if w == "经" else "")
             for w in sorted(_NAME_STOPS, key=len, reverse=True))
)
_NAME_CHARS_RE = re.compile(r"[\u4e00-\u9fffA-Z0-9]+$")
# Characters a street or town name never ends with (城乡, 各乡镇, 县城…).
_BAD_NAME_END = set("乡镇村县区市省街")
_SINGLE_CHAR_TOWN = {"镇", "乡"}
# Words that end like a town but are not its name (统筹城乡, 回到家乡, 周边各个城镇); the second group
# ends real names after one character (王集镇, 望城镇), so only a longer stem rules them out.
_NOT_NAME_ENDINGS = ("城乡", "故乡", "乡镇")
_NOT_NAME_ENDINGS_AFTER_TWO = ("家乡", "城镇", "集镇", "古镇", "小镇")


# Town and street names are short (河西, 青山, 红星); a longer run before 街道 is a sentence
# about streets (城管队员每晚巡查街道). Ethnic townships go by their short name too: 青山土家族乡 is 青山乡.
_MAX_TOWN_STEM = 4
_ETHNIC_RE = re.compile(r"(?:(?:土家|苗|侗|瑶|白|回|壮|畲|满|彝|藏|傣|蒙古|维吾尔)族)+$")


def _ends_like_a_place_word(name: str) -> bool:
    return name.endswith(_NOT_NAME_ENDINGS) or (len(name) >= 4 and name.endswith(_NOT_NAME_ENDINGS_AFTER_TWO))
_PLACE_NAME_STARTS = set("和同中上下内外前里全有来本与")
# Punctuation after width normalisation (NFKC turns ，：；！？（） into their ASCII forms).
P = r"，,。.！!？?：:；;、\s“”\"'（）()"

_SELF_RE = re.compile(r"(?:我|本)(局|委|办|中心|镇|乡|街道|大队|支队|中队|公司|司|厅|校|站|所|处|院)")
_FORWARD_LEFT_RE = re.compile(
    r"(?:转交|转至|转由|转给|转到|转送|批转|交由|交给|移交|移送|分流至|分流给|推送至|推送给|转|已交)(?:给|至|到|由)?"
    r"(?:了)?\s*$"
)
# A hand-over on a condition (如情况属实，…交由县公安局处理) has not happened.
_CONDITIONAL_RE = re.compile(r"如果|如|若|一经|一旦|否则")
# 要求/责成 X 调查: the reply's author had X look into it.
_ASSIGN_LEFT_RE = re.compile(r"(?:要求|责成|交办|督促|安排|指派|请)\s*$")
_ASSIGN_RIGHT_RE = re.compile(
    r"^(?:进行了?|立即|迅速|及时|认真|依法|对此|对该问题)?(?:调查|核实|核查|处理|处置|办理|查处)"
)
_FORWARD_RIGHT_RE = re.compile(
    r"^[^。!?]{0,6}?(?:核查|办理|调查|办复|处理|核实|核处|答复|回复|研究|落实|查处|跟进|解决|处置|负责|调处|了解|"
    r"进行|办)|^\s*[，,。、；;]|^\s*$"
)
_SUBJECT_RIGHT_RE = re.compile(
    r"^[^。!?,]{0,6}?(?:高度重视|收悉|收到|接到|立即|迅速|及时|第一时间|经|调查核实|"
    r"组织|派员|派出|安排|对此|现将|现就|答复如下|回复如下|责成|已于|会同|联合|工作人员|执法人员|领导|"
    r"进行了|认真|专门|成立|正在|已经|已|将)"
)
_GOVERNMENT_SUBJECT_RE = re.compile(
    r"(?:^|[,。!:;\s“”])((?:[A-Z]\d{0,2}[区县市])|我县|我区|我市|县委、?县政府|区委、?区政府|市委、?市政府)"
    r"(?:党委、?政府|委、?政府)?[^。,]{0,3}高度重视"
)
_DATE_RE = re.compile(r"^[\s(]*(?:公章)?[)\s]*(?:\d{2,4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}|[。!\s]*$)")
_ACTOR_LEFT_RE = re.compile(r"经\s*$")
_ACTOR_RIGHT_RE = re.compile(r"^[^。!?,]{0,4}?(?:调查|核实|核查|研究|审核|现场|实地|走访|了解)")
_REFERRAL_LEFT_RE = re.compile(r"(?:请|可|建议|欢迎)[^。!?]{0,12}(?:与|向|到|至|咨询|联系|致电|拨打|前往)\s*$")
_SENTENCE_START_RE = re.compile(r"(?:^|[,。!?:;\s“”]|收悉后|接到后|之后|后|对此|为此|经|现|目前)$")
_CITY_CUES = ("我市", "全市", "本市")
_DISTRICT_CUES = ("我县", "全县", "本县", "我区", "全区", "本区")
# How far a rule looks: a subject near the start is the reply's author, later it may be anyone.
_SUBJECT_WINDOW = 160


def trim_name(chars: str, place: bool = False) -> str:
    """The tail of ``chars`` after the last word that cannot be part of a unit's name.

    For a place (``place``), a stop character that would leave less than two characters and
    that place names also begin with is kept as the name's first character (和平街道, 同升街道).
    """
    matches = list(_NAME_STOP_RE.finditer(chars))
    if not matches:
        return chars
    last = matches[-1]
    name = chars[last.end() :]
    if place and len(name) < 2 and last.group(0) in _PLACE_NAME_STARTS and len(chars) - last.start() >= 2:
        return chars[last.start() :]
    return name


@dataclass(frozen=True)
class Mention:
    """A unit named in the text: where, of which type, its name and the jurisdiction written before it."""

    start: int
    end: int
    unit_type: str
    keyword: str
    name: str
    prefix_code: str | None
    prefix_level: str | None
    self_suffix: str | None = None

    @property
    def text(self) -> str:
        return self.name


@dataclass(frozen=True)
class Extraction:
    """The handling unit of one reply, the rule that found it and the words it was read from."""

    unit: Unit
    rule: str
    mention: str

    @property
    def strong(self) -> bool:
        return self.rule in STRONG_RULES

    @property
    def handling(self) -> bool:
        """Whether the unit is the one that handled the message (what evaluation scores against)."""
        return self.rule not in WEAK_RULES


def clean_reply(text: str) -> str:
    """Width-normalised text with single spaces. Spaces stay (a reply's heading and its first
    sentence are often split only by one), and so do courtesy words: 感谢您对我镇… names a town."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", " ", text).strip()


class ReplyUnitExtractor:
    """Reads the handling unit out of an official reply, using the message for context."""

    def __init__(self, vocabulary: UnitVocabulary | None = None, jurisdictions: Jurisdictions | None = None) -> None:
        self.vocabulary = vocabulary or default_vocabulary()
        self.jurisdictions = jurisdictions or default_jurisdictions()
        self._code_re = self.jurisdictions.pattern
        words = sorted(self.vocabulary.keywords, key=len, reverse=True)
        self._keyword_re = re.compile("|".join(map(re.escape, words)))
        relays = self.vocabulary.relays
        self._relay_re = re.compile("|".join(map(re.escape, relays))) if relays else None
        self._generic_re = re.compile("|".join(map(re.escape, self.vocabulary.generic)))

    # ---- mentions ------------------------------------------------------------------------

    def mentions(self, text: str) -> list[Mention]:
        """Every unit named in ``text`` (keyword with its name and jurisdiction prefix)."""
        found: list[Mention] = []
        previous_end = 0
        for match in self._keyword_re.finditer(text):
            mention = self._mention(text, match.start(), match.end(), match.group(0), previous_end)
            previous_end = match.end()
            if mention is not None:
                found.append(mention)
        found = self._merge_compounds(found)
        for match in _SELF_RE.finditer(text):
            suffix = match.group(1)
            unit_type = STREET_TYPE if suffix in ("镇", "乡", "街道") else ("教育" if suffix == "校" else "")
            found.append(Mention(match.start(), match.end(), unit_type, match.group(0), match.group(0), None, None,
                                 self_suffix=suffix))
        return sorted(found, key=lambda m: m.start)

    @staticmethod
    def _merge_compounds(mentions: list[Mention]) -> list[Mention]:
        """A unit inside another (A7县公安局交警大队, 开慧镇派出所) is one mention: the inner
        unit's type, the outer one's jurisdiction prefix."""
        merged: list[Mention] = []
        for mention in mentions:
            if merged and merged[-1].end == mention.start:
                outer = merged.pop()
                inner_name = mention.name.removeprefix(mention.prefix_code or mention.prefix_level or "")
                mention = replace(
                    mention,
                    start=outer.start,
                    name=outer.name + inner_name,
                    prefix_code=outer.prefix_code or mention.prefix_code,
                    prefix_level=outer.prefix_level or mention.prefix_level,
                )
            merged.append(mention)
        return merged

    def _mention(self, text: str, start: int, end: int, keyword: str, floor: int = 0) -> Mention | None:
        unit_type = self.vocabulary.keywords[keyword]
        chars = _NAME_CHARS_RE.search(text[max(floor, start - 10) : start])
        left = chars.group(0) if chars else ""
        qualifier = trim_name(left, place=unit_type == STREET_TYPE)
        codes = list(self._code_re.finditer(qualifier))
        code = codes[-1].group(0) if codes else None
        used = qualifier
        if codes:
            qualifier = qualifier[codes[-1].end() :]
            used = used[codes[-1].start() :]
        level_char = None
        if qualifier[:1] in ("市", "区", "县", "省") and (code is None or unit_type == STREET_TYPE):
            # 市交通局, and the anonymised "A9县县河西镇" (a code, then the level it replaced).
            level_char, qualifier = qualifier[0], qualifier[1:]
            if code is not None:
                level_char = None
        if unit_type == STREET_TYPE:
            if len(qualifier) < 2 or qualifier[-1] in _BAD_NAME_END or any(c.isdigit() for c in qualifier):
                return None
            if keyword in _SINGLE_CHAR_TOWN and text[end : end + 1] in ("村", "镇", "乡", "级", "亲"):
                return None
            if len(qualifier) > _MAX_TOWN_STEM and not _ETHNIC_RE.search(qualifier):
                return None
            name = _ETHNIC_RE.sub("", qualifier) + ("街道" if keyword.startswith("街道") else keyword[0])
            if name in self.vocabulary.not_units or _ends_like_a_place_word(name):
                return None
        else:
            if qualifier + keyword in self.vocabulary.not_units:
                return None
            name = (code or level_char or "") + qualifier + keyword
        return Mention(start - len(used), end, unit_type, keyword, name, code, level_char)

    # ---- the handling unit ---------------------------------------------------------------

    def extract(self, reply: str, message: str = "") -> Extraction | None:
        """The unit that handled the message, or None when the reply does not say."""
        reply = clean_reply(reply)
        message = clean_reply(message)
        if not reply:
            return None
        mentions = [m for m in self.mentions(reply) if not self._is_relay(reply, m)]
        for rule in RULES:
            mention = getattr(self, f"_rule_{rule}")(reply, mentions)
            if mention is None:
                continue
            if rule == "subject" and mention.unit_type == GOVERNMENT_TYPE:
                delegate = self._rule_actor(reply, mentions)
                if delegate is not None and delegate.unit_type != GOVERNMENT_TYPE:
                    rule, mention = "delegated", delegate
            unit = self._resolve(reply, message, mention, mentions)
            if unit is not None:
                return Extraction(unit=unit, rule=rule, mention=mention.name)
        return None

    def _is_relay(self, reply: str, mention: Mention) -> bool:
        if self._relay_re is None:
            return False
        around = reply[max(0, mention.start - 4) : mention.end + 4]
        return bool(self._relay_re.search(around)) and mention.self_suffix is None

    def _rule_forward(self, reply: str, mentions: list[Mention]) -> Mention | None:
        """The first hand-over: later ones in a reply are follow-ups (…并交由县公安局处理)."""
        for mention in mentions:
            left = reply[max(0, mention.start - 8) : mention.start]
            assigned = _ASSIGN_LEFT_RE.search(left) and _ASSIGN_RIGHT_RE.search(reply[mention.end : mention.end + 12])
            if not _FORWARD_LEFT_RE.search(left) and not assigned:
                continue
            if self._generic_re.match(reply, mention.start):
                continue
            sentence = re.split(r"[。!?;]", reply[max(0, mention.start - 40) : mention.start])[-1]
            if _CONDITIONAL_RE.search(sentence):
                continue
            if _FORWARD_RIGHT_RE.search(reply[mention.end : mention.end + 12]):
                return mention
        return None

    def _rule_signature(self, reply: str, mentions: list[Mention]) -> Mention | None:
        for mention in reversed(mentions):
            if mention.self_suffix:
                continue
            left = reply[max(0, mention.start - 1) : mention.start]
            if left and left not in " 。!,:;)":
                continue
            if _DATE_RE.match(reply[mention.end : mention.end + 20]):
                return mention
        return None

    def _rule_subject(self, reply: str, mentions: list[Mention]) -> Mention | None:
        government = _GOVERNMENT_SUBJECT_RE.search(reply[:_SUBJECT_WINDOW])
        for mention in mentions:
            if mention.start > _SUBJECT_WINDOW:
                break
            if government and government.start(1) < mention.start:
                break
            left = reply[max(0, mention.start - 4) : mention.start]
            if not _SENTENCE_START_RE.search(left):
                continue
            if _SUBJECT_RIGHT_RE.search(reply[mention.end : mention.end + 14]):
                return mention
        if government:
            who = government.group(1)
            code = who if re.fullmatch(r"[A-Z]\d{0,2}[区县市]", who) else None
            level = None if code else (who[1] if who.startswith("我") else who[0])
            return Mention(government.start(1), government.end(1), GOVERNMENT_TYPE, "高度重视", who, code, level)
        return None

    def _rule_self(self, reply: str, mentions: list[Mention]) -> Mention | None:
        return next((m for m in mentions if m.self_suffix), None)

    def _rule_actor(self, reply: str, mentions: list[Mention]) -> Mention | None:
        for mention in mentions:
            if mention.self_suffix:
                continue
            if _ACTOR_LEFT_RE.search(reply[max(0, mention.start - 1) : mention.start]) and _ACTOR_RIGHT_RE.search(
                reply[mention.end : mention.end + 10]
            ):
                return mention
        return None

    def _rule_referral(self, reply: str, mentions: list[Mention]) -> Mention | None:
        for mention in mentions:
            if mention.self_suffix:
                continue
            if _REFERRAL_LEFT_RE.search(reply[max(0, mention.start - 20) : mention.start]):
                return mention
        return None

    # ---- jurisdiction and self-references ------------------------------------------------

    def _resolve(self, reply: str, message: str, mention: Mention, mentions: list[Mention]) -> Unit | None:
        if mention.self_suffix:
            resolved = self._resolve_self(reply, message, mention, mentions)
            if resolved is None:
                return None
            mention = resolved
        if not mention.unit_type:
            return None
        jurisdiction = self._jurisdiction(reply, message, mention)
        name = mention.name if mention.unit_type == STREET_TYPE else None
        if name and mention.prefix_code:
            name = name.removeprefix(mention.prefix_code)
        return Unit(jurisdiction=jurisdiction, unit_type=mention.unit_type, name=name or None)

    def _resolve_self(self, reply: str, message: str, mention: Mention, mentions: list[Mention]) -> Mention | None:
        suffix = mention.self_suffix
        named = [m for m in mentions if not m.self_suffix and m.unit_type]
        if suffix in ("镇", "乡", "街道"):
            towns = [m for m in named if m.unit_type == STREET_TYPE]
            if not towns:
                towns = [m for m in self.mentions(message) if m.unit_type == STREET_TYPE and not m.self_suffix]
            names = {m.name for m in towns}
            if len(names) == 1:
                return towns[0]
            return replace(mention, name="")
        if suffix == "校":
            return mention
        if suffix == "办" and _GOVERNMENT_SUBJECT_RE.search(reply[:_SUBJECT_WINDOW]):
            return self._rule_subject(reply, [])
        return None

    def _jurisdiction(self, reply: str, message: str, mention: Mention) -> str | None:
        if mention.prefix_code:
            return mention.prefix_code
        level = mention.prefix_level
        if level == "省":
            return self.jurisdictions.province
        if level == "市":
            return self._city(reply, message)
        if level in ("区", "县"):
            return self._district(reply, message, level)
        if mention.unit_type in (STREET_TYPE,) or mention.self_suffix in ("镇", "乡", "街道"):
            return self._district(reply, message, None)
        head = reply[:_SUBJECT_WINDOW * 2]
        if any(cue in head for cue in _CITY_CUES):
            return self._city(reply, message)
        if any(cue in head for cue in _DISTRICT_CUES):
            return self._district(reply, message, None)
        return None

    def _city(self, reply: str, message: str) -> str | None:
        """市 before a unit: the message's city, or its county-level city (J11市) when that is all it names."""
        places = self.jurisdictions
        codes = [c for c in places.find(message) or places.find(reply) if c != places.province]
        if not codes:
            return None
        county_cities = [c for c in codes if c.endswith("市") and places.level(c) != LEVEL_CITY]
        cities = [c for c in codes if places.level(c) == LEVEL_CITY]
        if county_cities and not cities:
            return county_cities[0]
        return places.city(codes[0])

    def _district(self, reply: str, message: str, kind: str | None) -> str | None:
        """区/县 before a unit (or a town's district): the first district the message names, else the reply."""
        places = self.jurisdictions
        for text in (message, reply):
            codes = [c for c in places.find(text) if places.level(c) not in (LEVEL_CITY, None, "省级")]
            if kind:
                codes = [c for c in codes if c.endswith(kind)] or ([] if codes else codes)
            if codes:
                return codes[0]
        return None
