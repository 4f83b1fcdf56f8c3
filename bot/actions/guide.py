"""Answer service-guide questions from the catalogue, asking back when two items are close.

The item under discussion survives noise: only confident, well-formed item entities are searched, a
search that finds nothing never forgets the item, a follow-up without an item answers about the
remembered one (or bundle), two items named in one question are both answered, and right after a
complaint "多久会有人处理" is about that order, not about an item.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.coverage import names_hold, telling_words, uncovered
from actions.cues import asks, aspects_named
from actions.points import ask_further, covered_aspects, point_answer, points_asked
from actions.service_client import ServiceUnavailable, client
from actions.turns import answer_rated, channel_name, record_turn

#: Which part of the guide each question intent asks for.
ASPECTS = {
    "ask_materials": "materials",
    "ask_conditions": "conditions",
    "ask_time_limit": "time_limit",
    "ask_fee": "fee",
    "ask_place": "place",
    "ask_online": "online",
    "inform_item": "all",
}
ASPECT_NAMES = {"time_limit": "办理时限", "fee": "收费", "online": "网上办理", "place": "办理地点",
                "materials": "申请材料", "conditions": "办理条件"}
#: Asking the bot to look up one's own records (你能不能直接帮我查一下我名下有没有房): it cannot.
LOOK_UP_FOR_ME = re.compile(r"(帮|替|给)我(直接)?(查|看|调)(一下|下|一查)?.{0,6}(我|名下|我家|个人|记录|信息|有没有)")
CANNOT_LOOK_UP = ("我是办事指南助手，不能查询您个人的房产、社保、户籍等信息，也看不到查询结果。"
                  "您可以按下面的方式自己查询（带上身份证），或回复“转人工”：")
#: A yes/no question whether something is possible (我是青山户口 可以吗), with no aspect named: the conditions.
YES_NO = re.compile(r"(可以|行|能行|能办|成)(吗|不|么)[？?。！!\s]*$|可不可以|能不能|行不行")
#: Words of a follow-up about the order just filed (大概多久会有人来处理 / 什么时候回复我).
ORDER_FOLLOW_UP = re.compile(r"有人(来)?(处理|管|联系|回复)|(处理|回复|答复|解决)(我)?|"
                             r"多久.*(处理|回复|解决)|工单|投诉")
#: Asking whether the order just filed went through (小同志 登记上了吗), whatever item word it holds.
ORDER_TAKEN = re.compile(r"(登记|记|收到|提交|受理|报|交)(上|下|好|到|进去)?了(吗|没|么|没有)")
#: Words joining two matters; 和/跟 before a person (跟我住深圳) join company, not matters.
CONJUNCTION = re.compile(r"和(?![我你他她它咱])|跟(?![我你他她它咱])|与|以及|还有|、|及|"
                         r"一是|二是|三是|第一|第二|另外|；|;")
QUESTION_TAIL = re.compile(r"(要|需要|得)?(带|准备|交)?(什么|啥|哪些).*$")
#: A follow-up about every item just answered together (这两个都能网上办吗).
BOTH = re.compile(r"两个|两项|两件|都|分别|这几个|各自")
#: Words saying a message is about more than one matter (这两个分别…, 孩子明年也要在这边上小学, 顺便问问).
TWO_MATTERS = re.compile(r"两个|两项|两件|两样|分别|各自|这几个|也(要|想|得|需要|准备|打算)|顺便|同时")
CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\s]+")

#: A search that hesitates between items ("clarify") is still answered with its first match when that one
#: scores this many times the second (其余选项 offered after the answer); siblings are always asked.
CLEAR_LEAD = 1.5
#: ...and only when the search's own confidence reaches this (登月许可证 leads with 食品经营许可 at 0.08).
CLEAR_LEAD_MIN_CONFIDENCE = 0.15


def search_is_sure(found: Dict[str, Any]) -> bool:
    """The catalogue search itself decided to answer (its calibrated threshold, config/search.yml): the bot does
    not put a second confidence bar of its own on top, whose scale would drift whenever the search is retrained."""
    return found.get("decision") == "answer" and bool(found.get("matches"))


def clear_lead(found: Dict[str, Any]) -> bool:
    matches = found.get("matches") or []
    if found.get("decision") != "clarify" or len(matches) < 2 \
            or found.get("confidence", 0) < CLEAR_LEAD_MIN_CONFIDENCE:
        return False
    return float(matches[0].get("score") or 0) >= CLEAR_LEAD * float(matches[1].get("score") or 0)


#: At most this many clauses of a message are searched one by one when the whole finds nothing.
MAX_CLAUSES = 4
#: At most this many parts of a message are searched for the items it names.
MAX_PARTS = 5
#: A follow-up without an item entity moves to another item only when the search is this sure of it.
NEW_ITEM_CONFIDENCE = 0.8

SORRY = "抱歉，办事指南服务暂时无法访问，请稍后再试，或拨打12345咨询。"
NOT_FOUND = ("我们的办事指南目录里没有找到您说的事项，可以换个说法（比如“办护照”“小孩上户口”）；"
             "也可以拨打12345热线（0710-12345）咨询，或回复“转人工”。")
NOT_IN_CATALOGUE = ("我们青山区的办事指南目录里没有“{what}”这一项，我没法告诉您它的材料、地点和时间，以免说错。"
                    "可以拨打12345热线（0710-12345）咨询，或回复“转人工”；如果您说的是别的事项，请换个说法。")
#: A phrase names a service (not a circumstance like 临时的) when it holds one of these.
SERVICE_NOUN = re.compile(r"证|照|卡|许可|登记|补贴|津贴|金|保险|医保|社保|户口|备案|审批|手续|签证|居留|执照|牌")
#: ...that share: of the named thing's character pairs, how many the item's name and aliases hold.
COVERED_SHARE = 0.5
#: Character pairs every kind of service name has: they say nothing of which service is named.
SERVICE_PAIRS = {"许可", "可证", "登记", "记证", "证明", "申请", "申领", "办理", "证书", "补贴", "手续", "审批", "核发",
                 "备案", "资格"}
#: Characters that bind words together (房子的证明) and name nothing.
FUNCTION_CHARS = set("的了个一那这些么吗呢啊吧和与及")
#: Verbs and fillers around a named thing that say nothing of which service it is (办个健康证).
SUBJECT_FILLER = re.compile(r"^(我|想|要|去|来|在|给|帮|把)*(办|补|换|领|开|申请|申领|考|弄)?(个|一个|张|本|一下)?|"
                            r"(的事|的手续|手续|这个|那个)$")
ENGLISH_HINT = ("本服务使用中文。This service is in Chinese: please write your question in Chinese "
                "(for example “办护照要带什么”), or call the 12345 hotline for help.")


ENGLISH_TERMS = yaml.safe_load((Path(__file__).with_name("english_terms.yml")).read_text(encoding="utf-8"))
ENGLISH_NOTE = ("Note: this service is in Chinese; this is a simple English summary of the official guide "
                "(names in brackets are the Chinese words to show at the window). For more help call the 12345 "
                "hotline. 本服务使用中文。")
ENGLISH_COMPLAINT = ("I will file this as a complaint (work order) with the 12345 hotline; the whole text is kept. "
                     "This service is in Chinese, but you may answer in English. Where exactly is it "
                     "(street and number, or a landmark)? 我将把您反映的问题登记为工单。")
ENGLISH_ORDER = ("Your work order number is {number} and your query code is {code}. To check its progress, send "
                 "\"查询码 {code}\" here at any time.")
ENGLISH_ASPECTS = ("materials", "time_limit", "fee", "place", "online")


def english_material(material: Dict[str, Any]) -> str:
    name = str(material.get("name") or "")
    key = max((k for k in ENGLISH_TERMS["materials"] if k in name), key=len, default=None)
    line = f"{ENGLISH_TERMS['materials'][key]} ({name})" if key else name
    if material.get("chengnuo"):
        line += " - a signed pledge can replace it"
    elif material.get("rongque"):
        line += " - may be handed in later"
    elif not material.get("required", True):
        line += " - only if it applies to you"
    return line


def english_guide(item: Dict[str, Any], aspects: List[str], asked_as: str) -> str:
    """An item's guide in simple English: what can be said from its record (numbers, yes/no, names)."""
    wanted = list(ENGLISH_ASPECTS) if "all" in aspects else [a for a in ENGLISH_ASPECTS if a in aspects]
    lines = [f"Service: {item.get('name')}" + (f" ({asked_as})" if asked_as else "")]
    if "materials" in wanted or not wanted:
        lines.append("Documents to bring:")
        lines += [f"{i}. {english_material(m)}" for i, m in enumerate(item.get("materials") or [], 1)]
    limit = item.get("time_limit") or {}
    if "time_limit" in wanted:
        if limit.get("instant"):
            lines.append("How long: done on the spot if your documents are complete.")
        elif limit.get("promised_days") is not None:
            lines.append(f"How long: within {limit['promised_days']} working days"
                         + (f" (legal limit {limit['legal_days']})." if limit.get("legal_days") else "."))
        else:
            lines.append("How long: not stated in the guide; please ask at the window.")
    if "fee" in wanted:
        fee = str(item.get("fee") or "")
        amounts = re.findall(r"(\d+(?:\.\d+)?)元", fee)
        if not fee or re.search(r"不收费|免费|无", fee) and not amounts:
            lines.append("Fee: free of charge." if fee else "Fee: not stated; please ask at the window.")
        else:
            lines.append("Fee: " + ", ".join(f"CNY {a}" for a in amounts) + f" ({fee})")
    if "place" in wanted:
        place = item.get("place") or {}
        where = " ".join(filter(None, [place.get("hall"), place.get("window")]))
        lines.append(f"Where: {where}" + (f", address {place['address']}" if place.get("address") else "")
                     + (f", opening hours {place['hours']}" if place.get("hours") else "") if where
                     else "Where: no office; apply online.")
    if "online" in wanted:
        online = item.get("online") or {}
        if not online.get("available"):
            lines.append("Online: no, you must apply in person.")
        elif item.get("visits") == 0:
            lines.append("Online: yes, fully online - no visit needed.")
        else:
            visits = item.get("visits")
            lines.append(f"Online: partly ({online.get('level') or '网上办理'})"
                         + (f"; you still need to visit {visits} time(s)." if visits else "."))
    return "\n".join(lines + [ENGLISH_NOTE])


