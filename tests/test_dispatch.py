import pytest

from classifier.model import Evidence, LabelScore
from routing.dispatch import Dispatcher
from routing.places import PlaceExtractor
from routing.settings import CONFIG_DIR
from routing.table import load_routing_table


@pytest.fixture(scope="module")
def dispatcher() -> Dispatcher:
    table = load_routing_table(CONFIG_DIR / "routing_table.yml")
    return Dispatcher(table, PlaceExtractor(CONFIG_DIR / "gazetteer.yml"), 0.8)


def scores(*pairs):
    return [LabelScore(label, p, [Evidence("物业", 0.5)]) for label, p in pairs]


def test_tag_match_sends_the_order_to_the_responsible_bureau_with_its_clause(dispatcher):
    top = dispatcher.suggest("小区物业乱收停车费", scores(("城乡建设", 0.9), ("商贸旅游", 0.1)))[0]
    assert top.department == "zjj"
    assert "物业" in top.evidence["tags"]
    assert "住建局权责清单" in top.evidence["clause"]
    assert top.evidence["category"] == "城乡建设"


def test_street_level_matter_goes_to_the_street_office_of_the_place(dispatcher):
    suggestions = dispatcher.suggest("河西街道翠竹园楼顶违章建筑", scores(("城乡建设", 0.95)))
    assert suggestions[0].department == "street_hexi"
    assert suggestions[0].evidence["place"] == "河西街道"
    assert "cgj" in [s.department for s in suggestions]


def test_without_a_tag_the_category_default_department_is_suggested(dispatcher):
    top = dispatcher.suggest("孩子学校的事情想反映一下", scores(("教育文体", 0.8)))[0]
    assert top.department == "jyj"


def test_scores_are_probabilities_ranked_and_at_most_three(dispatcher):
    suggestions = dispatcher.suggest("公司拖欠工资，医保也断缴了",
                                     scores(("劳动和社会保障", 0.7), ("卫生计生", 0.2), ("商贸旅游", 0.1)))
    assert len(suggestions) == 3
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert sum(s.score for s in suggestions) <= 1.0 + 1e-9


def test_auto_dispatch_needs_the_threshold(dispatcher):
    assert dispatcher.should_auto_dispatch_score(0.85)
    assert not dispatcher.should_auto_dispatch_score(0.79)


def test_a_default_route_guessed_without_any_tag_does_not_reach_auto_dispatch(dispatcher):
    top = dispatcher.suggest("我们这里的房子有点问题想反映", scores(("城乡建设", 0.99)))[0]
    assert top.department == "zjj" and not top.evidence["tags"]
    assert not dispatcher.should_auto_dispatch_score(top.score)


def test_a_category_with_a_single_route_keeps_its_full_probability(dispatcher):
    top = dispatcher.suggest("医院排队太久", scores(("卫生计生", 0.9)))[0]
    assert (top.department, top.score) == ("wjw", 0.9)


def test_illegal_building_wording_reaches_the_street_office(dispatcher):
    top = dispatcher.suggest("河西街道翠竹园6栋楼顶违章搭建彩钢房", scores(("城乡建设", 0.99)))[0]
    assert top.department == "street_hexi"
