from zhtext.segment import Segmenter, default_segmenter, detokenize


def test_domain_dictionary_keeps_government_terms_whole():
    tokens = default_segmenter().tokens("我想咨询不动产登记和住房公积金提取")
    assert "不动产登记" in tokens
    assert "住房公积金" in tokens


def test_stop_words_and_punctuation_are_dropped():
    tokens = default_segmenter().tokens("我们小区的物业费，为什么又涨了？")
    assert "的" not in tokens and "我们" not in tokens and "，" not in tokens
    assert "物业费" in tokens


def test_cut_keeps_stop_words_for_callers_that_need_every_token():
    assert "的" in default_segmenter().cut("小区的物业费")


def test_default_segmenter_is_built_once():
    assert default_segmenter() is default_segmenter()


def test_segmenter_accepts_its_own_words():
    segmenter = Segmenter(user_words=[("青山区政务服务中心", 5000, "ns")], stopwords=[])
    assert "青山区政务服务中心" in segmenter.tokens("去青山区政务服务中心办事")


def test_detokenize_joins_chinese_and_keeps_ascii_words_apart():
    assert detokenize("A3 区 物业 违规 ETC app") == "A3区物业违规ETC app"