def answer_in_english(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
    """An English question: the hint that the service is in Chinese and, when its words name an item
    (or one is under discussion), that item's guide for the aspects asked (cost, how long, online…)."""
    said = (tracker.latest_message.get("text") or "").lower()
    terms = [english for english in ENGLISH_TERMS["items"] if english in said]
    query = " ".join(ENGLISH_TERMS["items"][english] for english in terms)
    aspects = [aspect for aspect, words in ENGLISH_TERMS["aspects"].items() if any(w in said for w in words)]
    best: Optional[Dict[str, Any]] = None
    try:
        if query:
            found = client.search(query)
            if found["matches"] and (found.get("decision") in (None, "answer") or clear_lead(found)):
                best = found["matches"][0]
        elif tracker.get_slot("item_code") and aspects and not any(w in said for w in ENGLISH_TERMS["problems"]):
            best = {"code": tracker.get_slot("item_code"), "name": tracker.get_slot("service_item")}  # how much?
        if best is None and tracker.get_slot("ticket_code") and any(w in said for w in ENGLISH_TERMS["orders"]):
            dispatcher.utter_message(text=ENGLISH_ORDER.format(number=tracker.get_slot("ticket_no"),
                                                               code=tracker.get_slot("ticket_code")))
            return []
        if best is None and any(w in said for w in ENGLISH_TERMS["problems"]):
            from actions.complaint import start_complaint_events

            dispatcher.utter_message(text=ENGLISH_COMPLAINT)
            return start_complaint_events(tracker, "投诉", tracker.latest_message.get("text") or "")
        if best is None:
            dispatcher.utter_message(text=ENGLISH_HINT)
            record_turn(tracker, "fallback", ENGLISH_HINT)
            return []
        if best["code"] != tracker.get_slot("item_code"):
            aspects = ["all"]  # a first answer covers what citizens usually need
        record = client.item(best["code"], "all") or {}
        if record.get("kind") == "item":
            answer = english_guide(record["item"], aspects or ["all"], " / ".join(terms))
        else:
            answer = ENGLISH_NOTE + "\n" + answer_aspects(best["code"], aspects or ["all"])
    except ServiceUnavailable:
        dispatcher.utter_message(text=ENGLISH_HINT)
        return []
    answer_rated(dispatcher, tracker, answer, best["code"])
    return [SlotSet("service_item", best["name"]), SlotSet("item_code", best["code"]), SlotSet("topic", "item")]


COURTESY_REPLIES = {"thank": "utter_thank", "goodbye": "utter_goodbye"}
COURTESY_OK = "好的。还有其他问题可以随时问我。"
ENGLISH_COURTESY_REPLIES = {"thank": "You're welcome! If you have another question, just ask. 不客气。",
                            "goodbye": "Goodbye, and good luck with your application! 再见。",
                            "ok": "OK. If you have another question, just ask. 好的。"}


def answer_courtesy(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict]]:
    """Thanks, goodbye or 好的 after an answer, whatever intent the NLU gave it, is answered in kind
    (never with the guide again); None for any other message."""
    text = tracker.latest_message.get("text") or ""
    kind = wording.courtesy(text)
    if kind is None:
        return None
    if wording.is_english(text) or not re.search(r"[\u4e00-\u9fff]", text):
        dispatcher.utter_message(text=ENGLISH_COURTESY_REPLIES[kind])
    elif kind in COURTESY_REPLIES:
        dispatcher.utter_message(response=COURTESY_REPLIES[kind])
    else:
        dispatcher.utter_message(text=COURTESY_OK)
    return []


