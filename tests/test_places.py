"""属地: the place extractor finds what spaCy's EntityRuler finds on the same gazetteer-aware tokens,
without a spaCy pipeline per order."""

import pytest

from routing.places import LABELS, PlaceExtractor, ruler_pipeline
from routing.settings import RouterSettings

SENTENCES = [
    "河西街道翠竹园社区门口的垃圾没人清运",
    "河西街道办说这事归湖滨街道管，湖滨路上的路灯也坏了",
    "青山区建设路和河西大道交叉口积水严重",
    "在建设路段施工的工地晚上十点后还在打桩",
    "城北新区创业路  绿洲社区 电梯停运",
    " 纺织厂社区旁边滨江东路的井盖丢了",
    "红星村村口到马家湾村的路坑坑洼洼",
    "望城路望城街道办望城路",
    "这条消息没有提到任何地名",
    "",
]


@pytest.fixture(scope="module", params=["one-token names", "token runs"])
def extractor(request):
    """The extractor, and the same one matching runs of tokens (the path for a name its segmenter splits)."""
    places = PlaceExtractor(RouterSettings().gazetteer)
    if request.param == "token runs":
        places._single = None
    return places


@pytest.fixture(scope="module")
def spacy_ruler(extractor):
    patterns = [{"label": "DISTRICT", "pattern": extractor.district}]
    import yaml

    data = yaml.safe_load(RouterSettings().gazetteer.read_text(encoding="utf-8"))
    for street in data["streets"]:
        for label, values in {"STREET": [street["name"], *street.get("aliases", [])],
                              "COMMUNITY": street.get("communities", []), "ROAD": street.get("roads", [])}.items():
            patterns += [{"label": label, "pattern": value} for value in values]
    return ruler_pipeline(patterns)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_the_places_found_are_those_the_entity_ruler_finds(extractor, spacy_ruler, sentence):
    expected = [(ent.text, LABELS[ent.label_]) for ent in spacy_ruler(sentence).ents]
    assert [(p.text, p.kind) for p in extractor.extract(sentence)] == expected


def test_the_longest_name_wins_and_each_place_knows_its_street_office(extractor):
    places = extractor.extract("河西街道办说这事归湖滨街道管")
    assert [(p.text, p.office) for p in places] == [("河西街道办", "street_hexi"), ("湖滨街道", "street_hubin")]
    assert extractor.street_office("幸福路上的路灯坏了") is None
