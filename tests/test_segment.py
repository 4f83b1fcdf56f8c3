import jieba
import pytest

from zhtext.segment import DictEntry, Segmenter, default_segmenter, detokenize

# Hotline sentences written for these tests; the native segmenter must cut them exactly as jieba 0.42.1 does.
OWN_SENTENCES = [
    "我想咨询不动产登记和住房公积金提取",
    "我们小区的物业费，为什么又涨了？",
    "楼下烧烤店每天营业到凌晨两点，油烟和噪音扰民严重。",
    "公司拖欠我们三个月工资，老板电话也打不通，请劳动监察大队帮忙。",
    "幼儿园收费突然上涨，没有提前告知家长，也没有公示收费标准。",
    "出租车司机拒载，还在机场绕路多收了五十元。",
    "社区医院挂号排队两个小时，医生态度很差，希望卫健委管一管。",
    "河边有工厂夜里偷偷排放黑臭污水，附近居民都闻得到气味。",
    "开发商逾期一年还没办下房产证，业主委员会多次交涉无果。",
    "A3区枫林路的公交站台被占道经营的摊贩围住了，老人上车很不方便。",
    "请问新生儿医保怎么办理？需要带户口本和出生医学证明吗？",
    "景区门票说好半价，到了现场却要全价，导游还强制购物。",
    "去年12月交的垃圾分类押金到现在也没退，打12345也没有回音。",
    "建议在学校门口增设红绿灯和减速带，上下学时段车流量很大。",
]


@pytest.fixture(scope="module")
def jieba_with_domain_words() -> jieba.Tokenizer:
    """jieba itself, loaded with the same domain dictionary as the project's segmenter."""
    tokenizer = jieba.Tokenizer()
    for entry in default_segmenter().user_words:
        tokenizer.add_word(entry.word, entry.freq, entry.tag)
    return tokenizer


@pytest.mark.parametrize("sentence", OWN_SENTENCES)
def test_native_segmenter_cuts_like_jieba(sentence, jieba_with_domain_words):
    expected = [w for w in jieba_with_domain_words.lcut(sentence) if not w.isspace()]
    assert default_segmenter().cut(sentence) == expected


def test_runs_of_digits_joined_by_a_hyphen_stay_whole_unlike_jieba(jieba_with_domain_words):
    # The one known difference: jieba splits 2019-2020 into three tokens, jieba-rs keeps the run.
    assert "2019-2020" in default_segmenter().cut("2019-2020学年的补课费")
    assert "2019-2020" not in jieba_with_domain_words.lcut("2019-2020学年的补课费")


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


def test_content_of_cut_words_is_what_tokens_keeps():
    segmenter = default_segmenter()
    text = "请问小区门口的垃圾站什么时候清运？"
    assert segmenter.content(segmenter.cut(text)) == segmenter.tokens(text)


def test_default_segmenter_is_built_once():
    assert default_segmenter() is default_segmenter()


def test_segmenter_accepts_its_own_words():
    segmenter = Segmenter(user_words=[("青山区政务服务中心", 5000, "ns")], stopwords=[])
    assert "青山区政务服务中心" in segmenter.tokens("去青山区政务服务中心办事")


def test_a_copy_in_another_process_has_the_same_words():
    import pickle

    segmenter = Segmenter(user_words=[DictEntry("翠竹园小区", 3000, "ns")], stopwords=["的"])
    copy = pickle.loads(pickle.dumps(segmenter))
    assert copy.tokens("翠竹园小区的电梯坏了") == segmenter.tokens("翠竹园小区的电梯坏了")


def test_detokenize_joins_chinese_and_keeps_ascii_words_apart():
    assert detokenize("A3 区 物业 违规 ETC app") == "A3区物业违规ETC app"
