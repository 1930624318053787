"""Issue 14 (second pass): every target step remembers what it said when last applied, so a
risk-raising change from an unchanged tp_sl, cancel or plan_order step is drift, and an edited
one is the author's intent."""

from __future__ import annotations

from decimal import Decimal as D

from runner.compiler.actions import (
    Action,
    CancelTrigger,
    ModifyLimitOrder,
    ModifyPlanOrder,
    ModifyPreset,
    ModifyTpSl,
    Protection,
    SubmitPlanOrder,
)
from runner.compiler.compile import compile_plan
from runner.compiler.estimates import liquidation_price, round_liquidation
from runner.compiler.intents import (
    KEEP,
    CancelIntent,
    Entry,
    Intent,
    TpSlIntent,
    Trigger,
)
from runner.compiler.lifecycle import Lifecycle, intent_hash
from runner.compiler.result import PlanResult
from runner.compiler.risk import Why, risk_changes
from runner.compiler.snapshot import Market, Position, Snapshot, TriggerOrder, WorkingOrder
from runner.domain import (
    CancelWhat,
    Margin,
    OrderSide,
    OrderType,
    PosSide,
    PriceSource,
    PriceWay,
    TriggerKind,
)

from .fixtures import BTC, eth_dip_order, long_btc, sl_order, snapshot
from .test_compile import IDS, plan, reference_position


def stop_step(price: str, index: int = 0) -> TpSlIntent:
    """``tp_sl: {symbol: BTCUSDT, side: long, stop_loss: {trigger: PRICE}}`` as step ``index``."""
    return TpSlIntent(
        index=index,
        key=f"#{index + 1}",
        kind="tp_sl",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        stop_loss=Trigger(PriceSource.MARK, price=D(price)),
    )


STOP_63700 = stop_step("63700")


def remembered(*intents: Intent, edited: bool = False) -> Lifecycle:
    return Lifecycle(
        {}, definitions={i.key: "0" * 16 if edited else intent_hash(i) for i in intents}
    )


def _risks(result: PlanResult) -> list[tuple[str, Why]]:
    return [(r.what, r.why) for s in result.steps for r in s.risks]


def test_a_step_hash_covers_every_kind_and_ignores_its_place() -> None:
    moved = stop_step("63700", index=4)
    assert intent_hash(moved) == intent_hash(STOP_63700)
    assert remembered(STOP_63700).changed(moved) is False  # the same step, renumbered
    other = stop_step("63800")
    assert remembered(STOP_63700).changed(other) is True
    assert Lifecycle({}).changed(STOP_63700) is None  # never applied: the author's new step


def test_an_unchanged_tp_sl_step_keeps_a_stop_tightened_by_hand() -> None:
    tightened = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("65500"),))
    kept = compile_plan(plan(STOP_63700), tightened, IDS, lifecycle=remembered(STOP_63700))
    assert kept.actions == ()
    assert any(n.startswith("drift kept") for n in kept.steps[0].notes)
    allowed = compile_plan(
        plan(STOP_63700),
        tightened,
        IDS,
        lifecycle=remembered(STOP_63700),
        allow_risk_increase=True,
    )
    (move,) = allowed.actions
    assert isinstance(move, ModifyTpSl) and move.protection.trigger == D(63700)
    assert _risks(allowed) == [("loosens the BTCUSDT stop-loss 65500 -> 63700", Why.DRIFT)]
    edited = compile_plan(
        plan(STOP_63700), tightened, IDS, lifecycle=remembered(STOP_63700, edited=True)
    )
    assert _risks(edited) == [("loosens the BTCUSDT stop-loss 65500 -> 63700", Why.INTENT)]
    assert not edited.has_drift


def test_an_unchanged_cancel_step_removing_a_hand_placed_stop_is_drift() -> None:
    cancel = CancelIntent(index=0, key="#1", kind="cancel", symbol="BTCUSDT", what=CancelWhat.ALL)
    placed = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("65500"),))
    result = compile_plan(plan(cancel), placed, IDS, lifecycle=remembered(cancel))
    assert isinstance(result.actions[0], CancelTrigger)
    assert _risks(result) == [("removes the BTCUSDT stop-loss 65500", Why.DRIFT)]
    (refusal,) = result.drift_refusals()
    assert "removes the BTCUSDT stop-loss 65500" in refusal.message
    first = compile_plan(plan(cancel), placed, IDS)
    assert _risks(first) == [("removes the BTCUSDT stop-loss 65500", Why.INTENT)]


