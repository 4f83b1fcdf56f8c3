import pytest

from routing.lifecycle import Action, IllegalTransition, Status, next_status


@pytest.mark.parametrize(
    "current, action, expected",
    [
        (Status.RECEIVED, Action.DISPATCH, Status.DISPATCHED),
        (Status.DISPATCHED, Action.ACCEPT, Status.PROCESSING),
        (Status.PROCESSING, Action.REPLY, Status.REPLIED),
        (Status.REPLIED, Action.CLOSE, Status.CLOSED),
        (Status.DISPATCHED, Action.RETURN, Status.RECEIVED),
        (Status.PROCESSING, Action.RETURN, Status.RECEIVED),
        (Status.REPLIED, Action.REOPEN, Status.PROCESSING),
        (Status.CLOSED, Action.REOPEN, Status.PROCESSING),
        (Status.PROCESSING, Action.REASSIGN, Status.DISPATCHED),
    ],
)
def test_legal_transitions(current, action, expected):
    assert next_status(current, action) == expected


@pytest.mark.parametrize(
    "current, action",
    [
        (Status.RECEIVED, Action.ACCEPT),
        (Status.RECEIVED, Action.REPLY),
        (Status.DISPATCHED, Action.REPLY),
        (Status.CLOSED, Action.DISPATCH),
        (Status.CLOSED, Action.RETURN),
        (Status.REPLIED, Action.RETURN),
    ],
)
def test_illegal_transitions_are_refused_with_a_chinese_message(current, action):
    with pytest.raises(IllegalTransition, match="不能执行"):
        next_status(current, action)
