"""A yes/no or single-point question (要本人去吗, 能代办吗, 周六能办吗, 能网上办吗) answered in a line or two
from the guide's own fields, never with the whole guide; when the guide does not say, the answer says so
and gives the way forward (the hall's phone, 12345, a person). The rest of the guide stays one click away.

Only what the catalogue's record holds is stated: the hall's hours, ``online`` and ``visits``. Whether
someone else may apply for the citizen (代办) is in no field, so it is always "指南没有写明".
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

#: The points a short question may ask, in the order their answers are given.
POINT_WORDS: Dict[str, "re.Pattern[str]"] = {
    "weekend": re.compile(r"周六|周日|周天|星期六|星期天|星期日|礼拜六|礼拜天|礼拜日|周末|双休|节假日|放假"),
    "proxy": re.compile(r"代办|代领|代交|代理|委托|"
                        r"帮(他|她|我妈|我爸|家里人|家人|老人|孩子|别人|亲戚|老公|老婆)(去)?(办|领|交|跑)"
                        r"|替(他|她|我|别人|家人)(去)?(办|领|交|跑)|(家属|家人|子女|亲戚|别人|老公|老婆)(能|可以)?(去|帮忙)?(代|替|帮)?(办|领)"),
    "in_person": re.compile(r"本人|亲自|不去|不用去|不跑|不用跑|跑现场|去现场|到现场|到场|跑一趟|跑几趟|跑几次|跑多少|"
                            r"(要|得|需要|必须|还要|用)(去|到|跑|回)[^，,。？?]{0,6}(现场|窗口|大厅|一趟|一次|趟)"),
    "when": re.compile(r"(什么时候|啥时候|几月|哪天|何时|几号)(?![^，,。？?]{0,4}(办好|拿到|下来|出来|发|办完|到账))"),
    "online": re.compile(r"网上|线上|手机上|网办|在家(就)?(能|可以)?办|小程序|[Aa][Pp][Pp]|电脑上|邮寄"),
}
#: Of the guide's aspects, those a point answers (the place's hours, online and visits).
COVERS = {"weekend": {"place"}, "proxy": {"online"}, "in_person": {"online"}, "online": {"online"}, "when": set()}
#: Words of a date or period in a guide's field (每年6月, 8月31日前, 出生一年以内).
PERIOD = re.compile(r"每年|每月|\d+月|\d+日|年以内|个月内|日内|截止|期间")
DAYS = {"周六": ("周六", "星期六", "礼拜六"), "周日": ("周日", "周天", "星期天", "星期日", "礼拜天", "礼拜日")}
HOTLINE = "12345热线（0710-12345）"


def points_asked(text: str) -> List[str]:
    """The single points a message asks about, in POINT_WORDS order (none for a long message)."""
    said = re.sub(r"\s", "", text or "")
    if len(said) > 60:
        return []
    return [name for name, words in POINT_WORDS.items() if words.search(said)]


#: Asking where, beside a point (在哪办的，周末开门不): the place is answered too.
WHERE = re.compile(r"在哪|去哪|哪里|哪儿|地址|地点|窗口|几楼")


def covered_aspects(points: List[str], text: str = "") -> set:
    """The guide's aspects the points' answers already give (the hours of 周六能办吗 are the place's)."""
    covered = set().union(*(COVERS[p] for p in points)) if points else set()
    return covered - {"place"} if WHERE.search(text) else covered


def ask_further(place: Optional[Dict[str, Any]]) -> str:
    """Where to ask what the guide does not say: the hall's phone, else 12345; a person either way."""
    phone = (place or {}).get("phone")
    hall = (place or {}).get("hall")
    by_phone = f"{hall}电话 {phone} 或{HOTLINE}" if phone and hall else HOTLINE
    return f"可以拨打{by_phone}确认，或回复“转人工”"


def days_in(hours: str) -> List[str]:
    """The weekend days the hours name (周六, 周日); 周一至周五 names neither."""
    return [day for day, words in DAYS.items() if any(w in hours for w in words)]


def weekend_answer(text: str, item: Dict[str, Any]) -> str:
    place = item.get("place") or {}
    hours = str(place.get("hours") or "")
    if not place:
        return "这项没有线下窗口，在网上办理，不受周末限制。" if (item.get("online") or {}).get("available") \
            else f"指南没有写办理地点和时间，{ask_further(place)}。"
    if not hours:
        return f"指南没有写{place.get('hall')}的办公时间，{ask_further(place)}。"
    asked = [day for day, words in DAYS.items() if any(w in text for w in words)] or list(DAYS)
    open_days = days_in(hours)
    where = " ".join(filter(None, [place.get("address"), place.get("window")]))
    hall = place.get("hall") + (f"（{where}）" if where else "")
    if any(day in open_days for day in asked):
        verdict = f"可以，{hall}{'、'.join(d for d in asked if d in open_days)}也办公"
        closed = [d for d in asked if d not in open_days]
        if closed:
            verdict += f"（{'、'.join(closed)}不办公）"
    else:
        verdict = f"不行，{hall}{'、'.join(asked)}不办公" if len(asked) == 1 else f"不行，{hall}周末不办公"
    verdict += f"。办公时间：{hours}"
    if re.search(r"节假日|放假", text) and "节假日" not in hours:
        verdict += f"。指南没有写法定节假日是否办公，{ask_further(place)}"
    online = item.get("online") or {}
    if not any(day in open_days for day in asked) and online.get("available"):
        verdict += f"。另外这项支持网上办理（{online.get('level') or '网上办理'}）"
    return verdict + "。"


def in_person_answer(text: str, item: Dict[str, Any]) -> str:
    visits = item.get("visits")
    online = item.get("online") or {}
    place = item.get("place") or {}
    note = f"{online['note']}。" if online.get("note") else ""
    if visits == 0:
        where = f"（{online['url']}）" if online.get("url") else ""
        return f"不用去现场：这项可以全程网办{where}，一次也不用跑。{note}"
    if visits is None:
        line = "指南没有写要不要到现场"
    else:
        window = f"，到{place.get('hall')}{place.get('window') or ''}" if place else ""
        line = f"需要到现场，最多跑{visits}次{window}"
        if online.get("available") and online.get("level"):
            line += f"；可以先{online['level']}"
    if re.search(r"本人|亲自", text):
        line += f"。是否必须本人到场，指南没有写明，{ask_further(place)}"
    return line + "。"


def proxy_answer(item: Dict[str, Any]) -> str:
    place = item.get("place") or {}
    line = f"能否由别人代办，指南没有写明，{ask_further(place)}。"
    if item.get("visits") == 0:
        line += "这项可以全程网办，不用到现场。"
    return line


def online_answer(item: Dict[str, Any]) -> str:
    online = item.get("online") or {}
    place = item.get("place") or {}
    if not online.get("available"):
        where = f"：{place.get('hall')}{place.get('window') or ''}" if place else ""
        return f"不能网上办，需要到窗口办理{where}。"
    level = online.get("level") or "网上办理"
    url = f"：{online['url']}" if online.get("url") else ""
    note = f"{online['note']}。" if online.get("note") else ""
    visits = item.get("visits")
    if visits == 0:
        return f"可以，{level}{url}，一次也不用跑。{note}"
    if level == "全程网办":
        return f"可以，全程网办{url}。{note}"
    tail = f"，之后还要到现场{visits}次" if visits else ""
    how = level if level.startswith("网上") else f"在网上{level}"
    return f"可以{how}{url}，但不能全程网办{tail}。{note}"


def when_answer(item: Dict[str, Any]) -> str:
    """When it is done (报名时间): the guide's fields that name a date or period, or that it does not say."""
    online = item.get("online") or {}
    fields = [str(online.get("note") or ""), *[str(c) for c in item.get("conditions") or []],
              *[str(m.get("note") or "") for m in item.get("materials") or []]]
    told = [f for f in fields if f and PERIOD.search(f)]
    if told:
        return "时间：" + "；".join(dict.fromkeys(told)) + "。"
    return f"指南没有写具体的办理时间段，{ask_further(item.get('place'))}。"


def point_answer(text: str, item: Dict[str, Any], points: List[str]) -> str:
    """The answer to each point asked, in one short paragraph headed by the item's name."""
    in_person_said = bool(re.search(r"本人|亲自", text))
    lines = []
    for point in points:
        if point == "weekend":
            lines.append(weekend_answer(text, item))
        elif point == "when":
            lines.append(when_answer(item))
        elif point == "proxy":
            lines.append(proxy_answer(item))
        elif point == "online":
            lines.append(online_answer(item))
        elif "online" not in points or in_person_said:  # 网上能办吗，不用跑吧: the online answer says the visits
            lines.append(in_person_answer(text, item))
    return "\n".join([f"【{item.get('name')}】", *lines])
