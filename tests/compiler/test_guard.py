"""Issue 14 finding 1: no order that fires at once, and saved plans go stale with the price."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from runner.compiler import actions as act
from runner.compiler.compile import compile_plan
from runner.compiler.guard import fires_at_once, resting_of, saved_prices_moved
from runner.compiler.snapshot import Market, TriggerOrder, WorkingOrder
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
    assert fires_at_once(_plan_order("61000"), market, {}) is not None


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


# --- every kind of trigger, judged where it fires --------------------------------------------

MARKET = {"BTCUSDT": Market(D(65000), D(65000))}


def _limit(price: str, tp: str | None = None, sl: str | None = None) -> act.SubmitOrder:
    order = _opening("60000")
    return replace(
        order,
        order_type=act.OrderType.LIMIT,
        price=D(price),
        take_profit=None if tp is None else act.Protection(D(tp), PriceSource.LAST),
        stop_loss=None if sl is None else act.Protection(D(sl), PriceSource.MARK),
    )


def test_a_limit_entrys_presets_are_judged_at_the_price_it_fills_at() -> None:
    # a resting buy at 60000 fills at 60000: a take-profit at 64000 is above it, not crossed
    assert fires_at_once(_limit("60000", tp="64000"), MARKET, {}) is None
    # ... and a stop at 61000 would fire as soon as it fills
    reason = fires_at_once(_limit("60000", sl="61000"), MARKET, {})
    assert reason is not None and "preset stop-loss 61000 would fire at once" in reason
    assert "the limit entry fills at 60000" in reason
    # a buy above the market fills at the market
    crossing = fires_at_once(_limit("66000", sl="65500"), MARKET, {})
    assert crossing is not None and "fills at 65000" in crossing


def _plan_order(trigger: str, stop: str | None = None) -> act.SubmitPlanOrder:
    return act.SubmitPlanOrder(
        step_index=0,
        summary="dip",
        symbol="BTCUSDT",
        side=OrderSide.OPEN_LONG,
        size=D(1),
        trigger=D(trigger),
        source=PriceSource.LAST,
        price_way=PriceWay.FALL,
        order_type=act.OrderType.MARKET,
        executive_price=None,
        time_in_force=act.TimeInForce.GTC,
        leverage=D(5),
        margin=act.Margin.ISOLATED,
        stop_loss=None if stop is None else D(stop),
    )


def test_a_plan_orders_preset_stop_beyond_its_entry_fires_as_it_fills() -> None:
    assert fires_at_once(_plan_order("61000", stop="60000"), MARKET, {}) is None
    reason = fires_at_once(_plan_order("61000", stop="61500"), MARKET, {})
    assert reason is not None and "preset stop-loss 61500" in reason


def test_modified_plan_orders_and_presets_are_judged_too() -> None:
    resting = resting_of(
        snapshot(
            orders=(
                WorkingOrder(
                    "77",
                    "",
                    "BTCUSDT",
                    OrderSide.OPEN_LONG,
                    "limit",
                    D(60000),
                    D(1),
                    D(0),
                    D(10),
                    act.Margin.ISOLATED,
                ),
            ),
            triggers=(
                TriggerOrder(
                    "88",
                    "",
                    "BTCUSDT",
                    TriggerKind.PLAN,
                    OrderSide.OPEN_LONG,
                    D(1),
                    D(61000),
                    D(0),
                    PriceSource.LAST,
                    PriceWay.FALL,
                    None,
                    "market",
                    D(5),
                    act.Margin.ISOLATED,
                ),
            ),
        )
    )
    move = act.ModifyPlanOrder(
        step_index=0,
        summary="",
        symbol="BTCUSDT",
        order_id="88",
        trigger=D(65500),
        source=PriceSource.LAST,
        order_type=act.OrderType.MARKET,
    )
    reached = fires_at_once(move, MARKET, {}, resting)
    assert reached is not None and "trigger 65500 has already been reached" in reached
    assert fires_at_once(replace(move, trigger=D(64000)), MARKET, {}, resting) is None
    preset = act.ModifyPreset(
        step_index=0,
        summary="",
        symbol="BTCUSDT",
        order_id="77",
        stop_loss=act.Protection(D(60500), PriceSource.MARK),
    )
    fires = fires_at_once(preset, MARKET, {}, resting)
    assert fires is not None and "the limit entry fills at 60000" in fires
    on_plan = replace(
        preset,
        order_id="88",
        on_plan_order=True,
        stop_loss=act.Protection(D(61500), PriceSource.MARK),
    )
    assert fires_at_once(on_plan, MARKET, {}, resting) is not None  # above its 61000 entry
    lower = replace(on_plan, stop_loss=act.Protection(D(59000), PriceSource.MARK))
    assert fires_at_once(lower, MARKET, {}, resting) is None


def test_a_ladder_level_already_crossed_and_a_trailing_stop() -> None:
    level = act.SubmitTpSl(
        step_index=0,
        summary="tp1",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        kind=TriggerKind.TAKE_PROFIT,
        protection=act.Protection(D(64000), PriceSource.LAST),
        cid="c",
        size=D(3),
        level=1,
    )
    assert fires_at_once(level, MARKET, {}) is not None
    trailing = act.SubmitTrailing(
        step_index=0,
        summary="trail",
        symbol="BTCUSDT",
        side=PosSide.LONG,
        size=D(3),
        activation=D(64000),
        source=PriceSource.LAST,
        callback=D(1),
        leverage=D(10),
        margin=act.Margin.ISOLATED,
    )
    # its activation crossed, it trails from the current price: it fires only after the callback
    assert fires_at_once(trailing, MARKET, {}) is None
