from zhtext.normalize import normalize


def test_full_width_letters_and_digits_become_half_width():
    assert normalize("ＡＢＣ１２３号楼") == "ABC123号楼"


def test_greetings_and_thanks_are_removed():
    assert normalize("你好:枫林路的井盖丢了三天。谢谢!") == "枫林路的井盖丢了三天。"


def test_whitespace_and_excel_line_breaks_collapse_to_single_spaces():
    assert normalize("路灯坏了_x000d_\n\n  请维修\t\u3000尽快") == "路灯坏了 请维修 尽快"


def test_empty_text_stays_empty():
    assert normalize("") == ""
    assert normalize("   ") == ""