def letter_or_english(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict]]:
    """Whatever intent the NLU gave: a letter becomes a work order, English gets the Chinese-service hint;
    None for any other message."""
    text = tracker.latest_message.get("text") or ""
    if wording.is_letter(text):
        from actions.complaint import letter_events

        return letter_events(dispatcher, tracker)
    if wording.is_english(text):
        return answer_in_english(dispatcher, tracker)
    return None


def item_query(tracker: Tracker) -> Optional[str]:
    """The item the citizen means: a confident entity in this message (one naming a kind of service before one
    that does not: 残疾人证 before 孙子), else the item under discussion."""
    named = wording.item_entities(tracker.latest_message.get("entities") or [])
    named = sorted(named, key=lambda value: not SERVICE_NOUN.search(value))
    return named[0] if named else tracker.get_slot("service_item")


def aspects_of(tracker: Tracker, intent: str) -> List[str]:
    """The parts of the guide asked for: those named in words (收钱不 / 在哪办，要等多久), whatever the
    intent, else the intent's."""
    text = tracker.latest_message.get("text") or ""
    named = [a for a in (aspects_named(text) if len(text) <= 60 else []) if a != "sequence"]
    if not named and intent in ("inform_item", "inform_materials") and YES_NO.search(text):
        return ["conditions"]  # 我是青山户口 可以吗: whether one qualifies
    return named or [ASPECTS.get(intent, "all")]


def sequence_answer(codes: List[str]) -> str:
    """Which of the items comes first: one whose certificate (``produces``) another asks for as a material."""
    records = {code: (client.item(code, "materials") or {}).get("item") or {} for code in codes}
    for first, before in records.items():
        for then, after in records.items():
            needed = {m.get("id"): m.get("name") for m in after.get("materials") or []}
            made = [needed[i] for i in before.get("produces") or [] if i in needed]
            if first != then and made:
                return (f"先办【{before.get('name')}】：它办结后发的“{made[0]}”是【{after.get('name')}】要提交的材料，"
                        f"拿到后再办【{after.get('name')}】。")
    names = "、".join(f"【{r.get('name')}】" for r in records.values() if r)
    return f"{names}之间没有先后要求，材料备齐后可以同时办理。"


def search_item(tracker: Tracker) -> Dict[str, Any]:
    """Search the catalogue for the item; when the item's words find nothing, for the whole message.

    A typo can cut the extracted item short (办营业执找要带什么 gives 执找), while the matcher's
    character n-grams still find 营业执照 in the full sentence.
    """
    query = item_query(tracker)
    text = tracker.latest_message.get("text") or ""
    found = client.search(query or text)
    if found["matches"] and query and text != query and len(text) <= 60:
        whole = client.search(text)  # 公司不做了要注销: the sentence knows better than the entity 公司
        sure = search_is_sure(whole) or clear_lead(whole)
        if whole["matches"] and sure and whole["matches"][0]["code"] != found["matches"][0]["code"]:
            return whole
    if (not found["matches"] or found.get("ambiguous")) and query and text and text != query:
        whole = client.search(text)  # 补个身份证要多久: the whole sentence says which 身份证 item
        if whole["matches"] and (not found["matches"] or not whole.get("ambiguous")
                                 or clear_lead(whole) and not clear_lead(found)):
            return whole
    if not found["matches"]:
        found = best_clause(text) or found
    return found


def best_clause(text: str) -> Optional[Dict[str, Any]]:
    """The surest search among the message's clauses, for a long message whose whole text finds nothing
    (冬天要去海南住几个月 在那边看病医保能用不: the second clause names the item)."""
    clauses = [c for c in re.split(r"[，,。.；;！!？?\s]+", text) if len(c) >= 4]
    if len(clauses) < 2:
        return None
    results = [client.search(clause) for clause in clauses[:MAX_CLAUSES]]
    results = [r for r in results if r["matches"]]
    return max(results, key=lambda r: r.get("confidence", 0), default=None)


def asked_subject(tracker: Tracker) -> Optional[str]:
    """The thing the citizen names as the service wanted (老年公交卡, 驾照, 居留许可): a confident item entity,
    else a material entity, when it holds a service noun."""
    entities = tracker.latest_message.get("entities") or []
    named = wording.item_entities(entities)
    materials = [str(e.get("value") or "") for e in entities if e.get("entity") == "material"]
    for value in named + materials:
        subject = SUBJECT_FILLER.sub("", value)
        if len(subject) >= 2 and SERVICE_NOUN.search(subject):
            return subject
    return None


def pairs(text: str) -> set:
    said = re.sub(r"[^\u4e00-\u9fff]", "", text or "")
    return {said[i:i + 2] for i in range(len(said) - 1)}


def labels_of(code: str) -> List[str]:
    """An item's (or bundle's) name and aliases: what the catalogue calls it."""
    record = client.item(code, "conditions") or {}
    own = record.get("item") or record.get("bundle") or {}
    return [str(label) for label in [own.get("name"), *(own.get("aliases") or [])] if label]


def covered_share(subject: str, code: str, *known: Optional[str]) -> float:
    """How much of the named thing the item's own names hold (驾照 in 网约车驾驶员证核发: none of it); the
    ``known`` names (the match's name and matched alias) are read first, the record only when they fall short."""
    telling = {pair for pair in pairs(subject) if not set(pair) & FUNCTION_CHARS}  # 房子的证明: not 的证
    wanted = telling - SERVICE_PAIRS or telling  # 登月许可证: 登月 says which service, 许可 does not
    if not wanted:
        return 1.0
    held = set().union(*(pairs(label) for label in known if label))
    if len(wanted & held) / len(wanted) < COVERED_SHARE:
        held |= set().union(*(pairs(label) for label in labels_of(code)))
    return len(wanted & held) / len(wanted)


