"""A run killed between writes: the next apply reconciles its journal before sending anything."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from runner.compiler import actions as act
from runner.domain import OrderSide, OrderType
from runner.errors import NotConfirmed
from runner.execute.consent import Prompt, consent
from runner.execute.journal import FINISHED, Journal, read_journal, unfinished_journals
from runner.execute.resume import action_key, already_applied, close_out, inspect, unsettled
from runner.saved_plan import action_to_json
from tests.compiler.fixtures import snapshot
from tests.execute.fake_port import FakePort

HASH = "abc123"


def open_order(cid: str, est: str = "67000") -> act.SubmitOrder:
    return act.SubmitOrder(
        step_index=0,
        summary=f"open long 1 BTCUSDT at ~{est}",
        symbol="BTCUSDT",
        side=OrderSide.OPEN_LONG,
        size=D(1),
        order_type=OrderType.MARKET,
        leverage=D(10),
        margin=act.Margin.ISOLATED,
        cid=cid,
        est_price=D(est),
        runs_every_apply=True,
    )


def transfer(amount: str) -> act.Transfer:
    return act.Transfer(
        step_index=1,
        summary=f"transfer {amount}",
        amount=D(amount),
        to_futures=True,
        runs_every_apply=True,
    )


def dead_run(home: Path, *records: tuple[str, dict[str, object]]) -> None:
    journal = Journal.create(home, "acct", "20261125T000000Z-dead01")
    with journal:
        journal.record("run_start", plan_hash=HASH, nonce="N1N1N1")
        for event, fields in records:
            journal.record(event, **fields)


def test_inspect_separates_done_in_doubt_and_reuses_the_nonce(tmp_path: Path) -> None:
    first, second = open_order("BRAAAAAABBBON1N1N1"), transfer("100")
    dead_run(
        tmp_path,
        ("intent", {"number": 1, "action": action_to_json(first)}),
        ("sent", {"trace": "t1", "order_id": "500"}),
        ("intent", {"number": 2, "action": action_to_json(second)}),
    )
    resume = inspect(unfinished_journals(tmp_path, "acct"), HASH)
    assert resume.nonce == "N1N1N1"
    assert action_key(first) in resume.done
    assert action_key(second) in resume.in_doubt
    # an estimate that moved since does not make it a different write
    assert action_key(open_order("BRAAAAAABBBON1N1N1", est="68000")) == action_key(first)
    assert inspect(unfinished_journals(tmp_path, "acct"), "other-plan").nonce is None


def test_done_action_is_not_sent_again_and_in_doubt_is_checked(tmp_path: Path) -> None:
    order, money = open_order("BRAAAAAABBBON1N1N1"), transfer("100")
    port = FakePort(snapshot())
    port.send(money)  # the dead run's transfer did land; its answer was never journaled
    dead_run(
        tmp_path,
        ("intent", {"number": 1, "action": action_to_json(order)}),
        ("sent", {"trace": "t1", "order_id": "500"}),
        ("intent", {"number": 2, "action": action_to_json(money)}),
    )
    # the journal's intent time is "now" in wall-clock terms; the fake's clock is older
    port.clock_ms = 10**13
    port.transfers[0] = port.transfers[0].__class__("tr0", D(100), True, 10**13, True)
    resume = inspect(unfinished_journals(tmp_path, "acct"), HASH)
    assert "already applied" in (already_applied(port, order, resume, ["BTCUSDT"]) or "")
    assert "found on the exchange" in (already_applied(port, money, resume, ["BTCUSDT"]) or "")
    other = transfer("250")  # never journaled: a genuinely new write
    assert already_applied(port, other, resume, ["BTCUSDT"]) is None


def test_in_doubt_that_did_not_happen_is_sent(tmp_path: Path) -> None:
    money = transfer("100")
    dead_run(tmp_path, ("intent", {"number": 1, "action": action_to_json(money)}))
    resume = inspect(unfinished_journals(tmp_path, "acct"), HASH)
    assert already_applied(FakePort(snapshot()), money, resume, ["BTCUSDT"]) is None


def test_close_out_finishes_the_dead_journal(tmp_path: Path) -> None:
    dead_run(tmp_path)
    journals = unfinished_journals(tmp_path, "acct")
    close_out(journals, "new-run", redact=["s3cr3t-value"])
    assert unfinished_journals(tmp_path, "acct") == []  # and put away, being finished
    dead = journals[0].path
    last = read_journal(dead.parent / FINISHED / dead.name).records[-1]
    assert last["event"] == "run_end" and last["by_run"] == "new-run"


def prompt(tty: bool, answer: str = "") -> Prompt:
    return Prompt(is_terminal=lambda: tty, ask=lambda _: answer)


def test_consent_rules() -> None:
    assert consent(prompt(False), yes=True, changes=2) == "--yes"
    assert consent(prompt(True, "CONFIRM\n"), yes=False, changes=2) == "CONFIRM"
    with pytest.raises(NotConfirmed, match="no terminal"):
        consent(prompt(False), yes=False, changes=2)
    for wrong in ("confirm", "yes", "", "CONFIRM!"):
        with pytest.raises(NotConfirmed, match="not confirmed"):
            consent(prompt(True, wrong), yes=False, changes=2)


def test_a_write_given_up_after_an_unknown_outcome_stays_in_doubt(tmp_path: Path) -> None:
    # issue 19: a run that could not reconcile (reads failed, --timeout passed) records "failed";
    # the next run must still ask the exchange, not plan the action afresh
    move = transfer("100")
    dead_run(
        tmp_path,
        ("intent", {"number": 1, "action": action_to_json(move), "exchange_ms": 1_000_000}),
        ("outcome_unknown", {"attempt": 1, "detail": "timeout"}),
        ("failed", {"number": 1, "detail": "could not read the exchange"}),
    )
    journals = unfinished_journals(tmp_path, "acct")
    resume = inspect(journals, HASH)
    assert action_key(move) in resume.in_doubt
    assert resume.in_doubt[action_key(move)].intent_ms == 1_000_000  # the exchange's time
    [left] = unsettled(journals, offset_ms=0)
    assert left.number == 1 and left.summary == "transfer 100"
    # signed right after its last record; valid 60 s after that on the exchange's clock
    assert 1_000_000 + 65_000 <= left.lands_until_ms < 1_000_000 + 65_000 + 5_000


def test_a_write_reconciled_as_not_happened_and_then_resent_stays_unsettled(
    tmp_path: Path,
) -> None:
    move = transfer("100")
    dead_run(
        tmp_path,
        ("intent", {"number": 2, "action": action_to_json(move), "exchange_ms": 5_000}),
        ("outcome_unknown", {"attempt": 1, "detail": "timeout"}),
        ("reconciled", {"decision": "did_not_happen"}),  # then killed while re-sending
    )
    journals = unfinished_journals(tmp_path, "acct")
    assert action_key(move) in inspect(journals, HASH).in_doubt
    assert [u.number for u in unsettled(journals, offset_ms=0)] == [2]


@pytest.mark.parametrize(
    "answer",
    [
        ("sent", {"trace": "t"}),
        ("rejected", {"code": 40012, "message": "no"}),
        ("reconciled", {"decision": "happened"}),
        ("not_sent", {"reason": "time_up"}),
    ],
)
def test_a_write_with_a_definite_answer_is_settled(
    tmp_path: Path, answer: tuple[str, dict[str, object]]
) -> None:
    move = transfer("100")
    dead_run(
        tmp_path,
        ("intent", {"number": 1, "action": action_to_json(move), "exchange_ms": 5_000}),
        answer,
    )
    journals = unfinished_journals(tmp_path, "acct")
    assert unsettled(journals, offset_ms=0) == []
    assert action_key(move) not in inspect(journals, HASH).in_doubt


def test_an_old_journal_without_the_exchange_time_uses_the_measured_offset(
    tmp_path: Path,
) -> None:
    dead_run(tmp_path, ("intent", {"number": 1, "action": action_to_json(transfer("5"))}))
    journals = unfinished_journals(tmp_path, "acct")
    [plain] = unsettled(journals, offset_ms=0)
    [behind] = unsettled(journals, offset_ms=-30_000)  # the exchange's clock 30 s behind ours
    assert plain.lands_until_ms - behind.lands_until_ms == 30_000
