"""Step records: saved atomically and read back; reconciled with history only when needed."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from runner.compiler.actions import OrderIds, SubmitOrder
from runner.compiler.intents import PlanIntents, Policy, PositionIntent
from runner.compiler.lifecycle import (
    ClosedBy,
    Closure,
    Holding,
    Lifecycle,
    StepRecord,
    TriggerRef,
    step_hash,
)
from runner.domain import Margin, OrderSide, OrderType, PosSide
from runner.records.reconcile import reconcile
from runner.records.store import load_records, records_path, save_records
from runner.records.update import NOT_APPLIED, after_apply
from tests.compiler.fixtures import long_btc, sl_order, snapshot

NOW = 1_796_133_720_000
STEP = PositionIntent(
    index=0,
    key="btc",
    kind="position",
    symbol="BTCUSDT",
    side=PosSide.LONG,
    size=D(10),
    leverage=D(10),
    margin=Margin.ISOLATED,
)
PLAN = PlanIntents("btc-swing", "h", "x.yaml", (STEP,), Policy())
HELD = Holding(
    "BTCUSDT",
    PosSide.LONG,
    D(10),
    D(67000),
    NOW - 60_000,
    ("BRA",),
    (TriggerRef("9", "stop_loss", D(65000)),),
)


def test_records_round_trip_and_a_damaged_file_reads_as_empty(tmp_path: Path) -> None:
    records = {
        "btc": StepRecord("btc", "abc", "BTCUSDT", PosSide.LONG, HELD, None),
        "eth": StepRecord(
            "eth",
            "def",
            "ETHUSDT",
            PosSide.SHORT,
            None,
            Closure(ClosedBy.STOP_LOSS, NOW, D(1), D("-2.5")),
        ),
    }
    save_records(tmp_path, "acct", "btc-swing", records)
    assert load_records(tmp_path, "acct", "btc-swing") == records
    assert list(records_path(tmp_path, "acct", "btc-swing").parent.iterdir()) == [
        records_path(tmp_path, "acct", "btc-swing")
    ]
    records_path(tmp_path, "acct", "btc-swing").write_text("{not json", "utf-8")
    assert load_records(tmp_path, "acct", "btc-swing") == {}
    assert load_records(tmp_path, "acct", "other") == {}


class Source:
    def __init__(self, orders: list[Any]) -> None:
        self.calls: list[str] = []
        self.orders = orders

    def order_history(self, symbol: str, *, start_s: int | None = None) -> list[Any]:
        self.calls.append("order_history")
        return self.orders

    def trades(self, symbol: str | None = None, *, start_s: int | None = None) -> list[Any]:
        self.calls.append("trades")
        return []

    def transaction_history(
        self, symbol: str | None = None, *, start_ms: int | None = None
    ) -> list[Any]:
        self.calls.append("transaction_history")
        return []

    def system_time_ms(self) -> int:
        self.calls.append("system_time")
        return NOW


def _stop_fill() -> Any:
    return SimpleNamespace(
        order_id="5",
        client_order_id="PLAN_9",
        side=3,
        type="market",
        size=D(10),
        filled=D(10),
        avg_price=D(65000),
        trigger_price=D(65000),
        create_time_ms=NOW,
        update_time_ms=NOW,
        state=4,
    )


def test_a_held_position_still_there_costs_no_read() -> None:
    source = Source([])
    records = {"btc": StepRecord("btc", step_hash(STEP), "BTCUSDT", PosSide.LONG, HELD)}
    lifecycle = reconcile(source, records, PLAN, snapshot(positions=(long_btc(),)), own_prefix="BR")
    assert source.calls == [] and lifecycle.records == records


def test_a_gone_position_is_explained_by_the_history() -> None:
    source = Source([_stop_fill()])
    records = {"btc": StepRecord("btc", step_hash(STEP), "BTCUSDT", PosSide.LONG, HELD)}
    lifecycle = reconcile(source, records, PLAN, snapshot(), own_prefix="BRX")
    assert sorted(source.calls) == ["order_history", "system_time", "trades", "transaction_history"]
    updated = lifecycle.records["btc"]
    assert updated.holding is None
    assert updated.closure is not None and updated.closure.by is ClosedBy.STOP_LOSS
    assert lifecycle.server_ms == NOW


def _open_btc(ids: OrderIds) -> SubmitOrder:
    """The step's open: long 10 BTCUSDT at market."""
    return SubmitOrder(
        step_index=0,
        summary="",
        symbol="BTCUSDT",
        side=OrderSide.OPEN_LONG,
        size=D(10),
        order_type=OrderType.MARKET,
        leverage=D(10),
        margin=Margin.ISOLATED,
        cid=ids.make("btc", "O"),
        est_price=D(67000),
    )


def test_after_apply_records_the_position_and_its_protection() -> None:
    final = snapshot(positions=(long_btc(),), triggers=(sl_order("65000", "41"),))
    ids = OrderIds("btc-swing", "n1")
    sent = _open_btc(ids)
    records = after_apply(Lifecycle({}), PLAN, final, (sent,), ids, planned=(sent,), now_ms=NOW)
    holding = records["btc"].holding
    assert holding is not None and holding.size == 10 and holding.since_ms == NOW
    assert holding.entry_orders == (sent.cid,)
    assert holding.protections == (TriggerRef("41", "stop_loss", D(65000)),)
    assert records["btc"].step_hash == step_hash(STEP)
    flat = after_apply(Lifecycle(records), PLAN, snapshot(), (), ids, planned=(), now_ms=NOW + 1)
    assert flat["btc"].holding is None


def test_a_step_cut_short_keeps_the_definition_it_was_last_carried_out_with() -> None:
    # an apply that stopped before the step's open (exit 4, --timeout) must not remember the
    # step as applied: re-running the unchanged plan completes the author's step, not drift
    ids = OrderIds("btc-swing", "n1")
    opening = _open_btc(ids)
    never = after_apply(Lifecycle({}), PLAN, snapshot(), (), ids, planned=(opening,), now_ms=NOW)
    assert never["btc"].step_hash == NOT_APPLIED
    assert Lifecycle(never).changed(STEP) is True  # the author's step, still to be done
    earlier = {"btc": StepRecord("btc", "older-definition", "BTCUSDT", PosSide.LONG, HELD)}
    kept = after_apply(
        Lifecycle(earlier), PLAN, snapshot(), (), ids, planned=(opening,), now_ms=NOW
    )
    assert kept["btc"].step_hash == "older-definition"
    done = after_apply(
        Lifecycle(earlier), PLAN, snapshot(), (opening,), ids, planned=(opening,), now_ms=NOW
    )
    assert done["btc"].step_hash == step_hash(STEP)
