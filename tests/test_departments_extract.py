"""The reply extractor reads the unit that handled a message out of the official reply."""

from __future__ import annotations

from datetime import datetime

import pytest

from routing.departments.data import RepliedMessage, load_replied, random_split, time_split
from routing.departments.extract import ReplyUnitExtractor
from routing.departments.units import Unit, default_jurisdictions
from tests.helpers import SAMPLE

SAMPLE_REPLIES = SAMPLE / "replied_messages.csv"


@pytest.fixture(scope="module")
def extractor() -> ReplyUnitExtractor:
    return ReplyUnitExtractor()


def unit_of(extractor: ReplyUnitExtractor, reply: str, message: str = "") -> Unit | None:
    found = extractor.extract(reply, message)
    return found.unit if found else None


# ---- replies that name their unit ---------------------------------------------------------

def test_a_forwarded_message_is_handled_by_the_unit_it_went_to(extractor):
    found = extractor.extract("您好！您反映的问题已转河西街道办事处核查办理。", "青山区河西街道红星村道路积水")
    assert found.rule == "forward"
    assert found.unit == Unit("青山区", "街道/乡镇", "河西街道")


def test_in_a_chain_of_hand_overs_the_last_unit_handles_it(extractor):
    reply = "市住建局及时将您反映的问题交由市房屋交易管理中心办理，现答复如下：该楼盘已完成网签备案。"
    assert unit_of(extractor, reply, "A3区某楼盘网签备案迟迟不办") == Unit("A市", "住建/房产")


@pytest.mark.parametrize(
    ("reply", "rule", "unit"),
    [
        ("网友您好！经核实，该校今年秋季新增两个一年级班级。青山区教育局 2023年3月5日",
         "signature", Unit("青山区", "教育")),
        ("网友您好！青山区城市管理和综合执法局高度重视，组织执法队员到现场核查。",
         "subject", Unit("青山区", "城管执法")),
        ("您好！您反映的学位问题，A5区高度重视，我办经调查了解，现回复如下：经A5区教育局核实，该小区属第二小学学区。",
         "delegated", Unit("A5区", "教育")),
    ],
    ids=["a-signed-reply-names-its-author", "a-unit-acting-at-the-start-of-a-sentence-handles-it",
         "a-government-that-only-took-it-up-gives-way-to-the-unit-that-looked-into-it"],
)
def test_each_rule_reads_the_unit_that_handled_it(extractor, reply, rule, unit):
    found = extractor.extract(reply)
    assert (found.rule, found.unit) == (rule, unit)


def test_a_district_that_takes_it_up_through_its_office_is_the_district_government(extractor):
    reply = "您好！您反映的小区消防通道问题，A5区高度重视，我办经调查了解，现将结果回复如下。"
    assert unit_of(extractor, reply) == Unit("A5区", "政府办")


def test_a_town_that_writes_we_is_named_from_the_message(extractor):
    reply = "网友您好！感谢您对我镇工作的关心，我镇已安排工作人员到现场查看，下月开工修路。"
    assert unit_of(extractor, reply, "K7县望城镇新华村道路坑洼") == Unit("K7县", "街道/乡镇", "望城镇")


def test_a_referral_names_a_unit_but_not_the_one_that_handled_the_message(extractor):
    reply = "您好！您咨询的社保转移问题，请向青山区人力资源和社会保障局咨询办理。"
    found = extractor.extract(reply)
    assert found.rule == "referral" and found.unit.unit_type == "人社"
    assert not found.handling
    assert extractor.extract("您好！已转青山区人社局核实办理。").handling


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("A9县县河西镇中心路口积水", "河西镇"),
        ("A9县青山土家族乡政府门口的路坏了", "青山乡"),
        ("青山区河西街道的路灯不亮", "河西街道"),
    ],
    ids=["code-then-its-level", "ethnic-township", "plain-street"],
)
def test_town_and_street_names_are_read_in_their_short_form(extractor, text, name):
    assert [m.name for m in extractor.mentions(text) if m.unit_type == "街道/乡镇"] == [name]


