"""Catalogue search (issue 16): the whole guide indexed, vocabulary learned from texts, no silent nothing, siblings."""

import csv
import json

import pytest

from service_guide.analysis import Analyzer
from service_guide.bench import main as bench_main
from service_guide.matcher import ItemMatcher
from service_guide.search import build_search, sibling_labels
from service_guide.vocabulary import FORBIDDEN, Vocabulary, corpus_vectors, training_documents
from tests.helpers import write_export

GUIDES = [
    {"matter_name": "低压非居民用电报装", "accept_standard": "商铺、厂房等非居民用户新装用电",
     "material_intro": ["用电申请表", "营业执照", "房屋产权证明"], "theme_category": ["水电气"]},
    {"matter_name": "居民生活用电报装", "material_intro": ["用电申请表", "居民身份证"],
     "service_object_name": ["自然人"]},
    {"matter_name": "企业名称变更登记", "material_intro": ["营业执照", "股东会决议"]},
    {"matter_name": "一级建造师注册", "matter_short": "一建注册", "material_intro": ["注册申请表", "资格证书"]},
    {"matter_name": "统一社会信用代码查询", "material_intro": ["无"]},
    {"matter_name": "个体工商户设立登记", "material_intro": ["经营者身份证明", "经营场所证明"]},
    {"matter_name": "弩的购置审批", "material_intro": ["购置申请"]},
    {"matter_name": "弩的运输审批", "material_intro": ["运输申请"]},
    {"matter_name": "作品著作权登记", "material_intro": ["作品样本", "权利保证书"]},
    {"matter_name": "版画展览预约", "material_intro": ["无"]},
    {"matter_name": "股权质押登记", "material_intro": ["质押合同"]},
]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return write_export(tmp_path_factory.mktemp("guides"), GUIDES)


@pytest.fixture(scope="module")
def search(catalogue):
    return build_search(catalogue, use_vocabulary=False, ranker=None)


def test_a_question_about_a_material_or_condition_finds_the_item_whose_name_says_neither(search):
    first = search.matcher.search("开了个商铺要新装电，带房屋产权证明就行吗", 3)[0]
    assert first.name == "低压非居民用电报装"
    assert {"conditions", "materials"} <= set(first.fields)


def test_words_are_matched_whole_not_as_substrings(search):
    decision = search.decide("统一建设的信用代码怎么查")
    assert decision.decision == "answer" and decision.matches[0].name == "统一社会信用代码查询"


def test_question_phrasing_is_removed_by_whole_words_only():
    assert Analyzer().words("个体户营业执照要带什么") == ["个体户", "营业执照"]


def test_a_word_jieba_glued_from_a_verb_and_a_particle_keeps_the_verb():
    assert Analyzer().words("办个营业执照要啥") == ["办", "营业执照"]


def test_related_words_are_learned_from_texts_where_they_share_contexts():
    texts = ["摄影师拍的照片版权被网站盗用，想先做登记保护", "摄影师拍的照片著作权被网站盗用，想先做登记保护",
             "写的小说版权归作者所有，出版社转载要授权", "写的小说著作权归作者所有，出版社转载要授权",
             "股权出质以后要办理质押登记", "版画展览周末开放，需要提前预约"]
    analyzer = Analyzer()
    space = corpus_vectors([analyzer.words(t) for t in texts], dim=6, min_count=1)
    vocabulary = Vocabulary({"corpus": space}).restricted_to(["著作权", "质押", "版画", "展览"])
    assert [word for word, _ in vocabulary.related("版权")] == ["著作权"]


def test_the_learned_vocabulary_carries_an_everyday_word_to_the_official_item(catalogue):
    texts = ["照片的版权被人盗用了要登记", "照片的著作权被人盗用了要登记", "小说版权归作者", "小说著作权归作者",
             "股权质押要登记", "版画展览要预约"]
    space = corpus_vectors([Analyzer().words(t) for t in texts], dim=6, min_count=1)
    learned = ItemMatcher(vocabulary=Vocabulary({"corpus": space})).fit(catalogue)
    assert learned.search("版权", 1)[0].name == "作品著作权登记"
    assert ItemMatcher().fit(catalogue).search("版权", 1)[0].name != "作品著作权登记"


