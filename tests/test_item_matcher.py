"""Item lookup from everyday Chinese on the sample catalogue: colloquial names, typos, asking back."""

import pytest

from service_guide.guangdong import import_guangdong
from service_guide.search import build_search


@pytest.mark.parametrize("query, code", [
    ("小孩上户口带什么", "QS-GA-001"),
    ("办个营业执照要啥", "QS-SC-002"),
    ("身份证丢了怎么补办", "QS-GA-003"),
    ("我想申请低保", "QS-MZ-003"),
    ("领结婚证要带啥", "QS-MZ-001"),
    ("二手房过户多少钱", "QS-BDC-001"),
    ("宝宝出生要办哪些事", "QS-YJS-001"),
])
def test_colloquial_names_find_the_item(qingshan_search, query, code):
    assert qingshan_search.matcher.search(query, 1)[0].code == code


def test_a_typo_still_finds_the_item(qingshan_search):
    assert qingshan_search.matcher.search("公积金提驭", 1)[0].code == "QS-ZJ-002"


def test_results_are_distinct_items_best_first(qingshan_search):
    matches = qingshan_search.matcher.search("社保卡", 3)
    assert matches[0].code == "QS-RS-002"
    assert len({m.code for m in matches}) == len(matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_weather_is_not_in_the_catalogue(qingshan_search):
    decision = qingshan_search.decide("今天天气怎么样")
    assert decision.decision == "not_found" and decision.matches == ()


def test_two_close_items_are_offered_to_choose_from(qingshan_search):
    decision = qingshan_search.decide("身份证")
    assert decision.ambiguous
    assert {"QS-GA-002", "QS-GA-003"} <= {m.code for m in decision.matches}
    assert {o.code for o in decision.options} == {m.code for m in decision.matches}


def test_a_clear_query_is_answered(qingshan_search):
    decision = qingshan_search.decide("新生儿上户口")
    assert decision.decision == "answer" and decision.matches[0].code == "QS-GA-001"


def test_the_same_service_from_two_offices_is_one_answer_with_both_codes():
    catalogue = import_guangdong("sample_data/guangdong_service_guides.jsonl").catalogue
    search = build_search(catalogue, use_vocabulary=False, ranker=None)
    match = search.matcher.search("第一次考驾照领驾驶证", 3)[0]
    assert match.name == "机动车驾驶证初次申领"
    assert {match.code, *match.same_name} == {"SAMPLE0000000000000000000000002", "SAMPLE0000000000000000000000003"}