@pytest.mark.parametrize(
    "text",
    ["感谢各位父老乡亲的支持", "县城里好几个乡都没有通公交", "城管队员每晚巡查街道", "为了促进城乡一体化发展"],
    ids=["乡亲", "quantifier", "sentence-before-街道", "ends-like-a-town"],
)
def test_words_that_only_end_like_a_town_are_not_towns(extractor, text):
    assert [m.name for m in extractor.mentions(text) if m.unit_type == "街道/乡镇"] == []


def test_a_unit_inside_a_unit_keeps_the_outer_ones_place(extractor):
    reply = "您好！青山区公安分局交警大队已在该路口安排警力值守。"
    assert unit_of(extractor, reply) == Unit("青山区", "公安/交警")


def test_city_bureaus_belong_to_the_city_of_the_message(extractor):
    reply = "您反映的问题已转市交通运输局调查核处。"
    assert unit_of(extractor, reply, "A3区公交站台没有遮雨棚") == Unit("A市", "交通运输")


def test_a_county_level_city_is_its_own_city(extractor):
    reply = "您反映的问题已转市教育局调查处理。"
    assert unit_of(extractor, reply, "J11市一所中学寒假补课") == Unit("J11市", "教育")


def test_provincial_departments_are_the_province(extractor):
    reply = "您好！您反映的问题已转省交通运输厅研究办理。"
    assert unit_of(extractor, reply).jurisdiction == default_jurisdictions().province


def test_full_width_text_and_spaces_do_not_hide_the_unit(extractor):
    reply = "您好！ 您反映的问题已转 青山区生态环境分局 核实处理。"
    assert unit_of(extractor, reply) == Unit("青山区", "生态环境")


# ---- replies that do not name a unit -----------------------------------------------------

@pytest.mark.parametrize(
    "reply",
    [
        "您好！您的留言已收悉，感谢您对我们工作的关心。",
        "您好！您反映的问题已转相关部门办理。",
        "您好！您反映的问题已转交青山区网信办调查核处。",
        "我们将统筹城乡发展，各乡镇都将逐步完成道路硬化。",
        "",
    ],
    ids=["courtesy-only", "generic-department", "relay-office", "words-ending-like-towns", "empty"],
)
def test_replies_without_a_handling_unit_give_none(extractor, reply):
    assert extractor.extract(reply) is None


def test_an_office_that_calls_itself_we_without_a_name_is_left_unlabelled(extractor):
    """我局 could be any bureau: guessing its type from the topic would make the label circular."""
    assert extractor.extract("您好！我局高度重视，立即组织人员调查，现回复如下：该问题已整改。") is None


# ---- the sample file ----------------------------------------------------------------------

def test_a_message_whose_reply_only_refers_the_citizen_on_is_not_labelled():
    record = RepliedMessage("X1", "社保怎么转到青山区", datetime(2024, 1, 1), "请向青山区社保中心咨询。",
                            ReplyUnitExtractor().extract("请向青山区社保中心咨询。"))
    assert record.extraction is not None and record.handler is None and not record.labelled


def test_a_random_split_is_seeded_disjoint_and_keeps_each_part_in_time_order():
    records = load_replied(SAMPLE_REPLIES)
    train, test = random_split(records, 0.25, seed=3)
    assert random_split(records, 0.25, seed=3) == (train, test)
    assert len(test) == round(len(records) * 0.25) and not {r.id for r in train} & {r.id for r in test}
    assert test != time_split(records, 0.25)[1]
    assert [r.time for r in test] == sorted(r.time for r in test)


def test_the_sample_replies_are_labelled_and_sorted_by_time():
    records = load_replied(SAMPLE_REPLIES)
    assert [r.time for r in records] == sorted(r.time for r in records)
    labelled = [r for r in records if r.labelled]
    assert 0.8 < len(labelled) / len(records) < 1.0
    earlier, later = time_split(records)
    assert len(later) == round(len(records) * 0.2) and earlier[-1].time <= later[0].time
