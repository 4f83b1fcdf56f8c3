"""The closed loop as an explicit state machine: 受理 → 转办 → 办理 → 反馈 → 办结.

Plus 退单 (a department returns the order to the dispatch queue), reassignment, and reopening
after an unsatisfied rating. A department's reply that a reply check flags as poor is held: the
order stays 办理 until an operator releases the reply to the citizen (``RELEASE``) or sends it back.
Anything not in ``TRANSITIONS`` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "受理"
    DISPATCHED = "转办"
    PROCESSING = "办理"
    REPLIED = "反馈"
    CLOSED = "办结"


class Action(StrEnum):
    DISPATCH = "dispatch"      # operator confirms or overrides the suggestion, or auto-dispatch
    REASSIGN = "reassign"      # operator moves the order to another department
    ACCEPT = "accept"          # department takes the order on
    RETURN = "return"          # 退单: department says it is not theirs
    REPLY = "reply"            # department answers the citizen
    RELEASE = "release"        # operator lets a held reply go to the citizen
    CLOSE = "close"            # citizen satisfied, or operator closes after 回访
    REOPEN = "reopen"          # citizen not satisfied: back to the department


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status


TRANSITIONS: dict[Action, Transition] = {
    Action.DISPATCH: Transition(frozenset({Status.RECEIVED}), Status.DISPATCHED),
    Action.REASSIGN: Transition(frozenset({Status.DISPATCHED, Status.PROCESSING}), Status.DISPATCHED),
    Action.ACCEPT: Transition(frozenset({Status.DISPATCHED}), Status.PROCESSING),
    Action.RETURN: Transition(frozenset({Status.DISPATCHED, Status.PROCESSING}), Status.RECEIVED),
    Action.REPLY: Transition(frozenset({Status.PROCESSING}), Status.REPLIED),
    Action.RELEASE: Transition(frozenset({Status.PROCESSING}), Status.REPLIED),
    Action.CLOSE: Transition(frozenset({Status.REPLIED}), Status.CLOSED),
    Action.REOPEN: Transition(frozenset({Status.REPLIED, Status.CLOSED}), Status.PROCESSING),
}


class IllegalTransition(Exception):
    """The action is not allowed in the order's current state (HTTP 409)."""

    def __init__(self, current: Status, action: Action) -> None:
        allowed = "、".join(s.value for s in sorted(TRANSITIONS[action].sources))
        self.zh = f"工单当前状态为「{current.value}」，不能执行「{action.value}」（仅限：{allowed}）"
        self.en = f"cannot {action.value} an order in state {current.name}"
        super().__init__(f"{self.zh} / {self.en}")


def next_status(current: Status, action: Action) -> Status:
    """The state after ``action``, or IllegalTransition."""
    transition = TRANSITIONS[action]
    if current not in transition.sources:
        raise IllegalTransition(current, action)
    return transition.target
