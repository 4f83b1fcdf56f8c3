"""What a citizen's words mean regardless of the NLU's guess: cancelling, asking for a person, a 查询码,
refusing to leave a phone, materials one cannot get, a long letter, English.

The NLU model is trained on short messages; inside a form a misread intent must not cost the citizen
the order, so these plain rules are checked first and the model's intent only confirms them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional

#: Stop the current form: 算了 / 不投诉了 / 取消 / 退出 / 不办了 …, alone or with courtesy words.
CANCEL_WORD = (r"(算了|不(投诉|投|反映|举报|建议|提|办|弄|搞|预审|查)了|不想(投诉|反映|办|弄)了|"
               r"取消|退出|不用了|不要了|"
               r"先不(投诉|反映|办|弄)了?|撤销|撤回|别(弄|办|投诉)了|结束|停止)")
CANCEL = re.compile(r"^(好吧|那|哎|唉|嗯|那就|还是|我)?[，,。 ]*(" + CANCEL_WORD + r"(吧|了|啊|呀|哈)?[，,。！!…\s]*)+"
                    r"(谢谢|谢了|再见|拜拜)?[。！!…\s]*$")
#: A person instead of the bot.
HANDOFF = re.compile(r"转(个|一下|一个)?人工|人工客服|人工服务|找人工|要人工|接人工|真人|人工坐席|接线员|人工$|^人工")
#: Refusing to leave a phone number, in any wording (电话就不留了, 不想留, 算了不留, 号码保密 …).
NO_CONTACT = re.compile(
    r"不留|不想留|不愿意?留|不方便留?|不给|不想给|不提供|不用留|不需要留|不必留|匿名|保密|"
    r"(电话|号码|手机|联系方式)(号|号码)?(我)?(就|还是|也)?(算了|不用|不要|免了|没有|别)|没有(电话|手机)|不要(打|联系)|"
    r"别(打|联系|来电)")
#: Declining words; at the phone step, said without any digit, they decline to give a number (就算了吧).
DECLINE = re.compile(r"算了|不用|不要|不留|不给|不想|不方便|免了|别|没有|不必|不需要")
PHONE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
#: The code an order is looked up with (16 hex characters; orders filed before it grew are 8).
CODE_AFTER_NAME = re.compile(r"查询码\s*(?:是|为)?\s*[:：]?\s*([0-9a-fA-F]{8,16})(?![0-9a-zA-Z])")
BARE_CODE = re.compile(r"(?<![0-9a-zA-Z])([0-9a-fA-F]{16})(?![0-9a-zA-Z])")
ORDER_NO = re.compile(r"(?:工单|单号|编号|工单号|工单编号)\s*(?:是|为)?\s*[:：]?\s*(\d{1,9})(?!\d)"
                      r"|(?<!\d)(\d{1,9})\s*号工单")
#: Asking after an order already filed (not filing a new one).
STATUS = re.compile(r"查询码|进度|进展|查(一下|下|查)?(工单|我的|投诉|诉求|反映)|怎么查|查询|单号|工单号"
                    r"|(处理|办理?|解决|回复)(得|的)?(怎么样|咋样|如何|了没|了吗|没有)"
                    r"|到哪(一)?步|有(结果|回音|下文|回复)(了)?(吗|没)|有人(管|处理)(吗|没)")
PAST_ORDER = re.compile(r"(上周|上星期|上个?礼拜|上个?月|前几天|前天|昨天|之前|上次|上回|以前|早先|那天|前阵子|"
                        r"前段时间|前些天)[^，,。？?]{0,12}"
                        r"(投诉|反映|举报|报|提|打)[^，,。？?]{0,12}")
#: A question about a service (so that inside a form it is answered, then the form goes on).
QUESTION = re.compile(r"[？?]|吗|什么|哪些|哪里|哪儿|多少|多久|几天|怎么|如何|能不能|可不可以|要不要")
#: "Cannot get it": said of a material, it means the citizen does not have it.
CANNOT_GET = re.compile(r"(开|办|拿|弄|补|找|要|取|带)不(出|了|到|下|回|来|着)|"
                        r"不(给|肯|让|愿意?)(开|办|出|给|发)?|拖着|"
                        r"(还|正)在(办|体检|审|走|等|做|考|申请|弄|补)|(申请|办理|审核|审批)中|没(考|过|批|下来|出来)|"
                        r"还没(有)?(去)?(办|开|拿|领|下|弄|出|做|考|补|照|拍|画|写|交|体检)|没(能)?(办|开|拿|领)(下来|出来|到)|过期|丢|不见了|没带|忘带|忘了带|被扣|"
                        r"才.{0,4}(给|发|拿|办|下来|出来)|(还没|尚未)(下来|出来|办好|拿到)|过(一|几)(阵|天|周|个月)|不知道.{0,8}(在哪|去哪|哪儿|哪里)")
CLAUSES = re.compile(r"([，,。.；;！!？? \n])")
#: A clause that asks about a material (要带照片吗 / 一定要结婚证吗) says nothing about having it.
ASKING_CLAUSE = re.compile(r"吗|么|什么|啥|哪|多少|多久|几|怎么|咋|能不能|可不可以|要不要|是不是|行不行|有没有"
                           r"|不[？?]?$")
#: A clause saying the citizen has something (身份证有, 户口本也在, 带了).
HAVING = re.compile(r"有|在|带了|齐|拿到了|(办|做|弄|开|准备)好了")
#: A clause saying the citizen lacks something (the pre-check's own negations).
LACKING = re.compile(r"没有|没带|没办|没拿|没下来|还没|缺|丢|遗失|找不到|不在")
#: Tokens that the entity extractor may tag but that name no item: punctuation and single function words.
NOT_AN_ITEM = re.compile(r"^[\W\d_a-zA-Z]*$"
                         r"|^(办|交|丢|补|换|领|开|住院|合照|办理|申请|材料|证|证明|手续|东西|这个|那个|它)$")
ENGLISH = re.compile(r"[A-Za-z]")
#: From this length a message is read as a letter (来信), not as a chat turn.
LETTER_MIN_CHARS = 120
#: The work order's text limit (routing's ROUTER_MAX_TEXT_CHARS default).
LETTER_MAX_CHARS = 20000
PLACE = re.compile(
    r"([\u4e00-\u9fa5]{1,10}?(?:路|街|大道)(?:跟|和|与|同)[\u4e00-\u9fa5]{1,10}?(?:路|街|大道)(?:路口|交叉口|口)"
    r"|[\u4e00-\u9fa5]{1,12}?(?:区|县|镇|乡|街道|社区|村|小区|花园|大厦|广场|市场|公园|学校|医院)?"
    r"[\u4e00-\u9fa5]{0,10}?(?:路|街|大道|巷|弄|胡同)[\u4e00-\u9fa5\d]{0,8}?(?:\d+(?:[-－]\d+)?号(?:院|楼)?|口|段|边|旁)?"
    r"|[\u4e00-\u9fa5]{2,10}?(?:小区|花园|社区|村|大厦|广场|市场|公园|学校|医院)(?:\d+(?:栋|号楼|幢|单元))?)")
PLACE_LEAD = re.compile(r"^(现在|目前|我(家|们)?|在|住在|位于|就在|家住|我住|我是|是|的|就是|那个|这个|地点|地址)+")
PROBLEM_WORDS = re.compile(r"噪音|吵|油烟|垃圾|污水|漏水|堵|坏了|不亮|乱|违|占道|拖欠|欠薪|停车|扰民|臭|积水|危险|"
                           r"施工|破损|投诉|反映|希望|请求|要求|没人管|不作为|问题")


def clean(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


#: Thanks, goodbye or a plain "ok / got it" after an answer: said alone, it asks nothing more.
COURTESY_WORD = (r"(好的|好滴|好嘞|好吧|好哒|好|嗯嗯|嗯|哦哦|哦|噢|行吧|行|可以了|ok|okay|"
                 r"知道了|明白了|了解了|懂了|收到|清楚了|"
                 r"谢谢|谢了|多谢|感谢|辛苦|麻烦(你|您)?了|再见|拜拜|回见|没事了|没有了|没问题了|就这些|先这样|那就这样)")
COURTESY = re.compile(r"^(" + COURTESY_WORD + r"(你|您|你们|您们|小同志|同志|小助手|机器人|"
                      r"啦|了|哈|呀|啊|哦|呢|哒|嘞|吧|"
                      r"[～~！!。，,.、…\s]|[\U0001F300-\U0001FAFF\u2600-\u27BF])*)+$", re.IGNORECASE)
GOODBYE = re.compile(r"再见|拜拜|回见|\bbye\b|goodbye", re.IGNORECASE)
ENGLISH_COURTESY = re.compile(r"^((great|good|ok|okay|thanks|thank you|thank u|thx|many thanks|cheers|bye|goodbye|"
                              r"got it|"
                              r"perfect|nice|fine|understood|alright|all right|noted|cool|that'?s all|"
                              r"very much|so much|a lot|"
                              r"that'?s helpful|very helpful|appreciate it)[\s,.!~]*)+$", re.IGNORECASE)
THANKS = re.compile(r"谢|辛苦|麻烦")


def courtesy(text: Any) -> Optional[str]:
    """"thank", "goodbye" or "ok" for a message that is only courtesy (好的 谢谢你哈 辛苦啦); None otherwise."""
    said = clean(text)
    if not said or not (COURTESY.match(said) or ENGLISH_COURTESY.match(said)):
        return None
    if GOODBYE.search(said):
        return "goodbye"
    return "thank" if THANKS.search(said) or re.search(r"thank|thx|cheers|appreciate", said, re.IGNORECASE) else "ok"


#: A message that opens with giving up (算了，不投了，…) gives up, whatever reason follows.
CANCEL_OPENING = re.compile(r"^(好吧|那|哎|唉|嗯|那就|还是|我)?[，,。 ]*(" + CANCEL_WORD
                            + r")+(吧|了|啊|呀|哈)?[，,。！!…\s]")


def is_cancel(text: str) -> bool:
    said = clean(text)
    return bool(CANCEL.match(said)) or (bool(CANCEL_OPENING.match(said)) and not place_in(said)
                                        and not PHONE.search(said))


def asks_for_person(text: str) -> bool:
    return bool(HANDOFF.search(clean(text)))


def refuses_contact(text: str) -> bool:
    return bool(NO_CONTACT.search(re.sub(r"\s", "", clean(text))))


#: Declining a phone number in English (I'd rather not give my phone number).
ENGLISH_DECLINE = re.compile(r"\b(rather not|don'?t|do not|won'?t|no|not)\b.{0,30}\b(phone|number|contact)|anonymous",
                             re.IGNORECASE)


def declines_without_number(text: str) -> bool:
    """At the phone step: a short answer with no digit that declines (手机号就算了吧), but not a cancel."""
    said = clean(text)
    if re.search(r"[0-9０-９]", said):
        return False
    if ENGLISH_DECLINE.search(said):
        return True
    return len(said) <= 30 and bool(DECLINE.search(said)) and not is_cancel(said)


def phone_in(text: str) -> Optional[str]:
    found = PHONE.search(re.sub(r"[\s\-—]", "", clean(text)).replace("－", ""))
    return found.group(1) if found else None


@dataclass(frozen=True)
class OrderRef:
    code: Optional[str]
    number: Optional[int]


def order_reference(text: str) -> OrderRef:
    """The 查询码 (and the order number with it, if given); numbers elsewhere in a sentence are never read."""
    said = clean(text)
    found = CODE_AFTER_NAME.search(said) or BARE_CODE.search(said)
    code = found.group(1).lower() if found else None
    number = None
    if code:
        rest = said.replace(found.group(0), " ")
        match = ORDER_NO.search(rest)
        if match:
            number = int(match.group(1) or match.group(2))
    return OrderRef(code, number)


def asks_status(text: str) -> bool:
    said = clean(text)
    return bool(STATUS.search(said)) or bool(order_reference(said).code)


def asks_after_past_order(text: str) -> bool:
    """"我上周投诉的事" names an order filed before, not a new one."""
    said = clean(text)
    return bool(PAST_ORDER.search(said)) and (bool(STATUS.search(said)) or len(said) <= 30)


def looks_like_question(text: str) -> bool:
    return bool(QUESTION.search(clean(text)))


def is_english(text: str) -> bool:
    """Mostly Latin letters and no Chinese: the citizen writes in English (or another Latin-script language)."""
    said = clean(text)
    letters = len(ENGLISH.findall(said))
    chinese = len(re.findall(r"[\u4e00-\u9fff]", said))
    return chinese == 0 and letters >= 6 and len(said.split()) >= 2


def materials_said(text: str) -> str:
    """The citizen's words with "can't get it" made explicit for the pre-check (开不出来 → 没有).

    A clause that asks (要结婚证吗) is left out: asking about a material is not having it.
    A clause saying only that something cannot be had (…，现在开不出来) is about the clause before it
    when that one says nothing of having (离职证明公司说要过一阵才给), so the two are joined.
    """
    clauses: List[str] = []
    asking = False
    for part in CLAUSES.split(clean(text)):
        if not part or (asking and CLAUSES.fullmatch(part)):
            continue
        asking = bool(ASKING_CLAUSE.search(part)) and not CANNOT_GET.search(part)
        if asking:
            continue
        if CLAUSES.fullmatch(part):
            if clauses:
                # 身份证有 户口本没有: a space after a clause that says having (or not) ends it; in
                # 身份证 户口本 结婚证都没有 the names share the verdict at the end
                told = HAVING.search(clauses[-1]) or CANNOT_GET.search(clauses[-1]) or LACKING.search(clauses[-1])
                clauses[-1] += "，" if part == " " and told else part
            continue
        if CANNOT_GET.search(part):
            previous = clauses[-1] if clauses else ""
            if previous[-1:] in ("，", ",", " ") and not HAVING.search(previous) and not CANNOT_GET.search(previous):
                clauses[-1] = CLAUSES.sub("", previous)
                part = clauses.pop() + part
            part += "没有"
        clauses.append(part)
    return "".join(clauses)


def item_entities(entities: Iterable[Dict[str, Any]], min_confidence: float = 0.5) -> List[str]:
    """service_item values worth searching: confident, not punctuation or a lone function word, in order."""
    values: List[str] = []
    for entity in entities:
        if entity.get("entity") != "service_item":
            continue
        value = re.sub(r"^[\W_]+|[\W_]+$", "", str(entity.get("value") or ""))
        confidence = entity.get("confidence_entity")
        if confidence is not None and confidence < min_confidence:
            continue
        if len(value) < 2 or NOT_AN_ITEM.match(value) or value in values:
            continue
        values.append(value)
    return values


def is_letter(text: str) -> bool:
    return len(clean(text)) >= LETTER_MIN_CHARS


#: What a letter's problems are said with, beyond PROBLEM_WORDS: things broken, stopped, blocked, dirty or dangerous.
LETTER_PROBLEM = re.compile(r"噪音|吵|油烟|垃圾|污水|漏水|堵|不亮|违|占道|拖欠|欠薪|扰民|臭|积水|危险|停运|停用|停了|"
                            r"故障|没人修|不修|(?<!高兴)(?<!急)(?<!气)(?<!累)坏|噪|闹|脏乱|很脏|太脏|占|摆摊|坑|"
                            r"不开|锁着|隐患|起火|堆|充电|苍蝇|蚊子|水压|没水|放不出|卸货|不通|塌|裂")

#: Two streets meeting (文化路跟湖滨路路口).
CROSSING = re.compile(r"(路|街|大道)(跟|和|与|同).*口$")


def place_in(text: str) -> Optional[str]:
    """The street, estate or village the text names (without 我家住在 and the like): a street with a
    number first, then a street, then any other place, each the first of its kind."""
    candidates = [PLACE_LEAD.sub("", m.group(1)) for m in PLACE.finditer(clean(text))]
    candidates = [c[:60] for c in candidates if len(c) >= 3]
    street = r"路|街|大道|巷|弄|胡同"
    for specific in (re.compile(f"({street}).*\\d+号"), CROSSING, re.compile(street), re.compile(".")):
        found = next((c for c in candidates if specific.search(c)), None)
        if found:
            return found
    return None


def is_place(text: str) -> bool:
    """A place answer: names a street/estate/landmark, or is short and says nothing else."""
    said = clean(text)
    if place_in(said):
        return True
    return 2 <= len(said) <= 40 and not looks_like_question(said) and not is_cancel(said) and not asks_for_person(said)
