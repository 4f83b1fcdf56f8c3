"""A complaint taken back inside the form, in a longer sentence and in the citizen's own words, is not
filed: a negation over the form's own act (登记, 提交, 报上去) withdraws it; declining a detail or asking
about one does not.

Run with rasa-sdk's CollectingDispatcher against the stand-in service (conftest.py)."""

from __future__ import annotations

import pytest
from test_conversation_repairs import in_form, left_the_form, run, slots_set, texts

from actions.complaint import ValidateComplaintForm


@pytest.mark.parametrize("said", ["唉，还是别帮我登记了，楼上楼下的不好弄", "不用给我报上去了，我去跟物业说",
                                  "先别提交，我跟家里人商量一下"])
def test_taking_the_complaint_back_in_a_longer_sentence_at_the_phone_step_files_nothing(service, dispatcher, said):
    events = run(ValidateComplaintForm(), dispatcher, in_form("complaint_form", "contact", said))
    assert left_the_form(events) and slots_set(events)["contact"] is None
    assert texts(dispatcher)[0].startswith("好的，已取消，没有提交任何工单。")


@pytest.mark.parametrize("said", ["不用记录我的电话吧", "不登记电话可以吗"])
def test_declining_a_detail_or_asking_about_it_does_not_take_the_complaint_back(service, dispatcher, said):
    events = run(ValidateComplaintForm(), dispatcher, in_form("complaint_form", "contact", said))
    assert not left_the_form(events)
