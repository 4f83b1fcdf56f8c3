import numpy as np

from zhtext.document import Document
from zhtext.segment import Segmenter, default_segmenter


def test_text_is_normalised_and_masked_once_when_the_document_is_made():
    doc = Document.from_text("您好，我的手机１３８１２３４５６７８，楼下烧烤店油烟很大")
    assert "13812345678" not in doc.text and "[手机号]" in doc.text
    assert not doc.text.startswith("您好")


def test_tokens_are_the_content_words_of_one_cut():
    doc = Document.from_text("小区的物业费为什么又涨了？")
    assert "的" in doc.words and "?" in doc.words  # NFKC made the full-width mark ASCII
    assert doc.tokens == tuple(w for w in doc.words if w in doc.tokens)
    assert "的" not in doc.tokens and "物业费" in doc.tokens


def test_segmentation_happens_at_most_once():
    doc = Document.from_text("老旧小区加装电梯进展缓慢")
    assert doc.words is doc.words
    assert doc.tokens is doc.tokens


def test_only_the_first_max_chars_are_segmented():
    doc = Document.from_text("物业乱收费" * 100, max_chars=10)
    assert len("".join(doc.words)) == 10
    assert len(doc.text) == 500


def test_stored_clean_text_can_be_wrapped_without_cleaning_again():
    doc = Document("[手机号]反映路灯不亮")
    assert doc.text == "[手机号]反映路灯不亮"
    assert doc.segmenter is default_segmenter()


def test_classifier_gives_documents_and_strings_the_same_answer(trained_model):
    texts = ["小区楼下烧烤店油烟很大", "公司拖欠工资三个月"]
    docs = [Document.from_text(t) for t in texts]
    assert np.allclose(trained_model.predict_proba(docs), trained_model.predict_proba(texts))
    assert trained_model.analyse(docs)[0][0].label == trained_model.analyse(texts)[0][0].label


def test_classifier_recuts_a_document_cut_with_another_dictionary(trained_model):
    other = Segmenter(user_words=[("烧烤店油烟", 100000, "n")], stopwords=[])
    doc = Document.from_text("小区楼下烧烤店油烟很大", segmenter=other)
    assert "烧烤店油烟" in doc.tokens
    assert "烧烤店油烟" not in trained_model.tokenize([doc])[0].split()
    assert np.allclose(trained_model.predict_proba([doc]), trained_model.predict_proba(["小区楼下烧烤店油烟很大"]))
