"""自助预审: one verdict that tells everything at once (一次性告知)."""

import pytest

from service_guide.loader import load_catalogue
from service_guide.precheck import precheck, recognise
from service_guide.render import verdict_text


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue("service_guide/data/qingshan_catalogue.yml")


def names(entries):
    return {e.material.name for e in entries}


def test_several_materials_in_one_message_are_recognised(catalogue):
    checklist = catalogue.checklist(["QS-GA-001"])
    mentions = recognise("出生证、户口本和我们俩的身份证都带了", checklist)
    assert {m.material_id for m in mentions if m.present} == {"birth_cert", "hukou_book", "id_card"}


def test_a_negated_clause_marks_the_material_as_not_had(catalogue):
    verdict = precheck(catalogue, "QS-GA-001", text="身份证户口本都有，出生证明还没拿到")
    assert "出生医学证明" in names(verdict.missing)
    assert not verdict.accept_today


def test_a_missing_material_with_a_commitment_route_does_not_block(catalogue):
    verdict = precheck(catalogue, "QS-GA-001", text="出生证、户口本、身份证都有，没有结婚证")
    assert names(verdict.chengnuo) == {"结婚证"}
    assert verdict.accept_today


def test_a_missing_material_that_may_come_later_is_rongque(catalogue):
    verdict = precheck(catalogue, "QS-GA-004", text="身份证户口本有，房产证还没下来")
    assert names(verdict.rongque) == {"不动产权证书"}
    assert verdict.accept_today


def test_application_forms_are_filled_in_at_the_window(catalogue):
    verdict = precheck(catalogue, "QS-GA-004", text="身份证 户口本 房产证")
    assert names(verdict.on_site) == {"户口迁移申请表"}
    assert verdict.accept_today


def test_optional_materials_never_block(catalogue):
    verdict = precheck(catalogue, "QS-GA-004", text="身份证 户口本 房产证")
    assert "结婚证" in names(verdict.optional_missing)


def test_nothing_said_means_everything_required_is_missing(catalogue):
    verdict = precheck(catalogue, "QS-MZ-001", text="")
    assert names(verdict.missing) == {"双方居民身份证", "双方户口簿", "双方近期半身免冠合影照片"}


def test_all_present_covers_the_whole_checklist(catalogue):
    verdict = precheck(catalogue, "QS-MZ-001", text="材料都齐了")
    assert not verdict.missing and verdict.accept_today


def test_a_copy_is_not_mistaken_for_the_original_when_both_are_listed(catalogue):
    checklist = catalogue.checklist(["QS-SC-001"])
    extended = checklist + [type(checklist[0])(catalogue.item("QS-SC-001").materials[1].model_copy(
        update={"id": "id_card_copy", "name": "居民身份证复印件", "aliases": ("身份证复印件",)}), ("QS-SC-001",))]
    mentions = recognise("只有身份证复印件", extended)
    assert [m.material_id for m in mentions] == ["id_card_copy"]


def test_a_bundle_is_checked_against_its_merged_checklist(catalogue):
    verdict = precheck(catalogue, "QS-YJS-001", text="出生医学证明、户口本、爸妈身份证、结婚证都有")
    assert names(verdict.missing) == {"数码照片回执"}
    assert len(verdict.complete) == 4


def test_the_citizen_facing_text_lists_every_group_and_the_conclusion(catalogue):
    text = verdict_text(catalogue, precheck(catalogue, "QS-GA-004", text="身份证户口本有，房产证还没下来"))
    assert "已齐全" in text and "可容缺受理" in text and "今天带齐已有材料即可受理" in text


def test_an_unknown_code_is_a_key_error(catalogue):
    with pytest.raises(KeyError):
        precheck(catalogue, "QS-NOPE", text="身份证")


def test_fewer_copies_than_the_guide_wants_is_not_having_it(catalogue):
    code = next(c for c, item in catalogue.items.items() if item.name == "残疾人证办理")
    photo = next(m for m in catalogue.items[code].materials if "照" in m.name)
    assert photo.copies > 1
    verdict = precheck(catalogue, code, text="户口本身份证都有，照片只有一张二寸的")
    assert photo.name in names(verdict.missing) and "居民身份证" in names(verdict.complete)


def test_a_negation_word_inside_a_materials_own_name_does_not_negate_it(catalogue):
    verdict = precheck(catalogue, "QS-JT-001", text="驾驶证有，无犯罪记录证明也开好了")
    assert {"机动车驾驶证", "无犯罪记录证明"} <= names(verdict.complete)