def not_in_catalogue(found: Dict[str, Any], subject: Optional[str]) -> bool:
    """The search's own unsure decision, read with what the citizen named: the catalogue does not have it when
    the search is not sure and the names of the items it offers do not hold the thing named (居留许可 is not
    施工许可)."""
    matches = found.get("matches") or []
    if not matches:
        return True
    if not subject or search_is_sure(found):
        return False  # a sure search is taken at its word (老人补贴 is 高龄津贴申领)
    return all(covered_share(subject, m["code"], m.get("name"), m.get("matched")) < COVERED_SHARE for m in matches)


def say_not_in_catalogue(dispatcher: CollectingDispatcher, tracker: Tracker, subject: Optional[str],
                         near: Optional[List[Dict[str, Any]]] = None) -> List[Dict]:
    """Honestly not covered, with the way forward; the item under discussion is kept. The search's nearest
    items (``near``) are offered as suggestions after that, never as the answer."""
    text = NOT_IN_CATALOGUE.format(what=subject) if subject else NOT_FOUND
    if near and channel_name(tracker) == "wechat":
        names = "、".join(f"“{m['name']}”" for m in near)
        text += f"\n目录里相近的事项有：{names}，如果您问的是其中一项，请直接说名称。"
        near = None
    dispatcher.utter_message(text=text)
    if near:
        dispatcher.utter_message(text="目录里相近的事项（如果您问的是其中一项，请点选）：",
                                 buttons=choice_buttons(near, "inform_item"))
    record_turn(tracker, "fallback", text)
    return []


def record_of(code: str) -> Dict[str, Any]:
    """An item's or bundle's full record from the catalogue API (every field comes with any aspect)."""
    return client.item(code, "conditions") or {}


def service_missing(found: Dict[str, Any], text: str, subject: Optional[str],
                    remembered: Optional[str]) -> Optional[str]:
    """The service the citizen names when the catalogue does not have it, else None.

    The search ranks by every field, so a neighbour sharing a common word can lead (公积金贷款 → 公积金提取,
    驾驶证换证 → 身份证换领). Only a service the citizen names (``subject``, from the NLU's entities) is
    judged, by its telling words (actions/coverage.py; the words of a situation, 买了套房 / 腿脚不行, are not
    the service asked): when the search hesitates, none of its candidates' names holds them; when it
    answers, neither the names nor any field of its guide does. A question the item under discussion
    covers is a follow-up about it."""
    matches = found.get("matches") or []
    named = service_named(text, subject)
    if not matches or not named:
        return None
    if remembered and not uncovered(text, record_of(remembered)):
        return None
    unsure = found.get("ambiguous") and not clear_lead(found)
    candidates = matches if unsure else matches[:1]
    labels = [labels_of(m["code"]) for m in candidates]
    if not all(labels):
        return None  # a candidate whose names cannot be read cannot be said not to be the one
    if any(names_hold(named, own + [str(m.get("matched") or "")]) for own, m in zip(labels, candidates, strict=True)):
        return None
    if not unsure and uncovered(named, record_of(matches[0]["code"])) != telling_words(named):
        return None  # the answer's guide speaks of what is asked somewhere (疫苗 in its materials)
    return named


def service_named(text: str, subject: Optional[str]) -> Optional[str]:
    """The service as the citizen names it: the subject with the telling word said right before it (居留 +
    许可), when the phrase holds a telling word at all; None otherwise (补贴 alone, 户口 alone)."""
    if not subject:
        return None
    before = text.partition(subject)[0]
    for word in telling_words(text):
        if before.endswith(word):
            return word + subject
    return subject if telling_words(subject) else None


UNWRITTEN = "您问到的“{words}”，【{name}】的办事指南里没有写，我没法确定，以免说错；{further}。"


def unwritten_point(text: str, code: str, tracker: Tracker, aspects: List[str]) -> str:
    """An honest line when the asking clauses of the question name something no field of the guide holds
    (照相馆 of a photo), or that the fields answering the aspect asked do not hold (契税 asked with 交多少:
    the fee field has the registration fee only): the guide's nearest field is not the answer to it."""
    asking = "，".join(c for c in re.split(r"[，,。；;！!？?\s]+", text) if asks(c))
    if not asking:
        return ""
    record = record_of(code)
    said_elsewhere = {str(e.get("value") or "") for e in tracker.latest_message.get("entities") or []
                      if e.get("entity") in ("place", "material")}  # a material is answered by its own note
    words = [w for w in uncovered(asking, record, things_only=True, aspects=aspects)
             if not any(w in p for p in said_elsewhere)]
    if not words:
        return ""
    own = record.get("item") or record.get("bundle") or {}
    return UNWRITTEN.format(words="”“".join(words), name=own.get("name") or "",
                            further=ask_further(own.get("place")))


def choice_buttons(matches: List[Dict[str, Any]], intent: str) -> List[Dict[str, str]]:
    return [{"title": m["name"], "payload": f'/{intent}{{"service_item": "{m["name"]}"}}'} for m in matches]


#: Two-character words too common in material names to say which material a question is about.
GENERIC_BIGRAMS = {"申请", "证明", "材料", "本人", "原件", "复印", "提供", "办理", "登记", "表格", "证书", "合格",
                   "有关", "相关", "情况", "信息", "文件", "资料", "书面", "一份", "双方", "家庭", "成员", "需要"}


def materials_of(code: str) -> List[Dict[str, Any]]:
    """The materials of an item, or of every item of a bundle (its merged checklist)."""
    answer = client.item(code, "materials") or {}
    if answer.get("kind") == "bundle":
        return [entry.get("material") or {} for entry in answer.get("checklist") or []]
    return list((answer.get("item") or {}).get("materials") or [])


#: A material named right after a verb of getting it done (补个身份证) is an item of its own.
GETTING_DONE = re.compile(r"(补|补办|办|换|领|申领|考|开|做|迁|上|落)(个|一个|张|本|一下)?\|$")
#: A verb of getting done said as not yet done (还没领结婚证) tells of a lacking material.
NOT_YET_DONE = re.compile(r"(没|未|没有|还没|尚未)(去)?(补|补办|办|换|领|申领|考|开|做|迁|上|落)(个|一个|张|本|一下)?$")
#: ...or right before one (无犯罪证明去哪开, 户口怎么迁).
DONE_AFTER = re.compile(r"^(要|得|能|可以)?(去|到|在)?(哪|哪里|哪儿|怎么|咋|如何)?(开|办|补|领|换|考|迁|申请)")