def test_an_unchanged_tp_sl_step_removing_a_hand_placed_stop_is_drift() -> None:
    no_stop = TpSlIntent(
        index=0, key="#1", kind="tp_sl", symbol="BTCUSDT", side=PosSide.LONG, stop_loss=None
    )
    placed = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("65500"),))
    result = compile_plan(plan(no_stop), placed, IDS, lifecycle=remembered(no_stop))
    assert _risks(result) == [("removes the BTCUSDT stop-loss 65500", Why.DRIFT)]


def test_an_unchanged_plan_order_step_placing_its_order_again_is_drift() -> None:
    dip = eth_dip_order(trigger=D(3400), entry=Entry(), margin=Margin.CROSS)
    result = compile_plan(plan(dip), snapshot(futures="1000"), IDS, lifecycle=remembered(dip))
    assert isinstance(result.actions[0], SubmitPlanOrder)
    assert _risks(result) == [("a plan order may open 5 ETHUSDT", Why.DRIFT)]


def test_a_dry_run_reports_drift_as_warnings_or_as_accepted() -> None:
    cancel = CancelIntent(index=0, key="#1", kind="cancel", symbol="BTCUSDT", what=CancelWhat.ALL)
    placed = snapshot(futures="100", positions=(long_btc(),), triggers=(sl_order("65500"),))
    refused = compile_plan(plan(cancel), placed, IDS, lifecycle=remembered(cancel))
    (notice,) = refused.drift_notices()
    assert notice.rule == "risk-drift" and notice.severity.value == "warning"
    assert "apply --yes would refuse it" in notice.message
    allowed = compile_plan(
        plan(cancel), placed, IDS, lifecycle=remembered(cancel), allow_risk_increase=True
    )
    (accepted,) = allowed.drift_notices()
    assert accepted.rule == "risk-drift-accepted" and "accepted" in accepted.message
    assert compile_plan(plan(cancel), placed, IDS).drift_notices() == []  # a new step: intent


# --- modifications are classified like their place/cancel equivalents ------------------------


def _entry(price: str, size: str = "10", side: OrderSide = OrderSide.OPEN_LONG) -> WorkingOrder:
    return WorkingOrder(
        "77",
        "BRx",
        "BTCUSDT",
        side,
        "limit",
        D(price),
        D(size),
        D(0),
        D(10),
        Margin.ISOLATED,
        preset_sl=D(60000),
    )


def _plan_order(side: OrderSide, trigger: str, way: PriceWay) -> TriggerOrder:
    return TriggerOrder(
        "88",
        "",
        "BTCUSDT",
        TriggerKind.PLAN,
        side,
        D(5),
        D(trigger),
        D(0),
        PriceSource.LAST,
        way,
        None,
        "market",
        D(10),
        Margin.ISOLATED,
        preset_sl=D(60000),
    )


def _what(action: Action, before: Snapshot) -> list[str]:
    changes = risk_changes((action,), before, before, changed=False, is_action=False)
    assert all(c.why is Why.DRIFT for c in changes)  # an unchanged step: drift
    return [c.what for c in changes]


def test_a_resting_entry_made_bigger_or_moved_to_a_worse_price_raises_risk() -> None:
    before = snapshot(orders=(_entry("64000"),))

    def modify(price: str | None, size: str | None) -> ModifyLimitOrder:
        return ModifyLimitOrder(
            step_index=0,
            summary="",
            symbol="BTCUSDT",
            order_id="77",
            price=None if price is None else D(price),
            size=None if size is None else D(size),
        )

    assert _what(modify(None, "12"), before) == [
        "adds 2 contracts to the resting BTCUSDT long entry"
    ]
    assert _what(modify("64500", None), before) == [
        "moves the resting BTCUSDT long entry to a worse price 64000 -> 64500"
    ]
    assert _what(modify("63500", "8"), before) == []  # a better price, fewer contracts
    short = snapshot(orders=(_entry("70000", side=OrderSide.OPEN_SHORT),))
    assert _what(modify("69000", None), short) == [
        "moves the resting BTCUSDT short entry to a worse price 70000 -> 69000"
    ]
    closing = snapshot(orders=(_entry("70000", side=OrderSide.CLOSE_LONG),))
    assert _what(modify("69000", "20"), closing) == []  # a reduce-only order adds no exposure


