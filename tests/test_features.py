import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from classifier.features import NgramTfidf
from zhtext.segment import default_segmenter


@pytest.fixture(scope="module")
def token_lists(sample_train) -> list[list[str]]:
    return [default_segmenter().tokens(e.text) for e in sample_train]


def two_vectorizers(min_df: int) -> FeatureUnion:
    """The features as scikit-learn's vectorizers compute them from space-joined tokens."""
    common = {"sublinear_tf": True, "min_df": min_df, "dtype": np.float32}
    return FeatureUnion([
        ("word", TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), **common)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), **common)),
    ])


def test_one_pass_gives_the_same_matrix_as_two_vectorizers(token_lists):
    reference = two_vectorizers(min_df=2)
    expected = reference.fit_transform([" ".join(t) for t in token_lists])
    ours = NgramTfidf(min_df=2)
    features = ours.fit_transform(token_lists)
    assert list(ours.get_feature_names_out()) == list(reference.get_feature_names_out())
    assert abs(features - expected).max() < 1e-6


@pytest.mark.parametrize("batch", [1, 3, 40])
def test_transform_matches_on_single_tickets_and_batches(token_lists, batch):
    train, new = token_lists[:150], token_lists[150:]
    reference = two_vectorizers(min_df=1).fit([" ".join(t) for t in train])
    ours = NgramTfidf(min_df=1).fit(train)
    for start in range(0, len(new), batch):
        chunk = new[start : start + batch]
        expected = reference.transform([" ".join(t) for t in chunk])
        assert abs(ours.transform(chunk) - expected).max() < 1e-6


def test_unseen_words_still_count_their_known_characters():
    features = NgramTfidf(min_df=1).fit([["物业", "收费"], ["停车", "收费"]])
    row = features.transform([["物价"]])
    names = features.get_feature_names_out()[row.indices]
    assert "char__物" in names and "word__物价" not in names


def test_letters_are_lowercased_like_the_vectorizers():
    features = NgramTfidf(min_df=1).fit([["ETC", "办理"], ["etc", "充值"]])
    assert abs(features.transform([["ETC"]]) - features.transform([["etc"]])).max() == 0


def test_memos_are_not_pickled_and_refill_after_loading(token_lists):
    features = NgramTfidf(min_df=1).fit(token_lists)
    before = features.transform(token_lists[:5])
    copy = pickle.loads(pickle.dumps(features))
    assert not hasattr(copy, "_codes")
    assert abs(copy.transform(token_lists[:5]) - before).max() == 0


def test_follows_the_scikit_learn_api():
    features = NgramTfidf(word_ngram_range=(1, 3), min_df=1)
    assert clone(features).get_params() == features.get_params()
    with pytest.raises(ValueError):
        NgramTfidf(word_ngram_range=(1, 4)).fit([["路灯", "不亮"]])


@pytest.mark.parametrize("batch", [1, 3, 40])
def test_scores_from_counts_equal_the_tf_idf_matrix_times_the_weights(token_lists, batch):
    features = NgramTfidf(min_df=1).fit(token_lists[:150])
    weights = np.random.default_rng(0).normal(size=(len(features.idf_), 4))
    new = token_lists[150 : 150 + batch]
    expected = features.transform(new) @ weights
    scores = features.linear_scores(features.count_parts(new), features.fold(weights))
    assert np.allclose(scores, expected, atol=1e-4)
