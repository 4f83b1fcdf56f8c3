"""The WeChat reply ledger keeps memory bounded: finished messages and unclaimed late answers expire."""

import asyncio

from wechat.ledger import ReplyLedger


async def _answer(text: str) -> str:
    return text


def test_a_late_answer_is_given_once_to_its_user():
    async def scenario() -> list[list[str]]:
        ledger = ReplyLedger()
        task = asyncio.create_task(_answer("护照需带身份证"))
        ledger.add("m1", "oUser", task)
        ledger.keep_when_done("m1")
        await task
        await asyncio.sleep(0)
        return [ledger.take_late("oUser"), ledger.take_late("oUser")]

    assert asyncio.run(scenario()) == [["护照需带身份证"], []]


def test_unclaimed_late_answers_and_old_messages_are_forgotten():
    async def scenario() -> tuple[int, int]:
        ledger = ReplyLedger(ttl_seconds=0, late_ttl_seconds=0)
        task = asyncio.create_task(_answer("稍后的答复"))
        ledger.add("m1", "oGone", task)
        ledger.keep_when_done("m1")
        await task
        await asyncio.sleep(0.01)
        ledger.add("m2", "oOther", asyncio.create_task(_answer("x")))  # adding expires what is old
        return ledger.sizes()

    assert asyncio.run(scenario()) == (1, 0)


def test_two_holding_replies_for_one_message_owe_its_answer_once():
    async def scenario() -> list[str]:
        ledger = ReplyLedger()
        task = asyncio.create_task(_answer("一次就好"))
        ledger.add("m1", "oUser", task)
        ledger.keep_when_done("m1")
        ledger.keep_when_done("m1")  # WeChat's retry of m1 timed out too
        await task
        await asyncio.sleep(0)
        return ledger.take_late("oUser")

    assert asyncio.run(scenario()) == ["一次就好"]
