"""Item lookup from everyday Chinese: colloquial names, typos, and asking back when two are close."""

import json

import pytest

from service_guide.guangdong import import_guangdong
from service_guide.loader import load_catalogue
from service_guide.matcher import ItemMatcher


@pytest.fixture(scope="module")
def matcher():
    return ItemMatcher().fit(load_catalogue("service_guide/data/qingshan_catalogue.yml"))


@pytest.mark.parametrize("query, code", [
    ("小孩上户口带什么", "QS-GA-001"),
    ("办个营业执照要啥", "QS-SC-002"),
    ("身份证丢了怎么补办", "QS-GA-003"),
    ("我想申请低保", "QS-MZ-003"),
    ("领结婚证要带啥", "QS-MZ-001"),
    ("二手房过户多少钱", "QS-BDC-001"),
    ("宝宝出生要办哪些事", "QS-YJS-001"),
])
def test_colloquial_names_find_the_item(matcher, query, code):
    assert matcher.search(query, 1)[0].code == code


def test_a_typo_still_finds_the_item(matcher):
    assert matcher.search("公积金提驭", 1)[0].code == "QS-ZJ-002"


def test_results_are_distinct_items_best_first(matcher):
    matches = matcher.search("社保卡", 3)
    assert matches[0].code == "QS-RS-002"
    assert len({m.code for m in matches}) == len(matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_nothing_close_gives_no_match(matcher):
    assert matcher.resolve("今天天气怎么样").best is None


def test_two_close_items_are_flagged_for_asking_back(matcher):
    resolution = matcher.resolve("身份证")
    assert resolution.ambiguous
    assert {"QS-GA-002", "QS-GA-003"} <= {m.code for m in resolution.candidates}


def test_a_clear_query_is_not_ambiguous(matcher):
    resolution = matcher.resolve("新生儿上户口")
    assert resolution.best.code == "QS-GA-001" and not resolution.ambiguous


def test_the_same_service_from_two_offices_is_one_answer_with_both_codes():
    matcher = ItemMatcher().fit(import_guangdong("sample_data/guangdong_service_guides.jsonl").catalogue)
    match = matcher.search("第一次考驾照领驾驶证", 3)[0]
    assert match.name == "机动车驾驶证初次申领"
    assert {match.code, *match.same_name} == {"SAMPLE0000000000000000000000002", "SAMPLE0000000000000000000000003"}


def _export(tmp_path, names):
    lines = [json.dumps({"TASK_CODE": f"T{i}", "matter_name": name, "DEPT_NAME": "市场监管局"}, ensure_ascii=False)
             for i, name in enumerate(names)]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return import_guangdong(path).catalogue


def test_a_name_covering_the_question_beats_a_short_generic_name(tmp_path):
    catalogue = _export(tmp_path, ["咨询投诉", "电话咨询", "商标注册咨询服务"])
    assert ItemMatcher().fit(catalogue).search("注册商标不懂想咨询", 1)[0].name == "商标注册咨询服务"


def test_words_no_item_mentions_keep_a_chitchat_sentence_unmatched(tmp_path):
    catalogue = _export(tmp_path, ["个人参保", "营业执照", "住房公积金", "护照"])
    assert ItemMatcher().fit(catalogue).resolve("你是机器人吗").best is None
