"""Complaints, suggestions and letters become hotline work orders through the main service.

Each slot holds only what fits it: the problem, a place, a phone number or a clear refusal to give
one; 算了 / 取消 / 转人工 / a 查询码 / a service question are honoured at every step (forms.py).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import wording
from actions.cues import asks, aspects_named
from actions.forms import GUIDE_QUESTION, NOT_IN_CATALOGUE, GuardedFormValidation, answer_from_text, withdraws
from actions.letters import PLACE_TAIL, read_letter
from actions.problem_model import problem_odds
from actions.service_client import ServiceUnavailable, client
from actions.status import ASK_CODE, URGE

#: The opening words of a complaint, which say nothing about the problem itself.
OPENING = re.compile(r"^(你好|您好|喂)?[，,]?(我要|我想|想)?"
                     r"((投诉|举报|反映)(一下|下)?(问题|个事|件事)?|提(个|点)?(建议|意见)|建议)[，,：:。！!\s]*")
NO_CONTACT = "不留"
#: How-to and may-I questions (怎么弄, 能不能…, 可以…吗): information, unless they report a problem.
HOW_TO = re.compile(r"怎么|如何|咋|能不能|可不可以|可以.{0,10}吗|能.{0,10}吗|是不是要|要不要|需不需要")
#: Wanting something done for oneself or a relative (想给他办个残疾证): a service, not a complaint.
WANTS_SERVICE = re.compile(r"(想|要|准备|打算)(给.{1,4})?(办|申请|领|考|注册|认定)(个|一个|张|一张|下)?")
CHANNELS = {"wechat": "微信", "rest": "网页", "socketio": "网页"}
#: The WeChat callback (wechat/bot_bridge.py) talks to the REST channel with senders "wx:<openid>".
WECHAT_SENDER_PREFIX = "wx:"
ENGLISH_ASK_PHONE = ("Thank you. May we have a phone number so that the department can reply to you? "
                     "You may say no (the complaint is filed either way).")
FORM_SLOTS = ("complaint_text", "complaint_place", "contact", "complaint_kind", "complaint_title")
#: Declining a phone in words the refusal patterns do not cover: a reason not to be called, or "just file it".
REFUSAL = re.compile(r"(怕|担心|不想|不愿|不希望).{0,6}(泄露|泄漏|打扰|骚扰|找上门|报复|知道是我)|隐私|"
                     r"直接(登记|提交|报|受理)|不用(联系|回复|回电|打)|没必要")
#: Declining words opening a clause (算了吧 / 不用了 / 那就不要了 / 不想被打扰).
DECLINE_CLAUSE = re.compile(r"(^|[，,。！!\s])(就|还是|那就|那|我)?"
                            r"(算了|不用|不要|不留|不给|不想|不方便|免了|别|没有|不必|不需要)")
#: How-to wording of a service question (怎么办 / 怎么申请 / 去哪办).
HOW_TO_ASK = re.compile(r"怎么(办|申请|弄|领|交)|咋(办|弄|申请)|如何(办|申请)|去哪|在哪")
#: A question about how the complaint will be handled (你们一般多久能处理 / 会派人来吗).
HANDLING_ASK = re.compile(r"(多久|几天|多长时间|什么时候|啥时候|会不会|能不能|有没有人)[^，,。]{0,6}"
                          r"(处理|解决|来人|派人|来看|来修|管|回复|答复)|(处理|解决|回复|答复)[^，,。]{0,4}(多久|几天|多长时间)|"
                          r"(会|能)(派人|来人)")
HANDLING = ("登记后工单会转给承办部门，在规定的办结时限内处理并答复；具体时限登记时告诉您，"
            "之后也可以随时用查询码查进度。")
#: A question about the phone itself (还要留电话啊？/ 一定要留吗): it may be left out.
ABOUT_THE_PHONE = re.compile(r"电话|号码|手机|联系方式|^(一定|必须|非得|非要)?(要|得)?留")
PHONE_OPTIONAL = ("留电话只是方便承办部门联系您、答复处理结果，不留也可以，工单照样受理（匿名反映）。"
                  "要留请直接发号码；不留请回复“不留”。")
#: Words around a number given as a phone (我的手机是…, 座机：…): a message of a number and these tries to be one.
PHONE_WORDS = re.compile(r"我的?|电话|手机|号码?|座机|联系方式|是|打|这个|[，,。.：:、]")
#: A message with this many digits and little else is an attempt at a phone number.
PHONE_ATTEMPT_DIGITS = 5
HOTLINE_LATER = "以后想反映，随时可以再找我（可以不留电话），或拨打12345热线。"
#: A complaint is read back in full up to this length; a longer one by its problem clauses (letters.py).
READ_BACK_CHARS = 120
#: A letter's order was summarised just before it was filed.
LETTER_FILED = "登记内容就是上面为您整理的地点和问题，联系电话：{phone}；来信原文全部随工单保存。"


def channel_of(tracker: Tracker) -> str:
    if tracker.sender_id.startswith(WECHAT_SENDER_PREFIX):
        return "微信"
    return CHANNELS.get(tracker.get_latest_input_channel() or "", "网页")


def place_named(text: str) -> Optional[str]:
    """The place pattern's match when it names one: not a street word inside another word (路灯 in
    村口那个路灯坏了) and without what leads up to it (小区在城东大道56号 → 城东大道56号)."""
    said = wording.clean(text)
    place = wording.place_in(said)
    if not place:
        return None
    at = said.find(place)
    after = said[at + len(place):at + len(place) + 1] if at >= 0 else ""
    if NOT_A_PLACE.search(place) or (place[-1] in "路街" and after and after in STREET_WORD_ENDS):
        return None
    lead = re.match(r"^[\u4e00-\u9fa5]{1,4}?在(?=.*(路|街|大道|号|村|小区))", place)
    return place[lead.end():] if lead else place


def place_of(tracker: Tracker, text: str) -> Optional[str]:
    """A place the message names: a street with its number, else the extractor's confident place entity,
    else a street/estate pattern; with what the citizen says right after it about where exactly."""
    pattern = place_named(text)
    if pattern and ("号" in pattern or wording.CROSSING.search(pattern)):
        return place_phrase(text, pattern)  # a street number or a crossing says more than the extractor's place
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "place" and (entity.get("confidence_entity") or 1.0) >= 0.6:
            value = str(entity.get("value") or "").strip()
            if len(value) >= 2 and value in text and not NOT_A_PLACE.search(value):
                return place_phrase(text, value)
    return place_phrase(text, pattern) if pattern else None


def start_complaint_events(tracker: Tracker, kind: str, text: str) -> List[Dict[Text, Any]]:
    """Slots from what the first message already says (problem, place, phone), then the form."""
    detail = OPENING.sub("", wording.clean(text)).strip()
    earlier = dropped_complaint(tracker) if RESUMING.search(text) else None
    if earlier:
        detail = f"{earlier}。{detail}"  # 还是给我登记投诉吧: the problem said before it was given up
    has_detail = len(detail) >= 6
    return [SlotSet("complaint_kind", kind), SlotSet("complaint_text", detail if has_detail else None),
            SlotSet("complaint_place", place_of(tracker, detail) if has_detail else None),
            SlotSet("contact", wording.phone_in(detail) if has_detail else None), SlotSet("complaint_title", None),
            FollowupAction("complaint_form")]


def letter_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """A long letter is summarised into a work order (the whole text kept) and a question asked in it is
    answered; the form then asks only what the letter lacks."""
    letter = read_letter(tracker.latest_message.get("text") or "")
    contact = letter.contact and (f"{letter.contact}（{letter.contact_person}）" if letter.contact_person
                                  else letter.contact)
    lines = ["您的来信我已收到，整理成工单如下（原信全文随工单保存，不用重新输入）：",
             f"· 地点：{letter.place}" if letter.place else "· 地点：信中未写明，稍后问您",
             f"· 问题：{letter.problem}",
             f"· 联系电话：{contact}" if contact else "· 联系电话：信中未留，稍后问您"]
    dispatcher.utter_message(text="\n".join(lines))
    events: List[Dict[Text, Any]] = []
    if letter.question:
        dispatcher.utter_message(text="您信里顺便问的事，先回答您：")
        events = answer_from_text(dispatcher, tracker, letter.question) or []
        if not events:
            dispatcher.utter_message(text="这个问题我在办事指南里没有查到，请拨打12345热线咨询。")
    return events + [SlotSet("complaint_kind", "投诉"), SlotSet("complaint_text", letter.text),
                     SlotSet("complaint_title", letter.title[:120]), SlotSet("complaint_place", letter.place),
                     SlotSet("contact", contact), FollowupAction("complaint_form")]


def read_back(text: str) -> str:
    """What the order says the problem is, faithful and short: the whole complaint (all its messages) when
    short, else its problem clauses."""
    said = wording.clean(text)
    return said if len(said) <= READ_BACK_CHARS else read_letter(text).problem


def place_phrase(text: str, place: str) -> str:
    """The place with what the citizen says right after it about where exactly: the building, unit and
    room (幸福家园小区6栋2单元301), the rest of its clause when short and not the problem (人民路120号边上
    那个有围挡的工地), and following clauses that only locate (路边第三根杆子)."""
    said = wording.clean(text)
    at = said.find(place)
    if at < 0:
        return place[:200]
    phrase, rest = place, said[at + len(place):]
    tail = PLACE_TAIL.match(rest)
    if tail:
        phrase, rest = phrase + tail.group(1), rest[tail.end():]
    pieces = re.split(r"[，,。；;！!？?\s]", rest, maxsplit=1)
    clause, following = pieces[0], pieces[1] if len(pieces) > 1 else ""
    if clause and len(clause) <= 12 and not LOCAL_PROBLEM.search(clause) and (
            len(clause) <= 4 or PLACE_PART.search(clause)):
        phrase += clause
    elif clause:
        located = list(PLACE_PART.finditer(clause[:12]))
        phrase += clause[:located[-1].end()] if located else ""
        return phrase[:200]
    for part in re.split(r"[，,。；;！!？?\s]+", following):
        if not part or len(part) > 15 or LOCAL_PROBLEM.search(part) or not PLACE_PART.search(part) \
                or part.startswith("我"):  # 我住128号…: where the citizen lives, not where the problem is
            break
        phrase += " " + part
    return phrase[:200]


#: Words that only say where exactly (门口, 旁边, 路边第三根杆子, 6栋, 楼上).
PLACE_PART = re.compile(r"门口|旁边|边上|对面|附近|路边|路口|交叉口|拐角|入口|出口|站|楼上|楼下|隔壁|[东西南北]侧|"
                        r"第.{1,3}(根|个|棵|盏|号|排)|[0-9０-９一二三四五六七八九十]+(号|栋|幢|单元|楼|层|室)")
#: What is wrong, said next to a place (摆摊, 漏水): the place stops before it.
LOCAL_PROBLEM = re.compile(r"坏|破|漏|堵|吵|噪|臭|脏|堆|占|乱|丢|没了|缺|翘|松|摆摊|施工|垃圾|积水|危险|没人|不管|"
                           r"天天|每天|经常|总是|"
                           r"点到|[0-9０-９]+点")
#: Candidates of the place pattern that are no place (村口那个路 from 路灯).
NOT_A_PLACE = re.compile(r"那个|这个|一个|哪个")
#: What follows 路 / 街 when it is part of another word (路灯, 路面, 街道办 is a place).
STREET_WORD_ENDS = "灯面费况线子"
#: What a place answer may say around the place without adding anything (就在…那一段, 那边).
PLACE_WORDS = re.compile(r"^(就是|就在|是在|在|是|位置|地点|地址)+|(那一段|这一段|那边|这边|那里|这里|附近|一带)")


def detail_besides(text: str, place: Optional[str]) -> Optional[str]:
    """The message itself when it tells more than the place (打桩和搅拌机的声音, 早上7点到10点最多)."""
    said = wording.clean(text)
    rest = PLACE_WORDS.sub("", said.replace(place, "", 1) if place else said)
    rest = PLACE_TAIL.sub("", re.sub(r"^[\s，,。]+", "", rest))
    return said if len(re.sub(r"[\W_]", "", rest)) >= 6 else None


def with_detail(current: Optional[str], extra: str) -> str:
    """The complaint with a later message added (the order keeps everything the citizen said)."""
    if not current:
        return extra[:wording.LETTER_MAX_CHARS]
    if extra in current:
        return current
    return f"{current}。{extra}"[:wording.LETTER_MAX_CHARS]


def tries_a_number(text: str) -> bool:
    """Mostly digits (1390710123, 电话是0710-55123): an attempt at a phone number, maybe mistyped."""
    said = re.sub(r"[\s\-—－()（）+]", "", text)
    digits = len(re.findall(r"[0-9０-９]", said))
    rest = PHONE_WORDS.sub("", re.sub(r"[0-9０-９]", "", said))
    return digits >= PHONE_ATTEMPT_DIGITS and len(rest) <= 4


def refuses_phone(text: str) -> bool:
    """A refusal in any wording, at the phone step (电话就不留了 / 怕被找上门 / 直接登记吧 / 算了吧): declining
    words open a clause of a message with no digit (特别大 is no refusal), or name the phone."""
    said = wording.clean(text)
    if wording.refuses_contact(said) or wording.ENGLISH_DECLINE.search(said):
        return True
    if re.search(r"[0-9０-９]", said):
        return False
    return bool(REFUSAL.search(said)) or len(said) <= 30 and bool(DECLINE_CLAUSE.search(said)) \
        and not wording.is_cancel(said)


#: Taking back a complaint given up earlier in the conversation (还是给我登记投诉吧).
RESUMING = re.compile(r"还是(给我|帮我|要)?(登记|投诉|反映|举报|报)|重新(登记|投诉|反映)|(接着|继续)(投诉|反映|登记)|"
                      r"(你|您)?先?(给我|帮我|替我)(登记|记下|记一下|报上去|提交|反映)")


def dropped_complaint(tracker: Tracker) -> Optional[str]:
    """The problem of a complaint left earlier in this conversation without an order being filed."""
    problem = None
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "complaint_text" and event.get("value"):
            problem = event["value"]
        elif event.get("event") == "bot" and ((event.get("data") or {}).get("custom") or {}).get("ticket"):
            problem = None
    return problem


class ActionStartComplaint(Action):
    """Keep what the first message already says so it is not asked again; a past order is looked up instead."""

    def name(self) -> Text:
        return "action_start_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        text = tracker.latest_message.get("text") or ""
        if wording.is_letter(text):
            return letter_events(dispatcher, tracker)
        from actions.precheck import precheck_follow_up

        followed = precheck_follow_up(dispatcher, tracker)  # 平面图还没画: news for the pre-check under way
        if followed is not None:
            return followed + [FollowupAction("action_listen")]
        if GUIDE_QUESTION.search(text) or self.asks_for_information(text) or \
                self.asks_about_item(tracker, text) or self.seeks_service(text):
            from actions.guide import ActionAnswerItem

            return ActionAnswerItem().run(dispatcher, tracker, domain) + [FollowupAction("action_listen")]
        if wording.asks_after_past_order(text) or wording.order_reference(text).code or \
                wording.ORDER_NO.search(wording.clean(text)) or (
                (tracker.get_slot("ticket_code") and URGE.search(text) or "催" in text) and not wording.place_in(text)):
            from actions.status import ActionTicketStatus

            return ActionTicketStatus().run(dispatcher, tracker, domain) + [FollowupAction("action_listen")]
        events = start_complaint_events(tracker, "建议" if intent == "file_suggestion" else "投诉", text)
        return [e for e in events if e.get("event") != "followup"]

    @staticmethod
    def asks_about_item(tracker: Tracker, text: str) -> bool:
        """要她回青山跑一趟吗 / 医院那个鉴定要先做吗 right after an item's answer: a short question with nothing
        wrong in it and no place is a follow-up about that item, no complaint."""
        said = wording.clean(text)
        if not (tracker.get_slot("item_code") and asks(said) and not wording.PROBLEM_WORDS.search(said)):
            return False
        return len(said) <= 40 and bool(aspects_named(said)) or (
            len(said) <= 30 and tracker.get_slot("topic") != "order" and not place_named(said))

    @staticmethod
    def seeks_service(text: str) -> bool:
        """我在老家结的婚，现在想把户口迁过来，怎么弄: a situation told while asking for a service. The learned
        reading of the message (problem_model) says it asks for a service rather than reports a problem, it
        does not open with a complaint (我要投诉…), and the catalogue search of the whole message answers with
        an item or (no place named) clearly leads to one. Without the learned model: False (as before)."""
        said = wording.clean(text)
        odds = problem_odds(said)
        if odds is None or odds >= 0 or OPENING.match(said):
            return False
        from actions.guide import clear_lead, search_is_sure

        try:
            found = client.search(said)  # the whole message: one clause's item may not be what is asked
        except ServiceUnavailable:
            return False
        return bool(found.get("matches")) and (
            search_is_sure(found) or clear_lead(found) and not wording.place_in(said))

    @staticmethod
    def asks_for_information(text: str) -> bool:
        """"怎么领老人补贴" / "能不能先登记" ask about a service: no problem, and the catalogue knows the item.
        A place alone does not make it a complaint (想在菜市场边上租个门面，个体执照怎么办): with a place the
        catalogue search itself must decide to answer, a lead over the other items is not enough."""
        said = wording.clean(text)
        if not ((HOW_TO.search(said) or aspects_named(said)) and asks(said) or WANTS_SERVICE.search(said)):
            return False
        if wording.PROBLEM_WORDS.search(said) or len(said) > 80:
            return False
        placed = bool(wording.place_in(said))
        from actions.guide import best_clause

        try:
            found = client.search(said)
            if not found.get("matches"):
                found = best_clause(said) or found  # 想给他办个残疾证 after a sentence about the father
        except ServiceUnavailable:
            return False
        from actions.guide import clear_lead, search_is_sure

        return bool(found.get("matches")) and (
            search_is_sure(found) or clear_lead(found) and not placed)


class ValidateComplaintForm(GuardedFormValidation):
    form_slots = FORM_SLOTS
    answers_from_whole_sentence = True
    cancelled_text = "好的，已取消，没有提交任何工单。" + HOTLINE_LATER

    def name(self) -> Text:
        return "validate_complaint_form"

    def said_so_far(self, tracker: Tracker) -> str:
        text, place = tracker.get_slot("complaint_text"), tracker.get_slot("complaint_place")
        requested = tracker.get_slot("requested_slot")  # holds the message itself, not what was told
        text = None if requested == "complaint_text" else text
        place = None if requested == "complaint_place" else place
        parts = [wording.clean(text)[:60] if text else "", f"地点：{place}" if place else ""]
        return "；".join(part for part in parts if part)

    def answers_questions_at(self, requested: str) -> bool:
        """The problem itself may be worded as a question (为什么路灯一直不修？): only later steps digress."""
        return requested != "complaint_text"

    def before_exits(self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: str) -> Optional[List[Dict]]:
        text = wording.clean(tracker.latest_message.get("text"))
        place = place_named(text)
        if requested == "contact" and place and "号" in place and not wording.phone_in(text):
            said = place_phrase(text, place)  # 小区在城东大道56号: a better place
            dispatcher.utter_message(text=f"好的，地点记为“{said}”。")
            events = [SlotSet("complaint_place", said), SlotSet("contact", None)]
            extra = detail_besides(text, place)
            if extra:
                events.append(SlotSet("complaint_text", with_detail(tracker.get_slot("complaint_text"), extra)))
            return events
        if (requested == "contact" and refuses_phone(text) and not wording.asks_for_person(text)
                and not withdraws(text)):
            return [SlotSet("contact", NO_CONTACT)]
        if (requested == "contact" and asks(text) and ABOUT_THE_PHONE.search(text)
                and not re.search(r"[0-9０-９]", text)):
            dispatcher.utter_message(text=PHONE_OPTIONAL)
            return [SlotSet("contact", None)]
        if requested == "complaint_place" and ABOUT_THE_PHONE.search(text) and refuses_phone(text) \
                and not place_named(text):
            dispatcher.utter_message(text="好的，电话不留。")  # 我的电话不想给你们, said before the phone was asked
            return [SlotSet("contact", NO_CONTACT), SlotSet("complaint_place", None)]
        if requested in ("complaint_place", "contact") and asks(text) and HANDLING_ASK.search(text) \
                and not wording.item_entities(tracker.latest_message.get("entities") or []):
            dispatcher.utter_message(text=HANDLING)  # 你们一般多久能处理: about this complaint, not a service
            return [SlotSet(requested, None)]
        return None

    def digression(self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: str,
                   text: str) -> Optional[List[Dict]]:
        """At the place and phone steps, what is not their answer: a service question is answered; at the
        phone step a place corrects the place and anything else adds to the complaint (only an attempt at a
        number is a malformed phone)."""
        if requested == "complaint_text":
            return self.question_instead_of_the_problem(dispatcher, tracker, text)
        if requested not in ("complaint_place", "contact"):
            return None
        if requested == "contact" and (wording.phone_in(text) or tries_a_number(text)):
            return None
        if asks(text) and (requested == "contact" or not wording.place_in(text)
                           or ActionStartComplaint.seeks_service(text)):
            answered = answer_from_text(dispatcher, tracker, text, [a for a in aspects_named(text) if a != "sequence"])
            if answered is not None:
                dispatcher.utter_message(text="我们接着刚才的事：")
                return answered + [SlotSet(requested, None)]
            if requested == "contact" or ActionStartComplaint.asks_for_information(text):
                dispatcher.utter_message(text=NOT_IN_CATALOGUE)
                return [SlotSet(requested, None)]
            return None
        if requested == "complaint_place":
            return None
        events = [SlotSet("contact", None)]
        place = place_named(text)
        current = tracker.get_slot("complaint_place")
        if place and place not in (current or ""):  # where it is, said again at the phone step: the later wins
            events.append(SlotSet("complaint_place", place_phrase(text, place)))
            dispatcher.utter_message(text=f"好的，地点记为“{place_phrase(text, place)}”。")
        extra = detail_besides(text, place)
        if extra:
            events.append(SlotSet("complaint_text", with_detail(tracker.get_slot("complaint_text"), extra)))
            if not place:
                dispatcher.utter_message(text="好的，已补充到您反映的内容里。")
        return events

    @staticmethod
    def question_instead_of_the_problem(dispatcher: CollectingDispatcher, tracker: Tracker,
                                        text: str) -> Optional[List[Dict]]:
        """先问一下，办营业执照要多久？ asked when the problem was asked for: a service question with nothing
        wrong in it is answered (when the catalogue is sure of its item) and the problem asked for again."""
        said = wording.clean(text)
        how_to = GUIDE_QUESTION.search(said)  # 要办什么手续: a service question even when it names 垃圾
        if not asks(said) or place_named(said) or not how_to and (
                wording.PROBLEM_WORDS.search(said) or not (aspects_named(said) or HOW_TO_ASK.search(said))):
            return None
        asked = [a for a in aspects_named(said) if a != "sequence"]
        answered = answer_from_text(dispatcher, tracker, said, asked)
        if answered is None:
            return None
        dispatcher.utter_message(text="我们接着刚才的事：")
        return answered + [SlotSet("complaint_text", None)]

    def validate_complaint_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        text = OPENING.sub("", str(value).strip()).strip()  # a letter keeps its lines
        if len(wording.clean(text)) < 4:
            dispatcher.utter_message(text="请再具体说说是什么问题，便于转给承办部门。")
            return {"complaint_text": None}
        found: Dict[Text, Any] = {"complaint_text": text[:wording.LETTER_MAX_CHARS]}
        if not tracker.get_slot("complaint_place"):
            found["complaint_place"] = place_of(tracker, text)
        if not tracker.get_slot("contact") and wording.phone_in(text):
            found["contact"] = wording.phone_in(text)
        return found

    def validate_complaint_place(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        place = wording.clean(value)
        if tracker.get_slot("requested_slot") != "complaint_place":
            return {"complaint_place": place[:200] if wording.is_place(place) else None}
        if wording.is_english(place):
            dispatcher.utter_message(text=ENGLISH_ASK_PHONE)
            return {"complaint_place": place[:200]}
        if not wording.is_place(place):
            dispatcher.utter_message(text="没听出具体地点。请说一下在哪个街道、小区或哪条路，比如“湖滨路12号”；"
                                          "不想反映了可以说“取消”。")
            return {"complaint_place": None}
        named = place_named(place)
        if not named:
            return {"complaint_place": re.sub(r"^(就在|就是|在|是)", "", place)[:200]}
        found: Dict[Text, Any] = {"complaint_place": place_phrase(place, named)}
        extra = detail_besides(place, named)
        if extra:  # 就在光明路45号那一段 早上7点到10点最多: the hours belong to the complaint
            found["complaint_text"] = with_detail(tracker.get_slot("complaint_text"), extra)
        return found

    def validate_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        contact = wording.clean(value)
        phone = wording.phone_in(contact)
        if phone:  # a letter's phone keeps whose it is: 13886071234（女儿刘女士）
            return {"contact": contact if re.fullmatch(re.escape(phone) + r"（[^）]{1,12}）", contact) else phone}
        if contact == NO_CONTACT or refuses_phone(contact):
            return {"contact": NO_CONTACT}
        if tracker.get_slot("requested_slot") != "contact" or not tries_a_number(contact):
            return {"contact": None}
        dispatcher.utter_message(text="电话号码格式好像不对，请输入11位手机号或带区号的座机号；不想留请回复“不留”。")
        return {"contact": None}


class ActionSubmitComplaint(Action):
    def name(self) -> Text:
        return "action_submit_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text, contact = tracker.get_slot("complaint_text"), tracker.get_slot("contact")
        if not text or not contact:
            return []  # the form was left (取消 / 转人工): nothing to file
        kind = tracker.get_slot("complaint_kind") or "投诉"
        reset = [SlotSet(s, None) for s in FORM_SLOTS]
        try:
            ticket = client.create_ticket(
                text=text, channel=channel_of(tracker), place=tracker.get_slot("complaint_place"),
                contact=None if contact == NO_CONTACT else contact, ticket_type="建议" if kind == "建议" else None,
                title=tracker.get_slot("complaint_title"))
        except ServiceUnavailable:
            dispatcher.utter_message(text="抱歉，工单系统暂时无法访问，您的诉求没有提交成功，请稍后再试或拨打12345。")
            return reset
        code = ticket["feedback_code"]
        place = tracker.get_slot("complaint_place")
        recorded = [f"地点：{place}" if place else "", f"问题：{read_back(text)}",
                    "联系电话：未留（匿名）" if contact == NO_CONTACT else f"联系电话：{contact}"]
        phone = "未留（匿名）" if contact == NO_CONTACT else contact
        summary = (LETTER_FILED.format(phone=phone) if tracker.get_slot("complaint_title")
                   else f"登记内容：{'；'.join(r for r in recorded if r)}（您说的原话全部随工单保存）。")
        dispatcher.utter_message(
            text=f"已为您登记{kind}工单，编号 {ticket['id']}，查询码 {code}（请保存好，查进度和评价都要用它）。\n"
                 f"{summary}\n"
                 f"承办部门会在规定时限内处理，您可以随时发“查询码 {code}”给我查看进度。",
            json_message={"ticket": {"id": ticket["id"], "feedback_code": code, "query_code": code}})
        if wording.is_english(text):
            from actions.guide import ENGLISH_ORDER

            dispatcher.utter_message(text=ENGLISH_ORDER.format(number=ticket["id"], code=code))
        return reset + [SlotSet("ticket_no", str(ticket["id"])), SlotSet("ticket_code", code),
                        SlotSet("topic", "order")]


__all__ = ["ASK_CODE", "ActionStartComplaint", "ActionSubmitComplaint", "ValidateComplaintForm", "channel_of",
           "letter_events", "start_complaint_events"]