def getting_done(text: str, span: str) -> bool:
    """``span`` is named as something to get done (补个身份证, 无犯罪证明去哪开), not as a material to bring."""
    before, _, after = text.partition(span)
    if NOT_YET_DONE.search(before[-6:]):
        return False  # 还没领结婚证: lacking the material, not asking to get it done
    return bool(GETTING_DONE.search(before[-4:] + "|") or DONE_AFTER.match(after))


def material_labels(material: Dict[str, Any]) -> List[str]:
    return [label for label in [material.get("name") or "", *(material.get("aliases") or [])] if label]


def picked_offered(tracker: Tracker, value: str) -> bool:
    """``value`` is one of the options the bot's last turn offered as buttons: the citizen chose an item,
    whatever words it shares with a material (居民身份证换领、补领 is not 居民户口簿)."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "user":
            return False
        buttons = (event.get("data") or {}).get("buttons") or [] if event.get("event") == "bot" else []
        if any(button.get("title") == value for button in buttons):
            return True
    return False


#: Characters of what is done that tell sibling items apart (补 of 换领、补领, 迁 of 迁移, 离 of 离婚): a message
#: naming one of them picks the option whose name alone holds it.
TELLING_CHARS = set("补换转迁销变续延挂首离结入出买卖租退")


def option_named(tracker: Tracker, text: str) -> Optional[Dict[str, Any]]:
    """The one option offered last time that the message names by a character only its name has (补 of
    居民身份证换领、补领 among 首次申领 and 居住证申领), searched to get its code; None otherwise."""
    offered: List[str] = []
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    for event in reversed(events[:last_user]):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            offered += [b.get("title") for b in (event.get("data") or {}).get("buttons") or [] if b.get("title")]
    named = named_by_own_chars(offered, text)
    if named is None:
        return None
    found = client.search(named)
    matches = [m for m in found.get("matches") or [] if m.get("name") == named]
    return matches[0] if matches else None


def lead_in(text: str, named: List[str]) -> str:
    """The few characters right before the item entity in its clause (补个 of 补个身份证; not 交换 of
    "去国外交换，护照…"): where a telling verb for that item is said."""
    if not named or named[0] not in text:
        return ""
    return re.split(r"[，,。；;！!？?\s]", text.partition(named[0])[0])[-1][-3:]


def named_by_own_chars(names: List[str], text: str) -> Optional[str]:
    """The one of ``names`` the message names by a character only that name has (补 of 居民身份证换领、补领
    beside 居民身份证首次申领 and 居住证申领), else None."""
    own = {name: (set(name) & TELLING_CHARS) - set().union(*(set(n) for n in names if n != name)) for name in names}
    named = [name for name, chars in own.items() if chars & set(text)]
    return named[0] if len(named) == 1 else None


def names_own_material(code: str, words: str, text: str) -> bool:
    """``words`` (an entity, or the message) name a material of item ``code`` (一定要结婚证吗), not as
    something to get done itself (补个身份证要多久 is about another item)."""
    found = named_materials(materials_of(code), words)
    spans = [label for material in found for label in material_labels(material) if label in text]
    spans += [word for word in words.split() if word in text and word != text]
    return bool(found) and not any(getting_done(text, span) for span in spans)


def named_materials(materials: List[Dict[str, Any]], text: str, item_name: str = "",
                    labels_only: bool = False) -> List[Dict[str, Any]]:
    """The materials a message names: by a label, or by a telling two-character part (照片 → 数码照片回执);
    a part of the item's own name says nothing of a material (办护照 is not 原护照, 迁户口 not 户口簿)."""
    said = re.sub(r"\s", "", text or "")
    bigrams = {said[i:i + 2] for i in range(len(said) - 1)} - GENERIC_BIGRAMS - pairs(item_name)
    bigrams = {b for b in bigrams if re.fullmatch(r"[\u4e00-\u9fff]{2}", b)}
    by_label = [m for m in materials if any(label in said for label in material_labels(m))]
    if by_label or labels_only:
        return by_label  # 要结婚证吗: the material named in full, not those sharing a word with the question
    return [m for m in materials if any(b in label for b in bigrams for label in material_labels(m))]


def material_notes(materials: List[Dict[str, Any]]) -> str:
    """A direct answer about each material a question names: required or not, 容缺, 承诺, the guide's note."""
    lines = []
    if len(materials) > 2:
        return ""  # the item's own words (装修垃圾) name many of its materials: not a question about one
    for material in materials:
        form = material.get("form")
        if form == "申请表":
            verdict = "窗口提供、现场填写"
        elif material.get("chengnuo"):
            verdict = "可以签告知承诺书代替，先办理"
        elif material.get("rongque"):
            verdict = "可以容缺受理：先受理，之后限期补交"
        elif material.get("required", True):
            verdict = "必须提交，不能容缺或后补"
        else:
            verdict = "不是必需的，视情况提供"
        copies = material.get("copies") or 1
        detail = f"（{form}{f'{copies}份' if copies > 1 else ''}）" if form and form not in ("未注明", "申请表") else ""
        note = f"——{material['note']}" if material.get("note") else ""
        lines.append(f"关于“{material.get('name')}”：{verdict}{detail}{note}。")
    return "\n".join(lines)


#: What a document's name ends with (an entity like 报名 is not one).
DOCUMENT = re.compile(r"(证|证明|证书|书|表|本|簿|照|照片|卡|合同|执照|报告|凭证|章)$")


def materials_told(tracker: Tracker, code: str) -> List[Dict[str, Any]]:
    """What a question also tells about materials (我把材料列一下：清算报告做好了) starts the pre-check
    notes of its item, so a pre-check that follows counts it."""
    said = wording.materials_said(tracker.latest_message.get("text") or "")
    if not (wording.HAVING.search(said) or wording.CANNOT_GET.search(said)):
        return []
    try:
        if not named_materials(materials_of(code), said):
            return []
    except ServiceUnavailable:
        return []
    from actions.precheck import accumulated

    merged = tracker.copy()
    merged.slots.update({"item_code": code})
    return [SlotSet("precheck_notes", accumulated(merged, tracker.latest_message.get("text") or "")),
            SlotSet("precheck_code", code)]


def asks_only_material(text: str, best: Dict[str, Any], remembered: Optional[str]) -> bool:
    """A question about the item under discussion that names no aspect: about the material it names."""
    return best["code"] == remembered and not aspects_named(text)


