from zhtext.normalize import normalize
from zhtext.privacy import ID_MASK, LANDLINE_MASK, MOBILE_MASK, mask_personal_data


def test_mobile_number_is_masked():
    assert mask_personal_data("我的电话13812345678请回电") == f"我的电话{MOBILE_MASK}请回电"


def test_mobile_number_with_country_code_and_separators_is_masked():
    assert mask_personal_data("联系+86 138-1234-5678") == f"联系{MOBILE_MASK}"


def test_already_masked_mobile_number_gets_the_same_placeholder():
    assert mask_personal_data("手机138********") == f"手机{MOBILE_MASK}"


def test_resident_id_number_is_masked_including_x_check_digit():
    assert mask_personal_data("身份证号43010219900101123X") == f"身份证号{ID_MASK}"


def test_full_width_id_number_is_masked_after_normalisation():
    assert mask_personal_data(normalize("身份证４３０１０２１９９００１０１１２３４")) == f"身份证{ID_MASK}"


def test_landline_with_area_code_is_masked():
    assert mask_personal_data("座机0731-88886666") == f"座机{LANDLINE_MASK}"


def test_ordinary_numbers_are_kept():
    text = "拖欠工资3个月共计12000元，2019年5月入职，15栋1203室"
    assert mask_personal_data(text) == text
