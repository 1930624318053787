"""Every target step's definition is remembered when an apply carries it out in full."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from runner.compiler.actions import CancelTrigger, Category, SubmitTpSl
from runner.compiler.actions import Protection as P
from runner.compiler.intents import CancelIntent, PlanIntents, Policy
from runner.compiler.lifecycle import Lifecycle, intent_hash
from runner.domain import PosSide, PriceSource, TriggerKind
from runner.records.store import load_definitions, records_path, save_records
from runner.records.update import definitions_after
from tests.compiler.test_risk_steps import stop_step

TP_SL = stop_step("63700")
CANCEL = CancelIntent(index=1, key="#2", kind="cancel", symbol="ETHUSDT")
PLAN = PlanIntents("p", "h", "x.yaml", (TP_SL, CANCEL), Policy())
SET_STOP = SubmitTpSl(
    step_index=0,
    summary="set",
    symbol="BTCUSDT",
    side=PosSide.LONG,
    kind=TriggerKind.STOP_LOSS,
    protection=P(D(63700), PriceSource.MARK),
    cid="c",
)
CANCEL_ONE = CancelTrigger(
    step_index=1, summary="cancel", symbol="ETHUSDT", order_id="7", category=Category.TP_SL
)


def test_definitions_round_trip_and_a_damaged_file_reads_as_empty(tmp_path: Path) -> None:
    save_records(tmp_path, "acct", "p", {}, {"#1": "abc"})
    assert load_definitions(tmp_path, "acct", "p") == {"#1": "abc"}
    records_path(tmp_path, "acct", "p").write_text("[1]", "utf-8")
    assert load_definitions(tmp_path, "acct", "p") == {}
    assert load_definitions(tmp_path, "acct", "other") == {}


def test_only_steps_carried_out_in_full_are_remembered() -> None:
    before = Lifecycle({}, definitions={"#2": "old"})
    planned = (SET_STOP, CANCEL_ONE)
    everything = definitions_after(before, PLAN, planned, planned)
    assert everything == {"#1": intent_hash(TP_SL), "#2": intent_hash(CANCEL)}
    # the cancel was not sent (the run stopped): it keeps what it said before, so its edit is
    # still the author's intent on the next apply
    cut = definitions_after(before, PLAN, planned, (SET_STOP,))
    assert cut == {"#1": intent_hash(TP_SL), "#2": "old"}
    assert definitions_after(Lifecycle({}), PLAN, planned, ()) == {}
