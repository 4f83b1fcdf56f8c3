from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext.normalize import normalize
from zhtext.privacy import ID_MASK, LANDLINE_MASK, MOBILE_MASK, _mask_rules, mask_personal_data


def test_mobile_number_is_masked():
    assert mask_personal_data("我的电话13812345678请回电") == f"我的电话{MOBILE_MASK}请回电"


def test_mobile_number_with_country_code_and_separators_is_masked():
    assert mask_personal_data("联系+86 138-1234-5678") == f"联系{MOBILE_MASK}"


def test_already_masked_mobile_number_gets_the_same_placeholder():
    assert mask_personal_data("手机138********") == f"手机{MOBILE_MASK}"


def test_resident_id_number_is_masked_including_x_check_digit():
    assert mask_personal_data("身份证号43010219900101123X") == f"身份证号{ID_MASK}"


def test_full_width_id_number_is_masked_after_normalisation():
    assert mask_personal_data(normalize("身份证４３０１０２１９９００１０１１２３４")) == f"身份证{ID_MASK}"


def test_landline_with_area_code_is_masked():
    assert mask_personal_data("座机0731-88886666") == f"座机{LANDLINE_MASK}"


def test_ordinary_numbers_are_kept():
    text = "拖欠工资3个月共计12000元，2019年5月入职，15栋1203室"
    assert mask_personal_data(text) == text


# ---- every common way of writing a number, inside Chinese text (property-based) --------------------------


# Chinese around the number: no digits (Chinese ones included) and no unit that makes a number an amount.
AROUND = st.text(alphabet="我家住青山区和平路小区门口噪音扰民请尽快处理联系方式是的，。！：", max_size=12)
CHINESE = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))
FULL_WIDTH = dict(zip("0123456789", "０１２３４５６７８９", strict=True))


@st.composite
def written(draw, digits: str, groups: list[int]) -> str:
    """``digits`` as a person might write them: whole, grouped with -, ., or spaces, spaced out,
    in full-width or Chinese digits."""
    style = draw(st.sampled_from(["whole", "grouped", "spaced"]))
    if style == "grouped":
        separator = draw(st.sampled_from(["-", ".", " ", "－"]))
        parts, start = [], 0
        for size in groups:
            parts.append(digits[start:start + size])
            start += size
        text = separator.join(parts)
    elif style == "spaced":
        text = " ".join(digits)
    else:
        text = digits
    script = draw(st.sampled_from(["ascii", "full-width", "chinese"]))
    table = {"ascii": {}, "full-width": FULL_WIDTH, "chinese": CHINESE}[script]
    return "".join(table.get(c, c) for c in text)


def digit_strings(n: int, first: str = "0123456789") -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(first), st.text(alphabet="0123456789", min_size=n - 1, max_size=n - 1)).map(
        "".join)


MOBILES = st.tuples(st.sampled_from(["13", "14", "15", "16", "17", "18", "19"]), digit_strings(9)).map("".join)
AREAS = st.sampled_from(["010", "020", "021", "0731", "0755", "0871"])
BIRTHDAYS = st.dates(min_value=date(1930, 1, 1),
                     max_value=date(2020, 12, 31)).map(lambda d: d.strftime("%Y%m%d"))


@st.composite
def personal_numbers(draw) -> tuple[str, str]:
    """(the number as written, the placeholder it must become)."""
    kind = draw(st.sampled_from(["mobile", "mobile+86", "landline", "bracketed", "local", "id18", "id15"]))
    if kind.startswith("mobile"):
        number = draw(written(draw(MOBILES), [3, 4, 4]))
        return ("+86 " + number if kind == "mobile+86" else number), MOBILE_MASK
    if kind in ("landline", "bracketed"):
        area, local = draw(AREAS), draw(digit_strings(8, "2345678"))
        if kind == "bracketed":
            return f"({area}){draw(written(local, [4, 4]))}", LANDLINE_MASK
        return draw(written(area + local, [len(area), 4, 4])), LANDLINE_MASK
    if kind == "local":
        return draw(written(draw(digit_strings(8, "345678")), [4, 4])), LANDLINE_MASK
    area = draw(digit_strings(6, "12345678"))
    birthday = draw(BIRTHDAYS)
    if kind == "id15":
        return draw(written(area + birthday[2:] + draw(digit_strings(3)), [6, 6, 3])), ID_MASK
    check = draw(st.sampled_from("0123456789X"))
    return draw(written(area + birthday + draw(digit_strings(3)) + check, [6, 8, 4])), ID_MASK


@settings(max_examples=300, deadline=None)
@given(before=AROUND, number=personal_numbers(), after=AROUND)
def test_a_personal_number_in_any_common_form_is_masked_and_the_text_around_it_kept(before, number, after):
    written_number, placeholder = number
    assert mask_personal_data(f"{before}{written_number}{after}") == f"{before}{placeholder}{after}"


@pytest.mark.parametrize("text", [
    "工单号202311150001已转办",
    "编号20231115000123456的工单",
    "2019年5月12日反映，20190512再次反映，2019-05-12第三次",
    "借款23456789元至今未还，罚款1380元",
    "金额¥23456789",
    "人民路120号门前，15栋1203室",
    "小区共有3000户，约12000人",
    "一二三四月份都有积水",
    "二〇一九年五月",
])
def test_order_numbers_dates_money_and_house_numbers_are_kept(text):
    assert mask_personal_data(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("电话138.1234.5678", f"电话{MOBILE_MASK}"),
    ("一三八一二三四五六七八是我的手机", f"{MOBILE_MASK}是我的手机"),
    ("身份证110101 19900307 1234", f"身份证{ID_MASK}"),
    ("老身份证110101900307123", f"老身份证{ID_MASK}"),
    ("电话073112345678", f"电话{LANDLINE_MASK}"),
    ("（0731）12345678", LANDLINE_MASK),
    ("家里电话88886666", f"家里电话{LANDLINE_MASK}"),
])
def test_examples_of_forms_that_used_to_slip_through(text, expected):
    assert mask_personal_data(text) == expected


# Pieces of numbers in every script, the characters written between them, and the units and Chinese around them.
NUMBER_PIECES = ["138", "1234", "5678", "0731", "8888", "６６６６", "一三八", "〇幺", "19900307", "X", "*", "****",
                 "+86", "(", "）", "-", ".", "－", " ", "\u3000", "元", "美元", " 公里", "号", "¥", "电话", "我"]


@settings(max_examples=1000, deadline=None)
@given(text=st.lists(st.sampled_from(NUMBER_PIECES), max_size=12).map("".join))
def test_masking_only_the_runs_of_number_characters_equals_running_every_rule_over_the_whole_text(text):
    assert mask_personal_data(text) == _mask_rules(text)