def test_a_preset_stop_moved_away_raises_risk() -> None:
    def modify(stop: str, on_plan_order: bool = False) -> ModifyPreset:
        return ModifyPreset(
            step_index=0,
            summary="",
            symbol="BTCUSDT",
            order_id="88" if on_plan_order else "77",
            stop_loss=Protection(D(stop), PriceSource.MARK),
            on_plan_order=on_plan_order,
        )

    resting = snapshot(orders=(_entry("64000"),))
    assert _what(modify("59000"), resting) == [
        "loosens the preset stop-loss of the BTCUSDT resting entry 60000 -> 59000"
    ]
    assert _what(modify("61000"), resting) == []
    planned = snapshot(triggers=(_plan_order(OrderSide.OPEN_LONG, "63000", PriceWay.FALL),))
    assert _what(modify("59500", on_plan_order=True), planned) == [
        "loosens the preset stop-loss of the BTCUSDT plan order 60000 -> 59500"
    ]


def test_a_plan_order_moved_to_a_worse_entry_or_a_looser_stop_raises_risk() -> None:
    def modify(trigger: str) -> ModifyPlanOrder:
        return ModifyPlanOrder(
            step_index=0,
            summary="",
            symbol="BTCUSDT",
            order_id="88",
            trigger=D(trigger),
            source=PriceSource.LAST,
            order_type=OrderType.MARKET,
        )

    dip = snapshot(triggers=(_plan_order(OrderSide.OPEN_LONG, "63000", PriceWay.FALL),))
    assert _what(modify("63500"), dip) == [
        "moves the BTCUSDT plan order's long entry to a worse price 63000 -> 63500"
    ]
    assert _what(modify("62500"), dip) == []
    stop = snapshot(triggers=(_plan_order(OrderSide.CLOSE_LONG, "62000", PriceWay.FALL),))
    assert _what(modify("61000"), stop) == ["loosens the BTCUSDT plan order stop 62000 -> 61000"]
    assert _what(modify("62500"), stop) == []
    take = snapshot(triggers=(_plan_order(OrderSide.CLOSE_LONG, "70000", PriceWay.RISE),))
    assert _what(modify("71000"), take) == []  # a take-profit moved: no risk raised


# --- cross liquidation on the shared cross margin ---------------------------------------------


def test_cross_liquidation_counts_every_cross_position_of_the_account() -> None:
    eth = Position("ETHUSDT", PosSide.SHORT, D(10), D(3500), D(10), Margin.CROSS, D(0), D(35), D(0))
    cross_long = reference_position(margin=Margin.CROSS, take_profit=KEEP, stop_loss=KEEP)
    alone = compile_plan(plan(cross_long), snapshot(futures="100"), IDS)
    shared = compile_plan(plan(cross_long), snapshot(futures="100", positions=(eth,)), IDS)
    estimate = shared.steps[0].estimate
    assert estimate is not None and alone.steps[0].estimate is not None
    # the short's 35 margin above its 1.75 maintenance (no PnL at 3500) backs the long too
    available = shared.predicted.balances.futures_available
    raw = liquidation_price(
        is_long=True,
        entry_price=estimate.entry_price,
        contracts=D(10),
        contract_size=D("0.001"),
        leverage=D(10),
        brackets=BTC.brackets,
        taker_rate=BTC.taker_fee,
        extra_margin=available + D(35) - D("1.75"),
    )
    assert estimate.liquidation_price == round_liquidation(raw, BTC.tick, is_long=True)
    assert estimate.liquidation_price < alone.steps[0].estimate.liquidation_price
    note = next(n for n in shared.steps[0].notes if "shared with ETHUSDT short" in n)
    assert "their liquidation comes closer" in note  # the new position draws on their margin
    assert not any("shared with" in n for n in alone.steps[0].notes)
    # a loss on the short brings the long's liquidation closer
    losing = snapshot(futures="100", positions=(eth,))
    losing = losing.evolve(markets={**losing.markets, "ETHUSDT": Market(D(3600), D(3600))})
    closer = compile_plan(plan(cross_long), losing, IDS).steps[0].estimate
    assert closer is not None and closer.liquidation_price > estimate.liquidation_price
