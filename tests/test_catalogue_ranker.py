"""The catalogue search's learned ranker (issue 16): trained on questions made from the guides, never on evaluation
questions; it re-orders the blend's candidates and decides "not in our catalogue" from what the candidates cover."""

import shutil

import numpy as np
import pytest

from service_guide.analysis import Analyzer
from service_guide.matcher import CANDIDATE_FEATURES
from service_guide.ranker import (
    DECISION_FEATURES,
    FRAMES,
    LearnedRanker,
    NameSimilarity,
    QuestionMaker,
    ReferenceService,
    TrainingQuestion,
    absent_questions,
    decision_rows,
    load_ranker,
    make_model,
    ranker_settings,
    reference_services,
    train,
)
from service_guide.search import CatalogueSearch, build_search
from service_guide.settings import GuideSettings
from tests.helpers import ROOT, write_export

QINGSHAN = ROOT / "service_guide" / "data" / "qingshan_catalogue.yml"

GUIDES = [
    {"matter_name": "低压非居民用电报装", "accept_standard": "商铺、厂房等非居民用户新装用电，需提供房屋产权证明",
     "material_intro": ["用电申请表", "营业执照", "房屋产权证明"]},
    {"matter_name": "居民生活用电报装", "accept_standard": "居民住宅新装生活用电",
     "material_intro": ["用电申请表", "居民身份证"]},
    {"matter_name": "弩的购置审批", "accept_standard": "体育运动单位因训练需要购置弩", "material_intro": ["购置申请"]},
    {"matter_name": "弩的运输审批", "accept_standard": "跨地区运输弩的单位提出申请", "material_intro": ["运输申请"]},
    {"matter_name": "作品著作权登记", "accept_standard": "作者对自己创作的摄影、文字作品申请登记",
     "material_intro": ["作品样本", "权利保证书"]},
    {"matter_name": "股权出质设立登记", "accept_standard": "公司股东以其持有的股权出质",
     "material_intro": ["质押合同"]},
]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return write_export(tmp_path_factory.mktemp("guides"), GUIDES)


def blend(catalogue):
    """The search without vocabulary or ranker: what a ranker is trained on top of."""
    return build_search(catalogue, use_vocabulary=False, ranker=None)


def test_training_questions_are_made_from_each_items_own_fields_only(catalogue):
    analyzer = Analyzer()
    questions = QuestionMaker(analyzer, None, seed=1).questions(catalogue, per_kind=3)
    for question in questions:
        item = next(i for i in catalogue.items.values() if i.name == question.name)
        own = " ".join([item.name, *item.conditions, *(m.name for m in item.materials)])
        assert set("".join(analyzer.words(question.query))) <= set(own) | set("".join(FRAMES)), question
    assert {q.kind for q in questions} == {"name", "typo", "situation"}


def test_paraphrase_questions_put_everyday_words_no_guide_uses_around_the_names_words(catalogue, sample_vocabulary):
    from service_guide.vocabulary import Vocabulary

    analyzer = Analyzer()
    guide_words = {t[2:] for t in blend(catalogue).matcher._guide.vocabulary if t.startswith("w:")}
    maker = QuestionMaker(analyzer, Vocabulary.load(sample_vocabulary), seed=2)
    questions = maker.questions(catalogue, per_kind=2, kinds=("paraphrase",), catalogue_words=guide_words)
    assert questions and {q.kind for q in questions} == {"paraphrase"}
    everyday = set(maker.everyday)
    assert everyday and not everyday & guide_words
    for question in questions:
        assert any(w in everyday for w in analyzer.words(question.query)), question


def test_the_same_catalogue_gives_the_same_training_questions(catalogue):
    first = QuestionMaker(Analyzer(), None, seed=3).questions(catalogue)
    assert first == QuestionMaker(Analyzer(), None, seed=3).questions(catalogue)


def test_a_name_left_out_of_the_catalogue_is_never_a_candidate(catalogue):
    ranking = blend(catalogue).matcher.rank("弩的购置审批", 3, exclude=frozenset({"弩的购置审批"}))
    names = [m.name for m in ranking.matches]
    assert names and "弩的购置审批" not in names


def test_each_candidate_says_how_much_of_the_question_its_guide_covers(catalogue):
    ranking = blend(catalogue).matcher.rank("弩的购置审批", 3)
    cover = CANDIDATE_FEATURES.index("cover_words")
    assert ranking.features.shape == (len(ranking.matches), len(CANDIDATE_FEATURES))
    assert ranking.matches[0].name == "弩的购置审批" and ranking.features[0, cover] == pytest.approx(1.0)
    second = [m.name for m in ranking.matches].index("弩的运输审批")
    assert ranking.features[second, cover] < 1.0


