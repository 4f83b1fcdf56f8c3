import json

import pytest
from openpyxl import Workbook

from classifier.dataset import fingerprint, load_examples, load_many
from core.errors import DataError
from tests.helpers import SAMPLE

HEADER = ["留言编号", "留言主题", "留言详情", "一级标签"]


def write_csv(path, rows, header=HEADER):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_sample_training_file_loads_with_labels(sample_train):
    assert len(sample_train) > 150
    assert {e.label for e in sample_train} == {
        "城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生"}


def test_title_and_body_are_joined(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["1", "路灯不亮", "滨江路路灯坏了", "城乡建设"]])
    assert load_examples(path)[0].text == "路灯不亮。滨江路路灯坏了"


def test_title_or_body_alone_is_enough(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["1", "", "滨江路路灯坏了", "城乡建设"], ["2", "油烟扰民", "", "环境保护"]])
    assert [e.text for e in load_examples(path)] == ["滨江路路灯坏了", "油烟扰民"]


def test_row_with_neither_title_nor_body_is_an_error_naming_the_row(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["1", "油烟扰民", "", "环境保护"], ["2", "", "", "环境保护"]])
    with pytest.raises(DataError, match="第 3 行"):
        load_examples(path)


def test_alternative_label_column_is_accepted(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["1", "油烟扰民", "", "环境保护"]],
                     header=["留言编号", "留言主题", "留言详情", "一级分类"])
    assert load_examples(path)[0].label == "环境保护"


def test_missing_label_column_is_an_error_naming_it(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["1", "油烟扰民", "烧烤店"]], header=["留言编号", "留言主题", "留言详情"])
    with pytest.raises(DataError, match="一级标签"):
        load_examples(path)


def test_unlabelled_file_loads_when_labels_are_not_required(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["1", "油烟扰民", "烧烤店"]], header=["留言编号", "留言主题", "留言详情"])
    assert load_examples(path, require_label=False)[0].label is None


def test_missing_text_columns_is_an_error_naming_them(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["1", "环境保护"]], header=["留言编号", "一级标签"])
    with pytest.raises(DataError, match="留言主题"):
        load_examples(path)


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="没有数据行"):
        load_examples(path)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(DataError, match="文件不存在"):
        load_examples(tmp_path / "nope.csv")


def test_unsupported_suffix_is_an_error(tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("油烟扰民", encoding="utf-8")
    with pytest.raises(DataError, match=".txt"):
        load_examples(path)


def test_pre_tokenized_rows_are_rejoined_for_the_same_segmentation_as_raw_text(tmp_path):
    path = tmp_path / "tok.csv"
    path.write_text("row_id,text_tokens,label_level1\n7,小区 物业 乱收 停车费 A3 区,城乡建设\n", encoding="utf-8")
    example = load_examples(path)[0]
    assert (example.id, example.text, example.label) == ("7", "小区物业乱收停车费A3区", "城乡建设")


def test_jsonl_file_loads(tmp_path):
    path = tmp_path / "m.jsonl"
    rows = [{"留言编号": 1, "留言主题": "公交拒载", "留言详情": "18路不停站", "一级标签": "交通运输"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    assert load_examples(path)[0].label == "交通运输"


def test_malformed_jsonl_is_an_error(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"留言主题": "公交拒载"\n', encoding="utf-8")
    with pytest.raises(DataError, match="无法读取"):
        load_examples(path)


def test_xlsx_file_loads(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([101, "学校违规补课", "周末集体补课收费", "教育文体"])
    sheet.append([None, None, None, None])
    path = tmp_path / "m.xlsx"
    book.save(path)
    examples = load_examples(path)
    assert [(e.id, e.label) for e in examples] == [("101", "教育文体")]


def test_personal_data_is_masked_at_load_time(tmp_path):
    path = write_csv(tmp_path / "m.csv",
                     [["1", "欠薪", "老板电话13812345678，我的身份证43010219900101123X", "劳动和社会保障"]])
    text = load_examples(path)[0].text
    assert "13812345678" not in text and "43010219900101123X" not in text
    assert "[手机号]" in text and "[身份证号]" in text


def test_fingerprint_changes_with_labels(sample_train):
    changed = [sample_train[0].__class__(sample_train[0].id, sample_train[0].text, "其他")] + sample_train[1:]
    assert fingerprint(sample_train) == fingerprint(list(sample_train))
    assert fingerprint(sample_train) != fingerprint(changed)


def test_several_files_load_in_order():
    both = load_many([SAMPLE / "messages_train.csv", SAMPLE / "messages_test.csv"])
    assert both[0].id.startswith("S") and len(both) > 200
