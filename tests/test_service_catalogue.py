"""The hand-written 办事指南: loaded and validated once; a broken entry names the item and field."""

import copy

import pytest
import yaml

from service_guide.loader import CatalogueError, catalogue_from_dict, load_catalogue
from service_guide.schema import MaterialForm

CATALOGUE_FILE = "service_guide/data/qingshan_catalogue.yml"


@pytest.fixture(scope="module")
def raw_catalogue():
    with open(CATALOGUE_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE_FILE)


def test_the_sample_district_has_at_least_forty_items_and_some_bundles(catalogue):
    assert len(catalogue) >= 40
    assert {"新生儿出生一件事", "企业开办一件事"} <= {b.name for b in catalogue.bundles.values()}


def test_every_item_says_where_how_long_and_what_it_costs(catalogue):
    for item in catalogue.items.values():
        assert item.materials and item.place and item.fee, item.code
        assert item.time_limit.promised_days is not None, item.code


def test_shared_materials_resolve_with_per_item_overrides(catalogue):
    birth = catalogue.item("QS-GA-001")
    marriage = next(m for m in birth.materials if m.id == "marriage_cert")
    assert marriage.chengnuo and marriage.form == MaterialForm.ORIGINAL
    assert "结婚证书" in marriage.aliases


def test_each_item_has_its_own_application_form(catalogue):
    forms = {m.id for code in ("QS-SC-001", "QS-SC-005") for m in catalogue.item(code).materials
             if m.form == MaterialForm.FORM}
    assert forms == {"application_form@QS-SC-001", "application_form@QS-SC-005"}


def test_a_bundle_asks_for_a_shared_material_once(catalogue):
    checklist = catalogue.checklist(catalogue.bundle("QS-YJS-001").items)
    ids = [e.material.id for e in checklist]
    assert ids.count("hukou_book") == 1
    assert next(e for e in checklist if e.material.id == "hukou_book").items == ("QS-GA-001", "QS-YB-001")


def test_a_certificate_issued_inside_the_bundle_is_not_asked_for(catalogue):
    checklist = catalogue.checklist(catalogue.bundle("QS-YJS-002").items)
    assert "business_license" not in {e.material.id for e in checklist}
    assert "business_license" in {m.id for m in catalogue.item("QS-SW-001").materials}


def test_an_unknown_material_reference_names_the_item_and_field(raw_catalogue):
    broken = copy.deepcopy(raw_catalogue)
    broken["items"][1]["materials"][2] = {"ref": "no_such_material"}
    with pytest.raises(CatalogueError) as error:
        catalogue_from_dict(broken)
    assert "QS-SC-002" in error.value.zh and "materials[2].ref" in error.value.zh


def test_a_promise_longer_than_the_law_is_refused(raw_catalogue):
    broken = copy.deepcopy(raw_catalogue)
    broken["items"][0]["time_limit"] = {"legal_days": 5, "promised_days": 10}
    with pytest.raises(CatalogueError) as error:
        catalogue_from_dict(broken)
    assert "QS-SC-001" in error.value.zh and "time_limit" in error.value.zh


def test_a_duplicate_code_is_refused(raw_catalogue):
    broken = copy.deepcopy(raw_catalogue)
    broken["items"].append(copy.deepcopy(broken["items"][0]))
    with pytest.raises(CatalogueError, match="QS-SC-001"):
        catalogue_from_dict(broken)


def test_a_bundle_naming_an_unknown_item_is_refused(raw_catalogue):
    broken = copy.deepcopy(raw_catalogue)
    broken["bundles"][0]["items"].append("QS-XX-999")
    with pytest.raises(CatalogueError, match="QS-XX-999"):
        catalogue_from_dict(broken)


def test_the_service_refuses_to_start_on_a_broken_catalogue(tmp_path, raw_catalogue):
    from core.settings import DatabaseSettings
    from server.context import AppContext, AppSettings
    from service_guide.settings import GuideSettings

    broken = copy.deepcopy(raw_catalogue)
    del broken["items"][3]["department"]
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    settings = AppSettings(database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'r.db'}"),
                           guide=GuideSettings(catalogue_file=path))
    with pytest.raises(CatalogueError) as error:
        AppContext.build(settings)
    assert "QS-SC-004" in error.value.zh and "department" in error.value.zh
