import pytest

from classifier.taxonomy import Taxonomy
from core.errors import DataError
from tests.helpers import SAMPLE


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.from_file(SAMPLE / "taxonomy.csv")


def test_sample_taxonomy_has_the_seven_first_level_categories(taxonomy):
    assert len(taxonomy.level1_names) == 7


def test_level_three_candidate_is_found_from_the_words_of_the_message(taxonomy):
    candidates = taxonomy.candidates("环境保护", "楼下烧烤店没有油烟净化设备，餐饮油烟直排")
    assert candidates[0].level3 == "餐饮油烟"
    assert "油烟" in candidates[0].evidence


def test_candidates_are_marked_rule_based_and_ranked(taxonomy):
    candidates = taxonomy.candidates("劳动和社会保障", "公司拖欠工资，还不签劳动合同")
    assert all(c.method == "rule" for c in candidates)
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    assert {c.level3 for c in candidates} >= {"拖欠工资", "劳动合同"}


def test_candidates_stay_within_the_given_first_level(taxonomy):
    candidates = taxonomy.candidates("交通运输", "拖欠工资")
    assert candidates == []


def test_taxonomy_without_required_columns_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("一级分类,二级分类\n城乡建设,安全生产\n", encoding="utf-8")
    with pytest.raises(DataError, match="三级分类"):
        Taxonomy.from_file(path)
