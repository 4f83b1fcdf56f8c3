"""The learned gazetteer ties streets, towns, communities and estates to their district."""

from __future__ import annotations

from routing.departments.gazetteer import LearnedGazetteer, Observation
from routing.departments.units import Unit

OBSERVATIONS = [
    Observation("A3区洋湖街道翠湖家园小区门口垃圾没人清运"),
    Observation("A3区洋湖街道的路灯坏了一个月", unit=Unit("A3区", "街道/乡镇", "洋湖街道")),
    Observation("翠湖家园小区停车位被占", reply="已转洋湖街道办事处核查办理",
                unit=Unit("A3区", "街道/乡镇", "洋湖街道")),
    Observation("A7县安沙镇和平村的道路坑洼不平"),
    Observation("A7县安沙镇和平村村民建房审批慢"),
    Observation("A2区金桂社区噪音扰民"),
    Observation("A5区金桂社区垃圾站臭气"),
]


def learned() -> LearnedGazetteer:
    return LearnedGazetteer(min_count=2).fit(OBSERVATIONS)


def test_a_street_seen_with_its_district_is_tied_to_it():
    assert learned().places["洋湖街道"]["district"] == "A3区"


def test_an_estate_is_tied_to_its_district_and_the_street_named_beside_it():
    entry = learned().places["翠湖家园小区"]
    assert (entry["district"], entry["street"]) == ("A3区", "洋湖街道")


def test_towns_villages_and_the_stems_people_write_alone_are_learned():
    places = learned().places
    assert places["安沙镇"]["district"] == "A7县"
    assert places["和平村"]["district"] == "A7县"
    assert places["安沙"]["kind"] == "地名"


def test_a_name_shared_by_two_districts_is_left_out():
    assert "金桂社区" not in learned().places


def test_a_place_seen_once_is_left_out():
    gazetteer = LearnedGazetteer(min_count=2).fit([Observation("A4区望月湖街道的井盖丢了")])
    assert gazetteer.places == {}


def test_places_are_found_in_text_without_a_district_name():
    hits = learned().locate("翠湖家园小区的电梯又坏了")
    assert [(h.name, h.district, h.street) for h in hits] == [("翠湖家园小区", "A3区", "洋湖街道")]


def test_a_street_label_without_district_is_completed_from_the_gazetteer():
    assert learned().complete(Unit(None, "街道/乡镇", "洋湖街道")) == Unit("A3区", "街道/乡镇", "洋湖街道")


def test_the_gazetteer_is_saved_as_readable_yaml_and_read_back(tmp_path):
    path = tmp_path / "gazetteer.yml"
    learned().save(path)
    assert "洋湖街道" in path.read_text(encoding="utf-8")
    assert LearnedGazetteer.load(path).places == learned().places