def asked_materials(code: str, tracker: Tracker, item_name: str = "", asking_only: bool = False) -> str:
    """What a question says about materials (一定要结婚证吗): each one of the item's named is answered
    directly, and a material the NLU found that the item does not list is said not to be needed. With
    ``asking_only`` (a first question about an item) only the clauses that ask count: 笔试面试都过了 tells."""
    text = tracker.latest_message.get("text") or ""
    if asking_only:
        text = "，".join(c for c in re.split(r"[，,。；;！!？?\s]+", text) if asks(c))
    materials = materials_of(code)
    lines = [material_notes(named_materials(materials, text, item_name, labels_only=asking_only))]
    for entity in tracker.latest_message.get("entities") or []:
        value = str(entity.get("value") or "")
        told = set().union(*(pairs(" ".join([str(m.get("note") or ""), *material_labels(m)])) for m in materials))
        mentioned = any(value in str(m.get("note") or "") for m in materials) or bool(pairs(value) & told)
        if (entity.get("entity") == "material" and DOCUMENT.search(value) and not mentioned
                and not named_materials(materials, value)):
            lines.append(f"“{value}”不在本事项的材料清单里，办理时不需要提供。")
    return "\n".join(line for line in lines if line)


def answer_text(code: str, aspect: str) -> str:
    """An item's answer for ``aspect``; for a bundle, that aspect of each of its items (not its materials list)."""
    answer = client.item(code, aspect) or {}
    if answer.get("kind") != "bundle" or aspect in ("materials", "all"):
        return answer.get("text") or ""
    bundle = answer.get("bundle") or {}
    parts = [f"【{bundle.get('name', '')}】各事项的{ASPECT_NAMES.get(aspect, '')}："]
    for item_code in bundle.get("items") or []:
        item = client.item(item_code, aspect) or {}
        if item.get("text"):
            parts.append(item["text"])
    return "\n".join(parts)


#: Words of asking that say nothing of which condition is meant.
ASKING_PAIRS = {"是不", "不是", "要等", "一个", "个月", "多久", "多长", "时间", "能不", "可以", "需要", "什么"}


def conditions_told(code: str, text: str, item_name: str) -> str:
    """The item's conditions that share a word with the question (离婚是不是要等一个月冷静期 → 申请后经30日冷静期),
    so a narrow answer does not miss the condition the citizen is really asking about."""
    record = client.item(code, "conditions") or {}  # the full record comes with any aspect
    conditions = (record.get("item") or {}).get("conditions") or []
    wanted = pairs(text) - pairs(item_name) - GENERIC_BIGRAMS - ASKING_PAIRS
    told = [c for c in conditions if pairs(str(c)) & wanted]
    return "办理条件（与您问的有关）：" + "；".join(told) if told else ""


def answer_aspects(code: str, aspects: List[str]) -> str:
    """Several parts of one guide in one answer, the item's heading once."""
    texts = [answer_text(code, aspect) for aspect in aspects]
    if len(texts) > 1 and all(t.startswith("【") for t in texts):
        texts = texts[:1] + [t.split("\n", 1)[1] if "\n" in t else t for t in texts[1:]]
    return "\n".join(texts)


#: Aspects a first question about an item may ask alone and get alone (多少钱, 多久, 能网上办吗); any other
#: first question (要带什么, 在哪办, 怎么办) gets the whole guide, the 一次性告知 of the catalogue.
NARROW_ASPECTS = {"fee", "time_limit", "online"}


def narrow_question(text: str, aspects: List[str], points: List[str]) -> bool:
    """A first question about an item that asks one point or a narrow aspect is answered on that point."""
    if not asks(text):
        return False  # 在青山送快递大半年了 想办个居住证: telling, not asking one point
    named = [a for a in aspects_named(text) if a not in ("sequence",)]
    return bool(points) or bool(named) and set(named) <= NARROW_ASPECTS


def without_heading(text: str) -> str:
    return text.split("\n", 1)[1] if text.startswith("【") and "\n" in text else text


def answer_points(code: str, aspects: List[str], points: List[str], text: str) -> str:
    """The points asked (周六能办吗 / 要本人去吗) from the guide's fields, then any other aspect asked with them."""
    if not points:
        return answer_aspects(code, aspects)
    record = client.item(code, "all") or {}
    if record.get("kind") == "bundle":
        items = [(client.item(c, "all") or {}).get("item") for c in (record.get("bundle") or {}).get("items") or []]
    else:
        items = [record.get("item")]
    parts = [point_answer(text, item, points) for item in items if item]
    if not parts:
        return answer_aspects(code, aspects)  # no record to read the points from: the rendered aspects
    rest = [a for a in aspects if a not in covered_aspects(points, text) and a != "all"]
    if rest:
        parts.append(without_heading(answer_aspects(code, rest)))
    return "\n".join(parts)


def full_guide_offer(tracker: Tracker, best: Dict[str, Any]) -> Dict[str, Any]:
    """The rest of the guide one click away after a point answer: a button in /chat, a line in WeChat
    (where numbered replies are the rating)."""
    name = best.get("name") or tracker.get_slot("service_item")
    if not name:
        return {}
    if channel_name(tracker) == "wechat":
        return {"suffix": f"\n（想看这项的完整办事指南，回复“{name}”即可。）"}
    return {"buttons": [{"title": "查看完整办事指南", "payload": f'/inform_item{{"service_item": "{name}"}}'}]}


def named_items(tracker: Tracker) -> List[Dict[str, Any]]:
    """Two or more distinct items named in one question (办护照和身份证要带什么), each found for sure: by the
    item entities, else (or also) by the parts and clauses of the message."""
    text = tracker.latest_message.get("text") or ""
    entities = wording.item_entities(tracker.latest_message.get("entities") or [])
    several = CONJUNCTION.search(text) or TWO_MATTERS.search(text)
    if not several:
        return []  # 公积金那个，我房子…: a follow-up names one item, the rest is its circumstances
    # 办护照和身份证 / 领证，领完想把她户口迁过来，这两个分别要…: the parts or the clauses name the items
    pieces = [wanted(piece) for part in CONJUNCTION.split(text) for piece in CLAUSE_BREAK.split(part)]
    parts = [p for p in (QUESTION_TAIL.sub("", part).strip(" ？?，,：:") for part in pieces) if len(p) >= 2]
    if len(entities) < 2 and len(parts) < 2:
        return []
    whole = client.search(text)
    if whole["matches"] and whole["matches"][0].get("kind") == "bundle" and (
            whole.get("decision") == "answer" or clear_lead(whole)):
        return []  # 执照跟发票一起办: the 一件事 that holds both is the answer
    found = sure_items(entities) if len(entities) >= 2 else []
    if len(found) < 2:
        found = sure_items(parts)
    return found if len(found) >= 2 else []