def test_the_vocabulary_never_reads_the_frozen_test_messages(tmp_path, catalogue):
    (tmp_path / "hot_messages.csv").write_text("留言主题,留言详情\n路灯坏了,小区路灯不亮\n", encoding="utf-8")
    (tmp_path / "messages_test.csv").write_text("留言主题,留言详情\n冻结词汇,冻结词汇\n", encoding="utf-8")
    words = {w for doc in training_documents(catalogue, tmp_path, Analyzer()) for w in doc}
    assert "messages_test.csv" in FORBIDDEN and "路灯" in words and "冻结" not in words


def test_the_vocabulary_artefact_round_trips(tmp_path):
    space = corpus_vectors([["版权", "登记"], ["著作权", "登记"], ["版权", "保护"], ["著作权", "保护"]], dim=2,
                           min_count=1)
    Vocabulary({"corpus": space}).save(tmp_path / "v.npz")
    loaded = Vocabulary.load(tmp_path / "v.npz")
    assert loaded.spaces["corpus"].words == space.words


def test_a_long_situation_question_gets_candidates_not_silence(qingshan_search):
    decision = qingshan_search.decide("我老婆上个月在医院生了个女儿，现在想把她的户籍落下来，该去哪里弄")
    assert decision.decision in ("answer", "clarify") and decision.matches
    assert "出生登记" in [m.name for m in decision.matches]
    assert decision.decision == "answer" or decision.question == "您是不是要问以下事项？"


def test_a_question_no_guide_covers_is_not_found(search):
    decision = search.decide("明天会下雨吗")
    assert decision.decision == "not_found" and decision.matches == () and decision.confidence == 0


def test_a_question_about_another_citys_service_is_not_found(qingshan_search):
    assert qingshan_search.decide("成都的社保卡怎么补办").decision == "not_found"


def test_siblings_that_differ_in_one_word_get_a_distinguishing_question(search):
    decision = search.decide("弩的审批")
    assert decision.decision == "siblings"
    assert {(o.label, o.name) for o in decision.options} == {("购置", "弩的购置审批"), ("运输", "弩的运输审批")}
    first, second = (o.label for o in decision.options)  # the two tie: either may come first, the buttons follow
    assert decision.question == f"您是要{first}还是{second}？"


def test_a_question_that_names_the_sibling_is_answered(search):
    decision = search.decide("弩的运输审批要什么材料")
    assert decision.decision == "answer" and decision.matches[0].name == "弩的运输审批"


def test_sibling_labels_are_whole_words(search):
    segmenter = search.matcher.segmenter
    assert sibling_labels(segmenter, "党员组织关系转入", "党员组织关系转出") == ("转入", "转出")
    assert sibling_labels(segmenter, "企业名称变更登记", "个体工商户设立登记") is None


def test_the_bench_reports_kinds_and_out_of_catalogue_questions(tmp_path, capsys):
    queries = tmp_path / "q.csv"
    with queries.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([["query", "expected_name", "kind"], ["弩的购置审批", "弩的购置审批", "close"],
                          ["买弩要批吗", "弩的购置审批", "everyday"], ["明天会下雨吗", "", "negative"]])
    catalogue = tmp_path / "guides.jsonl"
    catalogue.write_text("\n".join(json.dumps({"TASK_CODE": f"T{i}", "DEPT_NAME": "公安厅", **g}, ensure_ascii=False)
                                   for i, g in enumerate(GUIDES)), encoding="utf-8")
    assert bench_main(["--catalogue", str(catalogue), "--queries", str(queries), "--no-vocabulary", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["queries"] == 2 and result["negatives"] == 1
    assert set(result["per_kind"]) == {"close", "everyday"} and result["per_kind"]["close"]["top1"] == 1.0
    assert result["not_found_recall"] == 1.0 and {"p50_ms", "p99_ms", "misses"} <= set(result)


def test_the_bench_refuses_a_csv_without_the_columns(tmp_path, capsys):
    queries = tmp_path / "q.csv"
    queries.write_text("question\n弩\n", encoding="utf-8")
    assert bench_main(["--catalogue", "sample_data/guangdong_service_guides.jsonl", "--queries", str(queries)]) == 2
