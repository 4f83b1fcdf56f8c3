from datetime import datetime

import pytest
import yaml

from routing.places import PlaceExtractor
from routing.settings import CONFIG_DIR
from routing.sla import load_sla_table
from routing.table import RoutingTableError, load_routing_table


def write(tmp_path, data) -> str:
    path = tmp_path / "table.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_sample_routing_table_covers_the_seven_categories():
    table = load_routing_table(CONFIG_DIR / "routing_table.yml")
    assert len(table.categories) == 7
    assert all(any(r.default for r in table.routes_for(c)) for c in table.categories)


def test_route_to_an_unknown_department_is_an_error_naming_it(tmp_path):
    data = {"departments": {"zjj": {"name": "住建局", "kind": "bureau"}},
            "routes": [{"category": "城乡建设", "default": True, "department": "xyz", "clause": "……"}]}
    with pytest.raises(RoutingTableError, match="xyz"):
        load_routing_table(write(tmp_path, data))


def test_route_without_a_responsibility_clause_is_an_error(tmp_path):
    data = {"departments": {"zjj": {"name": "住建局", "kind": "bureau"}},
            "routes": [{"category": "城乡建设", "default": True, "department": "zjj"}]}
    with pytest.raises(RoutingTableError, match="clause"):
        load_routing_table(write(tmp_path, data))


def test_route_without_tags_must_be_the_default(tmp_path):
    data = {"departments": {"zjj": {"name": "住建局", "kind": "bureau"}},
            "routes": [{"category": "城乡建设", "department": "zjj", "clause": "……"}]}
    with pytest.raises(RoutingTableError, match="tags"):
        load_routing_table(write(tmp_path, data))


def test_missing_routing_table_is_a_clear_error(tmp_path):
    with pytest.raises(RoutingTableError, match="not found"):
        load_routing_table(tmp_path / "nope.yml")


def test_sla_deadlines_depend_on_type_and_urgency():
    sla = load_sla_table(CONFIG_DIR / "sla.yml")
    received = datetime(2026, 3, 2, 9, 0)
    normal = sla.deadlines_for("投诉", "普通", received)
    urgent = sla.deadlines_for("投诉", "紧急", received)
    assert urgent[1] < normal[1]
    assert normal[0] < normal[1]


def test_incomplete_sla_table_is_refused(tmp_path):
    path = tmp_path / "sla.yml"
    path.write_text("types: [投诉]\nurgencies: [普通, 紧急]\n"
                    "deadlines:\n  投诉: {普通: {response_hours: 1, completion_hours: 2}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="投诉/紧急"):
        load_sla_table(path)


@pytest.fixture(scope="module")
def places() -> PlaceExtractor:
    return PlaceExtractor(CONFIG_DIR / "gazetteer.yml")


def test_street_community_and_road_are_extracted(places):
    found = {(p.text, p.kind) for p in places.extract("青山区河西街道翠竹园社区6栋，靠近枫林路")}
    assert {("河西街道", "街道"), ("翠竹园社区", "社区"), ("枫林路", "道路"), ("青山区", "区")} <= found


def test_a_road_leads_to_its_street_office(places):
    place = places.street_office("滨江东路的路灯坏了半个月")
    assert (place.text, place.street, place.office) == ("滨江东路", "湖滨街道", "street_hubin")


def test_text_without_known_places_has_no_street_office(places):
    assert places.street_office("我想咨询养老保险转移") is None
