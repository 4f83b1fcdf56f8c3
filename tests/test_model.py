import numpy as np
from sklearn.base import clone

from classifier.model import ComplaintClassifier
from classifier.near_duplicates import near_duplicate_groups


def test_probabilities_cover_all_categories_and_sum_to_one(trained_model):
    proba = trained_model.predict_proba(["小区楼下烧烤店油烟很大", "公司拖欠工资三个月"])
    assert proba.shape == (2, 7)
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_clear_complaints_get_the_obvious_category(trained_model):
    predicted = trained_model.predict(
        ["老板拖欠工资三个月不发，请劳动监察帮忙", "出租车司机拒载还绕路多收钱", "医院挂号排队太久，医生态度差"]
    )
    assert list(predicted) == ["劳动和社会保障", "交通运输", "卫生计生"]


def test_sample_test_split_is_mostly_right(trained_model, sample_test):
    predicted = trained_model.predict([e.text for e in sample_test])
    accuracy = np.mean(predicted == np.array([e.label for e in sample_test]))
    assert accuracy >= 0.7


def test_analyse_returns_top_k_labels_in_descending_probability(trained_model):
    scores = trained_model.analyse(["幼儿园收费突然上涨，没有提前告知家长"], top_k=3)[0]
    assert len(scores) == 3
    assert scores[0].label == "教育文体"
    assert [s.probability for s in scores] == sorted((s.probability for s in scores), reverse=True)


def test_evidence_terms_come_from_the_message(trained_model):
    text = "幼儿园收费突然上涨，没有提前告知家长"
    top = trained_model.analyse([text], top_k=1, n_terms=4)[0][0]
    assert top.evidence, "the top label must come with evidence"
    assert all(e.term in text for e in top.evidence)
    assert all(e.weight > 0 for e in top.evidence)


def test_personal_data_does_not_become_a_feature(trained_model):
    tokens = trained_model.tokenize(["我的电话13812345678，请回电"])[0]
    assert "13812345678" not in tokens and "138" not in tokens.split()


def test_overlong_text_is_truncated_not_rejected(trained_model):
    proba = trained_model.predict_proba(["物业乱收费" * 20000])
    assert proba.shape == (1, 7)


def test_estimator_follows_the_scikit_learn_api(trained_model):
    copy = clone(trained_model)
    assert copy.get_params() == trained_model.get_params()
    assert not hasattr(copy, "svm_")


def test_training_reports_honest_cross_validated_metrics(trained_model):
    assert 0.0 < trained_model.cv_metrics_["cv_macro_f1"] <= 1.0
    assert trained_model.cv_metrics_["temperature"] > 0


def test_near_duplicates_share_a_calibration_group():
    groups = near_duplicate_groups(
        ["小区 物业 乱收 停车费 业主 反映", "小区 物业 乱收 停车费 业主 反映 多次", "公交 拒载 老人", "学校 补课 收费"],
        max_df=1.0,
    )
    assert groups[0] == groups[1]
    assert len({groups[0], groups[2], groups[3]}) == 3


def test_parallel_batches_give_the_same_answer_as_serial(trained_model, sample_test):
    texts = [e.text for e in sample_test]
    parallel = ComplaintClassifier(**{**trained_model.get_params(), "n_jobs": 2, "batch_size": 16})
    parallel.__dict__.update({k: v for k, v in trained_model.__dict__.items() if k.endswith("_")})
    assert np.allclose(parallel.predict_proba(texts), trained_model.predict_proba(texts))


def test_unchecked_scores_equal_the_svm_decision_function(trained_model, sample_test):
    texts = [e.text for e in sample_test]
    features = trained_model.vectorizer_.transform([t.split() for t in trained_model.tokenize(texts)])
    expected = trained_model.svm_.decision_function(features)
    assert np.allclose(trained_model.decision_function(texts), expected, atol=1e-5)
    assert np.allclose(trained_model.decision_function(texts[:1]), expected[:1], atol=1e-5)


def test_the_served_model_is_the_average_of_the_fold_models_its_calibrator_learned_from(trained_model, sample_train):
    texts, labels = [e.text for e in sample_train], np.array([e.label for e in sample_train])
    tokens = trained_model._tokens(texts)
    features = trained_model.vectorizer_.transform(tokens)
    folds = [trained_model._make_svm().fit(features[fit], labels[fit])
             for fit, _ in trained_model._calibration_splits(tokens, labels)]
    asked = ["小区物业乱收停车费", "公司拖欠工资三个月"]
    expected = np.mean([svm.decision_function(trained_model.vectorizer_.transform(trained_model._tokens(asked)))
                        for svm in folds], axis=0)
    assert len(folds) == trained_model.calibration_folds
    assert np.allclose(trained_model.decision_function(asked), expected, atol=1e-5)


def test_a_category_too_small_for_every_calibration_fold_is_still_learned():
    texts = ["小区物业乱收停车费", "物业费上涨没有公示", "物业不修电梯", "公司拖欠工资三个月", "老板不交社保",
             "加班没有加班费", "出租车拒载"]
    labels = ["城乡建设"] * 3 + ["劳动和社会保障"] * 3 + ["交通运输"]
    model = ComplaintClassifier(min_df=1, calibration_folds=3).fit(texts, labels)
    proba = model.predict_proba(["出租车拒载", "物业乱收停车费"])
    assert list(model.classes_) == sorted(set(labels))
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert model.predict(["物业乱收停车费"])[0] == "城乡建设"


def test_two_categories_are_enough():
    texts = ["小区物业乱收停车费", "物业费上涨没有公示", "物业不修电梯", "公司拖欠工资三个月", "老板不交社保",
             "加班没有加班费"]
    labels = ["城乡建设"] * 3 + ["劳动和社会保障"] * 3
    model = ComplaintClassifier(min_df=1, calibration_folds=3).fit(texts, labels)
    assert model.predict_proba(["物业不修电梯"]).shape == (1, 2)
    assert model.predict(["公司拖欠工资三个月"])[0] == "劳动和社会保障"