#: What a clause wants comes after its verb of intention (领完想把她户口迁到我这边 → 她户口迁到我这边).
INTENTION = re.compile(r"^.*?(想|打算|准备|也要|还要)(把|给|去|来)?")


def wanted(clause: str) -> str:
    """The part of a clause after its verb of intention, when a service can still be named there."""
    tail = INTENTION.sub("", clause, count=1)
    return tail if len(tail) >= 3 else clause


def sure_items(candidates: List[str]) -> List[Dict[str, Any]]:
    """The distinct items the search is sure of, one per candidate phrase, in order."""
    found: List[Dict[str, Any]] = []
    for candidate in candidates[:MAX_PARTS]:
        result = client.search(candidate)
        sure = result.get("decision") in (None, "answer") and not result.get("ambiguous") or clear_lead(result)
        if not result["matches"] or not sure:
            continue
        best = result["matches"][0]
        if best["code"] not in {f["code"] for f in found}:
            found.append(best)
    return found


def bundle_part(code: str, named: List[str]) -> Optional[Dict[str, Any]]:
    """The item of the 一件事 ``code`` that the named words lead the search to (食品许可 in 开餐馆一件事), if any."""
    record = client.item(code, "materials") or {}
    if record.get("kind") != "bundle":
        return None
    found = client.search(named[0])
    matches = found.get("matches") or []
    if matches and matches[0]["code"] in ((record.get("bundle") or {}).get("items") or []):
        return matches[0]
    return None


def names_another(named: List[str], matches: List[Dict[str, Any]], remembered: str, name: Optional[str]) -> bool:
    """The item entity is what the search's first item is called, not the item under discussion (食品许可 after
    户外广告设施设置审批): an unsure search still leads away from the item under discussion."""
    if not named or not matches:
        return False
    first = matches[0]
    return covered_share(named[0], first["code"], first.get("name"), first.get("matched")) >= COVERED_SHARE \
        > covered_share(named[0], remembered, name)


def one_of(codes: List[str], named: Optional[str], text: str = "") -> Optional[Dict[str, Any]]:
    """Of the items answered together, the one whose own names hold the item entity (户口 → 户口迁移), or
    without one, the only one whose names share words with the message (领证要钱吗 → 结婚登记, alias 领证)."""
    said = re.sub(r"\s", "", text)
    held = [code for code in codes if any(len(label) >= 2 and label in said for label in labels_of(code))]
    if len(held) == 1:
        pass  # 领证也必须带户口本吗: the item called by a name the message holds whole
    elif named:
        held = [code for code in codes if covered_share(named, code) >= COVERED_SHARE]
    else:
        shared = {code: len(pairs(text) & set().union(*(pairs(label) for label in labels_of(code))))
                  for code in codes}
        held = [code for code, count in shared.items() if count and count == max(shared.values())]
    if len(held) != 1:
        return None
    record = client.item(held[0], "conditions") or {}
    return {"code": held[0], "name": (record.get("item") or record.get("bundle") or {}).get("name") or named}


def recent_order_code(tracker: Tracker) -> Optional[str]:
    """The 查询码 of an order filed in this conversation after the last item answer, if any."""
    return tracker.get_slot("ticket_code") if tracker.get_slot("topic") == "order" else None


