import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext.normalize import _nfkc, normalize


def test_full_width_letters_and_digits_become_half_width():
    assert normalize("ＡＢＣ１２３号楼") == "ABC123号楼"


def test_greetings_and_thanks_are_removed():
    assert normalize("你好:枫林路的井盖丢了三天。谢谢!") == "枫林路的井盖丢了三天。"


def test_whitespace_and_excel_line_breaks_collapse_to_single_spaces():
    assert normalize("路灯坏了_x000d_\n\n  请维修\t\u3000尽快") == "路灯坏了 请维修 尽快"


def test_empty_text_stays_empty():
    assert normalize("") == ""
    assert normalize("   ") == ""


# Full-width forms beside combining marks, compatibility characters (①, ㎡, ﬁ) and Chinese.
WIDTH_TEXT = st.text(alphabet=st.one_of(st.characters(min_codepoint=0xFF01, max_codepoint=0xFF9F),
                                        st.sampled_from("\u3000\u0301\u0308\u3099①㎡ﬁÅ小区物业，。A1 "),
                                        st.characters()), max_size=30)


@settings(max_examples=1000, deadline=None)
@given(text=WIDTH_TEXT)
def test_the_full_width_shortcut_gives_exactly_nfkc(text):
    assert _nfkc(text) == unicodedata.normalize("NFKC", text)