def test_a_trained_ranker_orders_candidates_by_its_probability(catalogue):
    search = blend(catalogue)
    learned, stats = train(search.matcher, catalogue, None, pool=5, model="logistic", per_kind=4)
    assert stats["questions"] > 0 and learned.pool == 5
    scores = [m.score for m in search.matcher.rank("作品著作权登记怎么办", 3).matches]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_the_ranker_artefact_round_trips(tmp_path, catalogue):
    search = blend(catalogue)
    learned, _ = train(search.matcher, catalogue, None, pool=5, model="logistic", per_kind=4)
    learned.save(tmp_path / "ranker.joblib")
    loaded = load_ranker(tmp_path / "ranker.joblib")
    x = np.random.default_rng(0).random((4, len(CANDIDATE_FEATURES)))
    assert loaded.pool == 5 and np.allclose(loaded.score(x), learned.score(x))


def test_a_ranker_trained_on_other_features_is_refused(tmp_path, monkeypatch):
    x = np.random.default_rng(0).random((20, len(CANDIDATE_FEATURES)))
    model = make_model("logistic").fit(x, np.arange(20) % 2)
    LearnedRanker(model, model, model).save(tmp_path / "old.joblib")
    monkeypatch.setattr("service_guide.ranker.CANDIDATE_FEATURES", ("blended",))
    with pytest.raises(ValueError, match="retrain"):
        LearnedRanker.load(tmp_path / "old.joblib")


def test_the_search_uses_the_ranker_built_from_the_sample_catalogue(qingshan_search):
    decision = qingshan_search.decide("社会保障卡申领要带什么材料")
    assert qingshan_search.learned is not None
    assert decision.decision == "answer" and decision.matches[0].name == "社会保障卡申领"
    assert 0 < decision.confidence <= 1


def test_a_logistic_ranker_scores_like_its_scikit_learn_model(catalogue):
    search = blend(catalogue)
    learned, _ = train(search.matcher, catalogue, None, pool=5, model="logistic", per_kind=4)
    x = np.random.default_rng(1).random((6, len(CANDIDATE_FEATURES)))
    assert np.allclose(learned.score(x), learned.ranker.predict_proba(x)[:, 1])


def test_with_a_ranker_siblings_still_get_the_distinguishing_question(catalogue):
    search = blend(catalogue)
    learned, _ = train(search.matcher, catalogue, None, pool=5, model="logistic", per_kind=4)
    decision = CatalogueSearch(search.matcher, search.calibration, learned).decide("弩的审批")
    assert decision.decision == "siblings" and decision.question in ("您是要购置还是运输？", "您是要运输还是购置？")


def test_each_training_question_is_asked_with_and_without_its_item(catalogue):
    questions = [TrainingQuestion("弩的购置审批要什么材料", "弩的购置审批", "name"),
                 TrainingQuestion("奶茶店好喝", "", "off_domain")]
    x, right, outside = decision_rows(blend(catalogue).matcher, questions)
    assert outside.tolist() == [0, 1, 1] and right.tolist() == [1, 0, 0]
    uncovered = DECISION_FEATURES.index("uncovered")
    assert x[0, uncovered] == 0 and x[1, uncovered] > 0  # without its item, 购置 is covered by no candidate


def test_each_catalogue_has_its_own_ranker_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GOV_ASSISTANT_HOME", str(tmp_path))
    monkeypatch.delenv("GUIDE_CATALOGUE_RANKER", raising=False)
    served = GuideSettings(catalogue_file=QINGSHAN).ranker_file
    export = GuideSettings(catalogue_file=tmp_path / "guangdong_service_guides.jsonl").ranker_file
    assert served == tmp_path / "models" / "catalogue" / "rankers" / "qingshan_catalogue.joblib"
    assert export.name == "guangdong_service_guides.joblib" and export.parent == served.parent


def test_a_ranker_set_in_the_settings_is_the_one_loaded(tmp_path):
    assert GuideSettings(catalogue_file=QINGSHAN, catalogue_ranker=tmp_path / "r.joblib").ranker_file == \
        tmp_path / "r.joblib"


def test_the_service_loads_the_ranker_trained_on_the_catalogue_it_serves(tmp_path, monkeypatch, sample_vocabulary,
                                                                          sample_ranker):
    from service_guide.api import Guide

    monkeypatch.setenv("GOV_ASSISTANT_HOME", str(tmp_path))
    monkeypatch.delenv("GUIDE_CATALOGUE_RANKER", raising=False)
    settings = GuideSettings(catalogue_file=QINGSHAN, catalogue_vocabulary=sample_vocabulary)
    settings.ranker_file.parent.mkdir(parents=True)
    shutil.copy(sample_ranker, settings.ranker_file)
    assert Guide.build(settings).search.learned is not None


def test_a_ranker_trained_on_another_catalogue_is_not_used(catalogue, sample_ranker):
    search = build_search(catalogue, use_vocabulary=False, ranker=sample_ranker)
    assert search.learned is None
    assert search.decide("弩的购置审批").matches[0].name == "弩的购置审批"


