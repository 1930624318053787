"""Issue 14 finding 1: no order that fires at once, and saved plans go stale with the price."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from runner.compiler import actions as act
from runner.compiler.compile import compile_plan
from runner.compiler.guard import fires_at_once, saved_prices_moved
from runner.compiler.snapshot import Market
from runner.domain import OrderSide, PosSide, PriceSource, PriceWay, TriggerKind

from .fixtures import snapshot
from .test_compile import IDS, plan, reference_position


def _opening(stop: str) -> act.SubmitOrder:
    (order,) = compile_plan(plan(reference_position()), snapshot(futures="1000"), IDS).actions
    assert isinstance(order, act.SubmitOrder) and order.stop_loss is not None
    return replace(order, stop_loss=act.Protection(D(stop), PriceSource.MARK, D(-3)))


def test_a_preset_stop_above_the_mark_is_refused() -> None:
    order = _opening("63050")
    assert fires_at_once(order, {"BTCUSDT": Market(D(65000), D(65000))}, {}) is None
    reason = fires_at_once(order, {"BTCUSDT": Market(D(60000), D(60000))}, {})
    assert reason is not None and "stop-loss 63050 would fire at once" in reason


def test_stand_alone_and_moved_stops_and_plan_orders() -> None:
    market = {"BTCUSDT": Market(D(60000), D(60000))}
    tp = act.SubmitTpSl(
        step_index=0,
        summary="tp",
        symbol="BTCUSDT",
        side=PosSide.SHORT,
        kind=TriggerKind.TAKE_PROFIT,
        protection=act.Protection(D(61000), PriceSource.LAST),
        cid="c",
    )
    assert fires_at_once(tp, market, {}) is not None  # a short's TP above the price: at once
    assert (
        fires_at_once(
            replace(tp, protection=act.Protection(D(59000), PriceSource.LAST)), market, {}
        )
        is None
    )
    move = act.ModifyTpSl(
        step_index=0,
        summary="move",
        symbol="BTCUSDT",
        order_id="9001",
        kind=TriggerKind.STOP_LOSS,
        protection=act.Protection(D(60500), PriceSource.MARK),
        previous=act.Protection(D(58000), PriceSource.MARK),
    )
    assert fires_at_once(move, market, {"9001": PosSide.LONG}) is not None
    assert fires_at_once(move, market, {"9001": PosSide.SHORT}) is None
    order = act.SubmitPlanOrder(
        step_index=0,
        summary="dip",
        symbol="BTCUSDT",
        side=OrderSide.OPEN_LONG,
        size=D(1),
        trigger=D(61000),
        source=PriceSource.LAST,
        price_way=PriceWay.FALL,
        order_type=act.OrderType.MARKET,
        executive_price=None,
        time_in_force=act.TimeInForce.GTC,
        leverage=D(5),
        margin=act.Margin.ISOLATED,
    )
    assert fires_at_once(order, market, {}) is not None


def test_a_saved_plan_is_stale_when_the_mark_moved_or_a_relative_trigger_would_change() -> None:
    saved = snapshot(futures="1000")
    result = compile_plan(plan(reference_position()), saved, IDS)
    assert result.actions
    same = saved_prices_moved(saved, saved, result.actions)
    assert same is None

    def at(price: str) -> object:
        return replace(saved, markets={**saved.markets, "BTCUSDT": Market(D(price), D(price))})

    fell = saved_prices_moved(saved, at("60000"), result.actions)  # type: ignore[arg-type]
    assert fell is not None and "moved 10.45%" in fell
    # within 0.5%, but the -3% stop would now be another tick
    nudged = saved_prices_moved(saved, at("67100"), result.actions)  # type: ignore[arg-type]
    assert nudged is not None and "would now resolve to" in nudged
    # a wider band still catches the relative trigger; without relative triggers it passes
    fixed = [replace(a, stop_loss=None, take_profit=None) for a in result.actions]  # type: ignore[type-var]
    assert saved_prices_moved(saved, at("67100"), fixed) is None  # type: ignore[arg-type]
    assert saved_prices_moved(saved, at("60000"), fixed, D(20)) is None  # type: ignore[arg-type]
