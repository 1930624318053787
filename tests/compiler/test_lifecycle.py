"""A position step's record decides whether it opens again: completion, reentry, expiry.  Pure."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal as D

import pytest

from runner.compiler.actions import CancelOrder, OrderIds, SubmitOrder
from runner.compiler.closures import History, PastEntry, PastFill, PastOrder, closure_of
from runner.compiler.compile import compile_plan
from runner.compiler.intents import Entry, PlanIntents, Policy, PositionIntent
from runner.compiler.lifecycle import (
    ClosedBy,
    Closure,
    Holding,
    Lifecycle,
    StepRecord,
    TriggerRef,
    describe_closure,
    step_hash,
)
from runner.compiler.snapshot import WorkingOrder
from runner.domain import Margin, OrderSide, OrderType, PosSide

from .fixtures import long_btc, snapshot

IDS = OrderIds("btc-swing", nonce="abc123")
HOUR_MS = 3_600_000
CLOSED_AT = 1_796_133_720_000  # 2026-12-01 14:02 UTC


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in local time (PRODUCT.md section 4): here UTC+9, no daylight saving."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def intent(**overrides: object) -> PositionIntent:
    fields: dict[str, object] = dict(
        index=0,
        key="btc",
        kind="position",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        size=D(10),
        leverage=D(10),
        margin=Margin.ISOLATED,
    )
    fields.update(overrides)
    return PositionIntent(**fields)  # type: ignore[arg-type]


def record(
    step: PositionIntent, closure: Closure | None, holding: Holding | None = None
) -> StepRecord:
    return StepRecord("btc", step_hash(step), "BTCUSDT", PosSide.LONG, holding, closure)


STOPPED = Closure(ClosedBy.STOP_LOSS, at_ms=CLOSED_AT, price=D(63050), pnl=D("-20.2745"))


def compile_with(step: PositionIntent, lifecycle: Lifecycle, **snap: object):  # type: ignore[no-untyped-def]
    plan = PlanIntents("btc-swing", "h", "x.yaml", (step,), Policy())
    return compile_plan(plan, snapshot(futures="5000", **snap), IDS, lifecycle=lifecycle)  # type: ignore[arg-type]


def test_without_a_record_a_flat_step_opens() -> None:
    result = compile_with(intent(), Lifecycle({}))
    assert [type(a) for a in result.actions] == [SubmitOrder]


def test_a_stopped_out_step_stays_flat_and_says_why(tokyo: None) -> None:
    step = intent()
    result = compile_with(step, Lifecycle({"btc": record(step, STOPPED)}))
    assert result.actions == ()
    (note,) = result.steps[0].notes
    assert note.startswith("stopped out at 63050 on 2026-12-01 23:02:00")
    assert "(-20.27 USDT incl. fees); stays flat (reentry: never)" in note


@pytest.mark.parametrize("by", list(ClosedBy))
def test_every_way_of_ending_completes_a_never_step(by: ClosedBy) -> None:
    step = intent()
    result = compile_with(step, Lifecycle({"btc": record(step, Closure(by, at_ms=CLOSED_AT))}))
    assert result.actions == ()


def test_reentry_always_opens_again() -> None:
    step = intent(reentry="always")
    result = compile_with(step, Lifecycle({"btc": record(step, STOPPED)}))
    assert [type(a) for a in result.actions] == [SubmitOrder]
    assert "opens again (reentry: always)" in result.steps[0].notes[0]


@pytest.mark.parametrize(
    ("elapsed_ms", "opens"), [(0, False), (HOUR_MS - 1, False), (HOUR_MS, True)]
)
def test_reentry_after_counts_exchange_time(elapsed_ms: int, opens: bool) -> None:
    step = intent(reentry="after", reentry_after_s=3600)
    lifecycle = Lifecycle({"btc": record(step, STOPPED)}, server_ms=CLOSED_AT + elapsed_ms)
    assert bool(compile_with(step, lifecycle).actions) is opens


def test_a_waiting_step_says_until_when_in_local_time(tokyo: None) -> None:
    step = intent(reentry="after", reentry_after_s=3600)
    lifecycle = Lifecycle({"btc": record(step, STOPPED)}, server_ms=CLOSED_AT)
    (note,) = compile_with(step, lifecycle).steps[0].notes
    assert "stays flat until 2026-12-02 00:02:00 (reentry: after 1h)" in note


def test_reentry_after_without_the_exchange_clock_waits() -> None:
    step = intent(reentry="after", reentry_after_s=60)
    result = compile_with(step, Lifecycle({"btc": record(step, STOPPED)}, server_ms=None))
    assert result.actions == ()


def test_an_edited_step_is_rearmed_but_a_reentry_change_is_not_an_edit() -> None:
    before = intent()
    lifecycle = Lifecycle({"btc": record(before, STOPPED)})
    assert compile_with(intent(size=D(8)), lifecycle).actions
    assert step_hash(before) == step_hash(intent(reentry="after", reentry_after_s=60))
    assert step_hash(before) == step_hash(intent(note="a note"))


def test_a_record_follows_its_step_when_steps_are_renumbered() -> None:
    step = intent(key="#2", index=0)
    lifecycle = Lifecycle({"#1": replace(record(step, STOPPED), key="#1")})
    assert compile_with(step, lifecycle).actions == ()


def test_a_position_back_on_the_account_converges_as_usual() -> None:
    step = intent()
    result = compile_with(
        step, Lifecycle({"btc": record(step, STOPPED)}), positions=(long_btc("6"),)
    )
    (order,) = result.actions
    assert isinstance(order, SubmitOrder) and order.size == 4


def _entry(filled: str, created_ms: int) -> WorkingOrder:
    cid = IDS.make("btc", "O")
    return WorkingOrder(
        "77",
        cid,
        "BTCUSDT",
        OrderSide.OPEN_LONG,
        "limit",
        D(60000),
        D(10),
        D(filled),
        D(10),
        Margin.ISOLATED,
        created_ms,
    )


def test_a_stopped_out_partial_fill_cancels_its_resting_rest() -> None:
    step = intent(entry=Entry(OrderType.LIMIT, D(60000)))
    result = compile_with(
        step, Lifecycle({"btc": record(step, STOPPED)}), orders=(_entry("4", CLOSED_AT),)
    )
    (cancel,) = result.actions
    assert isinstance(cancel, CancelOrder) and cancel.order_id == "77" and not cancel.expired


def test_an_unfilled_entry_past_expire_after_is_cancelled_and_not_replaced() -> None:
    step = intent(entry=Entry(OrderType.LIMIT, D(60000), expire_after_s=7200))
    lifecycle = Lifecycle({}, server_ms=CLOSED_AT + 2 * HOUR_MS)
    result = compile_with(step, lifecycle, orders=(_entry("0", CLOSED_AT),))
    (cancel,) = result.actions
    assert isinstance(cancel, CancelOrder) and cancel.expired
    young = compile_with(
        step, Lifecycle({}, server_ms=CLOSED_AT + HOUR_MS), orders=(_entry("0", CLOSED_AT),)
    )
    assert young.actions == ()


def test_a_partly_filled_expired_entry_completes_at_its_fill() -> None:
    step = intent(entry=Entry(OrderType.LIMIT, D(60000), expire_after_s=7200))
    lifecycle = Lifecycle({}, server_ms=CLOSED_AT + 3 * HOUR_MS)
    result = compile_with(
        step, lifecycle, orders=(_entry("4", CLOSED_AT),), positions=(long_btc("4", "60000"),)
    )
    assert [type(a) for a in result.actions] == [CancelOrder]
    capped = Closure(ClosedBy.EXPIRED, at_ms=CLOSED_AT, size=D(4))
    later = compile_with(
        step, Lifecycle({"btc": record(step, capped)}), positions=(long_btc("4", "60000"),)
    )
    assert later.actions == ()
    assert "no top-up" in later.steps[0].notes[0]


# --- classification of the close ---------------------------------------------------------------

HOLDING = Holding(
    "BTCUSDT",
    PosSide.LONG,
    D(10),
    D(65000),
    since_ms=CLOSED_AT - HOUR_MS,
    entry_orders=("BROWN1",),
    protections=(
        TriggerRef("501", "stop_loss", D(63050)),
        TriggerRef("502", "take_profit", D(68250)),
    ),
)


def _close(
    cid: str, kind: str = "market", price: str = "63050", trigger: str | None = None
) -> PastOrder:
    return PastOrder(
        "900",
        cid,
        OrderSide.CLOSE_LONG,
        kind,
        D(10),
        D(10),
        D(price),
        None if trigger is None else D(trigger),
        CLOSED_AT,
        CLOSED_AT,
    )


@pytest.mark.parametrize(
    ("order", "by"),
    [
        (_close("PLAN_501"), ClosedBy.STOP_LOSS),
        (_close("PLAN_502", price="68250"), ClosedBy.TAKE_PROFIT),
        (_close("PLAN_777", trigger="68250"), ClosedBy.TAKE_PROFIT),
        (_close("", kind="liquidate", price="59000"), ClosedBy.LIQUIDATION),
        (_close("", kind="adl"), ClosedBy.ADL),
        (_close("web-ui-123"), ClosedBy.OUTSIDE),
        (_close("BRXYZXYZ123C000000"), ClosedBy.OUTSIDE),  # another plan's close
    ],
)
def test_the_last_close_says_how_the_position_ended(order: PastOrder, by: ClosedBy) -> None:
    closure = closure_of(HOLDING, History(orders=(order,)), own_prefix="BROWN")
    assert closure is not None and closure.by is by and closure.at_ms == CLOSED_AT


def test_this_plans_own_close_completes_nothing() -> None:
    assert closure_of(HOLDING, History(orders=(_close("BROWNC1"),)), own_prefix="BROWN") is None


def test_pnl_counts_fees_and_liquidation_clearance() -> None:
    history = History(
        orders=(_close("", kind="liquidate", price="59000"),),
        fills=(
            PastFill("1", OrderSide.OPEN_LONG, D(0), D("0.39"), CLOSED_AT - HOUR_MS),
            PastFill("900", OrderSide.CLOSE_LONG, D("-60"), D("0.35"), CLOSED_AT),
            # an older trade
            PastFill("1", OrderSide.OPEN_LONG, D(0), D("5"), CLOSED_AT - 99 * HOUR_MS),
        ),
        ledger=(PastEntry(5, D("-3.1"), CLOSED_AT), PastEntry(3, D("-1"), CLOSED_AT)),
    )
    closure = closure_of(HOLDING, history, own_prefix="BROWN")
    assert closure is not None and closure.pnl == D("-63.84")
    assert describe_closure(closure).startswith("liquidated at 59000 on ")


def test_a_gone_position_without_history_is_unknown_and_an_unfilled_entry_cancelled_outside() -> (
    None
):
    assert closure_of(HOLDING, History(), "BROWN") == Closure(ClosedBy.UNKNOWN)
    pending = replace(HOLDING, size=D(0))
    cancelled = replace(_close("BROWN1"), side=OrderSide.OPEN_LONG, filled=D(0))
    closure = closure_of(pending, History(orders=(cancelled,)), "BROWN")
    assert closure is not None and closure.by is ClosedBy.OUTSIDE