class ActionAnswerItem(Action):
    def name(self) -> Text:
        return "action_answer_item"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        from actions.status import answer_order

        text = tracker.latest_message.get("text") or ""
        courteous = answer_courtesy(dispatcher, tracker)
        if courteous is not None:
            return courteous
        redirected = letter_or_english(dispatcher, tracker)
        if redirected is not None:
            return redirected
        intent = tracker.latest_message.get("intent", {}).get("name") or "inform_item"
        if intent == "inform_item":
            from actions.precheck import precheck_follow_up

            followed = precheck_follow_up(dispatcher, tracker)
            if followed is not None:
                return followed
        named = wording.item_entities(tracker.latest_message.get("entities") or [])
        code = recent_order_code(tracker)
        if code and (not named and (ORDER_FOLLOW_UP.search(text) or intent == "ask_time_limit")
                     or ORDER_TAKEN.search(text)):
            return answer_order(dispatcher, tracker, code, None)
        aspects = aspects_of(tracker, intent)
        try:
            several = named_items(tracker)
            together = tracker.get_slot("item_codes") or []
            if not several and len(together) > 1 and "sequence" in aspects_named(text):
                answer_rated(dispatcher, tracker, sequence_answer(together), together[0])
                return [SlotSet("topic", "item")]
            if not several and len(together) > 1 and BOTH.search(text) and (not named or aspects_named(text)):
                several = [{"code": code, "name": None} for code in together]
            if several:
                for item in several:
                    new = item["code"] not in together and item["code"] != tracker.get_slot("item_code")
                    notes = asked_materials(item["code"], tracker, item.get("name") or "", asking_only=new) \
                        if asks(text) else ""
                    answer = answer_aspects(item["code"], ["all"] if new else aspects)
                    answer_rated(dispatcher, tracker, "\n".join(filter(None, [notes, answer])), item["code"])
                last = several[-1]
                events = [SlotSet("item_codes", [item["code"] for item in several]), SlotSet("topic", "item")]
                if last["name"]:
                    events += [SlotSet("service_item", last["name"]), SlotSet("item_code", last["code"])]
                return events
            remembered = tracker.get_slot("item_code")
            others: List[Dict[str, Any]] = []

            def own_material() -> bool:
                return names_own_material(remembered, " ".join(named) or text, text)

            whole_bundle = "all" in aspects_named(text)  # 都包括啥 门口招牌也要批吗: the 一件事 itself
            part = bundle_part(remembered, named) if remembered and named and not whole_bundle else None
            if whole_bundle and remembered and named and (client.item(remembered, "materials") or {}).get(
                    "kind") == "bundle":
                named = []  # its own items named inside a question about the whole 一件事
            if part is None and len(together) > 1:
                part = one_of(together, named[0] if named else None, text)  # 户口要多久能迁好 / 领证要钱吗
            if part is None and named and remembered and not picked_offered(tracker, named[0]) and own_material():
                named = []  # 结婚证 in "一定要结婚证吗" is a material of the item under discussion
            if part is not None:
                best = part  # 那食品许可要跑几趟: one item of the 一件事 under discussion
            elif not named and remembered:
                best = {"code": remembered, "name": tracker.get_slot("service_item")}
                picked = option_named(tracker, text) if tracker.get_slot("topic") == "guess" else None
                if picked:
                    best = picked  # 补一个要多少钱 after 首次申领 / 居住证申领 / 换领、补领 were offered
                elif tracker.get_slot("topic") == "guess":
                    dispatcher.utter_message(text=f"您没有选择，我先按“{best['name']}”回答；如果不是，请点上面的选项或说出事项名称。")
                fresh = client.search(text)
                if fresh.get("decision") == "answer" and fresh.get("confidence", 0) >= NEW_ITEM_CONFIDENCE \
                        and fresh["matches"] and fresh["matches"][0]["code"] != remembered and not own_material():
                    best = fresh["matches"][0]
            else:
                found = search_item(tracker)
                subject = asked_subject(tracker)
                if subject and subject != text and not_in_catalogue(found, subject):
                    alone = client.search(subject)  # 身份证掉了咋办: the thing named, when the sentence finds it not
                    if alone["matches"] and not not_in_catalogue(alone, subject):
                        found = alone
                matches = found["matches"]
                if subject and search_is_sure(found) and subject != text and covered_share(
                        subject, matches[0]["code"], matches[0].get("name"), matches[0].get("matched")) == 0 \
                        and not search_is_sure(client.search(text)):
                    # 驾照快到期了: 驾照 is only a material
                    return say_not_in_catalogue(dispatcher, tracker, subject, matches)
                if not_in_catalogue(found, subject) and not (
                        remembered and aspects_named(text) and (not subject or covered_share(
                            subject, remembered, tracker.get_slot("service_item")) >= COVERED_SHARE)):
                    return say_not_in_catalogue(dispatcher, tracker, subject, matches)
                missing = service_missing(found, text, subject, remembered)
                if missing:
                    return say_not_in_catalogue(dispatcher, tracker, missing, matches)
                if remembered and aspects_named(text) and (not matches or found["ambiguous"]) \
                        and not names_another(named, matches, remembered, tracker.get_slot("service_item")):
                    best = {"code": remembered, "name": tracker.get_slot("service_item")}  # a follow-up
                elif found["ambiguous"] and named_by_own_chars([m["name"] for m in matches], lead_in(text, named)):
                    chosen = named_by_own_chars([m["name"] for m in matches], lead_in(text, named))
                    best = next(m for m in matches if m["name"] == chosen)  # 补个身份证: 换领、补领 of the three
                    others = [m for m in matches if m is not best]
                elif found["ambiguous"] and (clear_lead(found) or remembered and names_another(
                        named, matches, remembered, tracker.get_slot("service_item"))):
                    best = matches[0]  # answered, the other options offered after the answer
                    others = matches[1:]
                elif found["ambiguous"]:
                    dispatcher.utter_message(text="您问的是下面哪一项？", buttons=choice_buttons(matches, intent))
                    # a follow-up that picks no option is answered about the likeliest one, saying so
                    # (unless an item is already under discussion: that one stays)
                    if remembered and tracker.get_slot("topic") != "guess":
                        return []
                    return [SlotSet("service_item", matches[0]["name"]), SlotSet("item_code", matches[0]["code"]),
                            SlotSet("topic", "guess")]
                else:
                    best = matches[0]
            points = points_asked(text) if asks(text) else []
            answered = best["code"] == remembered or best["code"] in together  # 迁户口多久 after both were answered
            if (not answered or tracker.get_slot("topic") == "guess") and not narrow_question(text, aspects, points):
                aspects = ["all"]  # a first answer covers what citizens usually need: the whole guide
            if LOOK_UP_FOR_ME.search(text) and best["code"] == remembered:
                aspects = ["online", "place"]  # how to look it up oneself
            answer = answer_points(best["code"], aspects, points, text)
            if LOOK_UP_FOR_ME.search(text):
                answer = CANNOT_LOOK_UP + "\n" + answer
            if aspects != ["all"] and "conditions" not in aspects:
                answer = "\n".join(filter(None, [answer, conditions_told(best["code"], text, best.get("name") or "")]))
            first = best["code"] != remembered or tracker.get_slot("topic") == "guess"
            notes = asked_materials(best["code"], tracker, best.get("name") or "", asking_only=first) \
                if wording.looks_like_question(text) or asks(text) else ""
            unwritten = unwritten_point(text, best["code"], tracker, aspects) \
                if not points and not LOOK_UP_FOR_ME.search(text) else ""
            if notes and not points and asks_only_material(text, best, remembered):
                answer = "\n".join(filter(None, [unwritten, notes]))  # 他还没身份证咋办: that material's answer
                aspects = ["materials"]
            elif unwritten and best["code"] == remembered and not aspects_named(text):
                answer = "\n".join(filter(None, [unwritten, notes]))  # no field answers it: none is listed
                aspects = []
            else:
                answer = "\n".join(filter(None, [unwritten, notes, answer]))
        except ServiceUnavailable:
            dispatcher.utter_message(text=SORRY)
            return []
        offer = full_guide_offer(tracker, best) if aspects != ["all"] else {}
        answer_rated(dispatcher, tracker, answer + offer.pop("suffix", ""), best["code"], **offer)
        if others and channel_name(tracker) == "wechat":  # numbered replies there are the rating
            names = "”或“".join(m["name"] for m in others)
            dispatcher.utter_message(text=f"以上按“{best['name']}”回答；如果您问的是“{names}”，请直接说名称。")
        elif others:
            dispatcher.utter_message(text=f"以上按“{best['name']}”回答；如果您问的不是这一项，请选择：",
                                     buttons=choice_buttons(others, intent))
        events = [SlotSet("service_item", best["name"]), SlotSet("item_code", best["code"]), SlotSet("topic", "item")]
        events += materials_told(tracker, best["code"])
        if tracker.get_slot("item_codes") and best["code"] not in tracker.get_slot("item_codes"):
            events.append(SlotSet("item_codes", None))
        return events


class ActionOutOfScope(Action):
    """Out of the catalogue's scope; a question in English is told the service is in Chinese."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        courteous = answer_courtesy(dispatcher, tracker)
        if courteous is not None:
            return courteous
        redirected = letter_or_english(dispatcher, tracker)
        if redirected is not None:
            return redirected
        from actions.handoff import answer_from_catalogue

        answered = answer_from_catalogue(dispatcher, tracker, domain)
        if answered is not None:
            return answered
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