@pytest.mark.parametrize(("question", "item"), [
    ("户口迁移要带哪些材料", "户口迁移（投靠、购房落户）"),
    ("我想开个无犯罪记录证明", "无犯罪记录证明开具"),
    ("办普通护照要多久", "普通护照签发"),
    ("去哪里办结婚登记", "内地居民结婚登记"),
])
def test_the_served_catalogues_ranker_answers_a_plain_question_directly(qingshan_search, question, item):
    decision = qingshan_search.decide(question)
    assert (decision.decision, decision.matches[0].name) == ("answer", item)


def test_a_catalogues_own_thresholds_travel_with_its_ranker(qingshan_search):
    from service_guide.search import load_config

    config = load_config()
    own = config["catalogue_thresholds"]["qingshan_catalogue"]["not_found_at"]
    assert own != config["learned_calibration"]["not_found_at"]
    assert qingshan_search.learned.thresholds["not_found_at"] == own == qingshan_search.calibration.not_found_at


def test_a_catalogues_own_ranker_settings_win_over_the_shared_ones():
    config = {"ranker": {"pool": 15, "outside_features": ["uncovered"]},
              "catalogue_ranker": {"qingshan_catalogue": {"pool": 10}}}
    assert ranker_settings(config, "qingshan_catalogue", with_other_services=False) == \
        {"pool": 10, "outside_features": ["uncovered"]}
    assert ranker_settings(config, "guangdong_service_guides", with_other_services=False)["pool"] == 15


def test_settings_for_other_catalogues_services_apply_only_when_those_are_given():
    config = {"ranker": {"outside_features": ["uncovered"]},
              "catalogue_ranker": {"qingshan_catalogue": {"with_other_services": {"outside_features": ["blended"]}}}}
    assert ranker_settings(config, "qingshan_catalogue", with_other_services=True)["outside_features"] == ["blended"]
    assert ranker_settings(config, "qingshan_catalogue", with_other_services=False)["outside_features"] == \
        ["uncovered"]


# ---------------------------------------------------------------- other catalogues' services taught as "not ours"
OTHER_SERVICES = [ReferenceService("机动车驾驶证换证", ("驾驶证有效期满需要换证",), ("机动车驾驶证",)),
                  ReferenceService("居民身份证补领"), ReferenceService("外国人居留许可签发")]
OURS = ["居民身份证换领、补领", "内地居民结婚登记"]


def test_name_similarity_keeps_the_same_service_apart_from_another_one():
    similarity = NameSimilarity(Analyzer(), [*OURS, *(s.name for s in OTHER_SERVICES)])
    assert similarity("居民身份证补领", "居民身份证换领、补领") >= 0.6
    assert similarity("机动车驾驶证换证", "居民身份证换领、补领") < 0.3


def test_only_services_clearly_not_ours_become_absent_questions():
    questions, verdicts = absent_questions(QuestionMaker(Analyzer(), None, seed=4), OTHER_SERVICES, OURS, count=10)
    assert verdicts == {"different": 2, "same": 1, "ambiguous": 0}
    assert len(questions) == 2 and all(q.name == "" for q in questions)
    assert not any("身份证" in q.query for q in questions)


def test_absent_questions_stop_at_the_count_asked_for():
    questions, _ = absent_questions(QuestionMaker(Analyzer(), None, seed=4), OTHER_SERVICES, OURS, count=1)
    assert len(questions) == 1


def test_another_catalogues_service_list_is_read_from_its_item_names(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("department,item_name\n区公安分局,机动车驾驶证换证\n区交警大队,机动车驾驶证换证\n区民政局,收养登记\n",
                    encoding="utf-8")
    assert [s.name for s in reference_services(path)] == ["机动车驾驶证换证", "收养登记"]


def test_a_ranker_trained_with_other_catalogues_services_counts_them_as_not_ours(catalogue):
    other = [ReferenceService("机动车驾驶证换证", ("驾驶证有效期满",)), ReferenceService("外国人居留许可签发"),
             ReferenceService("弩的购置审批")]
    _, stats = train(blend(catalogue).matcher, catalogue, None, pool=5, per_kind=4, absent_services=other,
                     absent_share=1.0)
    assert stats["other_services"] == {"different": 2, "same": 1, "ambiguous": 0}
    assert stats["absent_questions"] == 2


def test_questions_written_for_another_catalogue_count_as_absent_only_when_their_service_is_clearly_not_ours():
    from service_guide.bench import as_absent
    from service_guide.loader import load_catalogue

    rows = [{"query": "外国人的居留许可在哪办", "expected_name": "外国人居留许可签发", "kind": "everyday"},
            {"query": "身份证丢了去哪补", "expected_name": "居民身份证补领", "kind": "everyday"}]
    absent = as_absent(rows, load_catalogue(QINGSHAN))
    assert absent == [{"query": "外国人的居留许可在哪办", "expected_name": "", "kind": "other_catalogue"}]
