import numpy as np
import pytest

from classifier.ticket_type import TicketTypeClassifier, cross_validate, load_typed_orders
from core.errors import DataError
from tests.helpers import SAMPLE


@pytest.fixture(scope="module")
def orders():
    return load_typed_orders(SAMPLE / "work_orders_typed.csv")


def test_typed_orders_load_with_title_and_body_joined(orders):
    assert len(orders) == 40
    assert {o.label for o in orders} == {"投诉", "咨询", "建议", "举报", "求助"}
    assert orders[0].text.startswith("小区旁河道发黑发臭。")


def test_file_without_the_type_column_is_an_error_naming_it(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("id,标题,投诉件内容\n1,河道发臭,河水发黑\n", encoding="utf-8")
    with pytest.raises(DataError, match="性质"):
        load_typed_orders(path)


def test_prior_correction_favours_rare_types(orders):
    texts, labels = [o.text for o in orders], [o.label for o in orders]
    plain = TicketTypeClassifier(prior_alpha=0.0).fit(texts, labels)
    corrected = TicketTypeClassifier(prior_alpha=1.0).fit(texts, labels)
    rare = {"咨询", "建议", "举报", "求助"}
    queries = ["河道什么时候治理好", "河边很脏", "有人往河里倒东西", "河水有味道"]
    assert sum(p in rare for p in corrected.predict(queries)) >= sum(p in rare for p in plain.predict(queries))
    assert np.allclose(plain.predict_proba(queries), corrected.predict_proba(queries))


def test_a_question_is_suggested_as_a_consultation(orders):
    model = TicketTypeClassifier().fit([o.text for o in orders], [o.label for o in orders])
    label, probability = model.suggest("请问河道清淤什么时候开始？会不会停水？")
    assert label == "咨询" and 0 < probability <= 1


def test_cross_validation_reports_macro_f1(orders):
    result = cross_validate(orders, folds=2)
    assert result["n"] == 40 and 0 <= result["macro_f1"] <= 1
