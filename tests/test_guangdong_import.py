"""The official-export importer maps what it can and reports what it cannot."""

import pytest

from core.errors import DataError
from service_guide.guangdong import import_guangdong
from service_guide.loader import load_catalogue

SAMPLE = "sample_data/guangdong_service_guides.jsonl"


@pytest.fixture(scope="module")
def report():
    return import_guangdong(SAMPLE)


def test_good_lines_become_items_of_the_same_model(report):
    item = report.catalogue.item("SAMPLE0000000000000000000000001")
    assert item.name == "失业保险金申领"
    assert item.aliases == ("领失业金", "失业金")
    assert [m.name for m in item.materials] == ["居民身份证", "解除劳动合同证明"]
    assert (item.time_limit.legal_days, item.time_limit.promised_days) == (20, 3)
    assert item.place.hall == "示例市人民路1号政务服务中心"


def test_there_is_no_fee_in_the_export_and_that_is_reported(report):
    assert all(item.fee is None for item in report.catalogue.items.values())
    assert report.summary()["unmapped_fields"]["fee (not in source)"] == len(report.catalogue)


def test_wu_values_are_reported_not_invented(report):
    item = report.catalogue.item("SAMPLE0000000000000000000000002")
    assert item.materials == () and item.place is None and item.conditions == ()
    unmapped = report.summary()["unmapped_fields"]
    assert unmapped["material_intro (无)"] == 2  # lines 2 and 4
    assert unmapped["handle_location (no counter)"] == 2


def test_a_legal_limit_in_other_units_than_the_promise_is_dropped_and_reported(report):
    item = report.catalogue.item("SAMPLE0000000000000000000000003")
    assert item.time_limit.legal_days is None and item.time_limit.promised_days == 3
    assert report.summary()["unmapped_fields"]["handle_time (unit differs from promise)"] == 1


def test_bad_lines_are_skipped_with_their_line_number(report):
    skipped = {n: reason for n, reason in report.skipped}
    assert set(skipped) == {5, 6}
    assert "duplicate" in skipped[6]


def test_a_nameless_item_falls_back_to_task_name(report):
    assert report.catalogue.item("SAMPLE0000000000000000000000004").name == "结婚登记预约"


def test_the_loader_reads_an_export_by_its_extension():
    assert len(load_catalogue(SAMPLE)) == 4


def test_a_missing_export_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="找不到"):
        import_guangdong(tmp_path / "none.jsonl")


def test_everyday_names_service_objects_themes_and_the_parent_catalogue_are_kept(tmp_path):
    from tests.helpers import write_export

    catalogue = write_export(tmp_path, [{
        "matter_name": "建设工程规划类许可证核发（建筑类）", "matter_short": "无",
        "matter_daily": "工程规划许可证核发，建工证",
        "parentCatalogName": "建设工程规划类许可证核发", "service_object_name": ["企业法人", "自然人"],
        "theme_category": ["住房保障"]}])
    item = catalogue.item("T0")
    assert item.aliases == ("工程规划许可证核发", "建工证")
    assert item.catalogue_name == "建设工程规划类许可证核发"
    assert item.service_objects == ("企业法人", "自然人") and item.themes == ("住房保障",)
