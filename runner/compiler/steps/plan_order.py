"""The `plan_order` target: a conditional order with these parameters exists."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import (
    Category,
    ModifyPlanOrder,
    ModifyPreset,
    Protection,
    SubmitPlanOrder,
)
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_leverage, check_size, check_tick
from runner.compiler.ctx import Ctx
from runner.compiler.intents import PlanOrderIntent
from runner.compiler.result import Estimate
from runner.compiler.snapshot import TriggerOrder
from runner.compiler.steps.common import ZERO, cancel_trigger, estimate_for
from runner.compiler.steps.protection import trigger_order
from runner.domain import Margin, OrderSide, OrderType, PosSide, PriceSource, PriceWay, TriggerKind
from runner.money import plain


def _plan_side(side: PosSide, reduce_only: bool) -> OrderSide:
    return OrderSide.closing(side) if reduce_only else OrderSide.opening(side)


def _matches(order: TriggerOrder, action: SubmitPlanOrder) -> bool:
    return (
        order.kind is TriggerKind.PLAN
        and order.symbol == action.symbol
        and order.side is action.side
        and order.size == action.size
        and order.trigger == action.trigger
        and order.price_source is action.source
        and order.price_way is action.price_way
        and order.order_type == action.order_type
        and (
            action.order_type is not OrderType.LIMIT
            or order.executive_price == action.executive_price
        )
        and (not action.side.opens or order.leverage == action.leverage)
    )


def _modifiable(order: TriggerOrder, action: SubmitPlanOrder) -> bool:
    """Only trigger, price type and execution change: modify-plan-order can do it in place."""
    return (
        order.kind is TriggerKind.PLAN
        and order.side is action.side
        and order.size == action.size
        and order.price_way == action.price_way
        and (not action.side.opens or order.leverage == action.leverage)
    )


def _modify(
    b: StepBuilder, ctx: Ctx, intent: PlanOrderIntent, mine: TriggerOrder, action: SubmitPlanOrder
) -> None:
    b.add(
        ModifyPlanOrder(
            step_index=intent.index,
            summary=f"modify plan order {mine.order_id}: trigger {plain(mine.trigger)} -> "
            f"{plain(action.trigger)} ({action.source.value}), {action.order_type.value}"
            + (f" @ {plain(action.executive_price)}" if action.executive_price else ""),
            symbol=intent.symbol,
            order_id=mine.order_id,
            trigger=action.trigger,
            source=action.source,
            order_type=action.order_type,
            executive_price=action.executive_price,
        )
    )
    edited = replace(
        mine,
        trigger=action.trigger,
        price_source=action.source,
        order_type=action.order_type,
        executive_price=action.executive_price or ZERO,
    )
    ctx.ws.triggers[ctx.ws.triggers.index(mine)] = edited
    _modify_presets(b, intent, edited, action)


def _modify_presets(
    b: StepBuilder, intent: PlanOrderIntent, mine: TriggerOrder, action: SubmitPlanOrder
) -> None:
    """The TP/SL a waiting plan order will give its position follow the plan (finding: the old
    stop came with it when it fired).  A leg the plan drops cannot be removed by modification."""
    legs = {}
    for name, wanted, current in (
        ("TP", action.take_profit, mine.preset_tp),
        ("SL", action.stop_loss, mine.preset_sl),
    ):
        if wanted is not None and wanted != current:
            legs[name] = (current, wanted)
        elif wanted is None and current is not None:
            b.warn(
                "preset-not-removable",
                f"plan order {mine.order_id} keeps its preset {name} {plain(current)}: "
                "the exchange can change a preset but not remove it",
                "",
                "give the step a new id to replace the plan order",
            )
    if not legs:
        return
    changes = ", ".join(
        f"{name} {plain(old) if old is not None else 'none'} -> {plain(new)}"
        for name, (old, new) in legs.items()
    )
    b.add(
        ModifyPreset(
            step_index=intent.index,
            summary=f"modify plan order {mine.order_id} presets: {changes}",
            symbol=intent.symbol,
            order_id=mine.order_id,
            take_profit=_last(legs.get("TP")),
            stop_loss=_last(legs.get("SL")),
            on_plan_order=True,
        )
    )


def _last(leg: tuple[Decimal | None, Decimal] | None) -> Protection | None:
    """Plan-order presets watch the last price (what ``submit-plan-order`` sends)."""
    return None if leg is None else Protection(leg[1], PriceSource.LAST)


def compile_plan_order(b: StepBuilder, ctx: Ctx, intent: PlanOrderIntent) -> None:
    ws = ctx.ws
    spec, market = ws.spec(intent.symbol), ws.market(intent.symbol)
    if spec is None or market is None:
        b.error("unknown-symbol", f"{intent.symbol} is not a contract on {ctx.target}", "symbol")
        return
    b.problems(check_size(spec, intent.size, intent.entry.order_type), "size")
    b.problems(check_tick(spec, intent.trigger, "trigger"), "trigger")
    if intent.entry.order_type is OrderType.LIMIT and intent.entry.price is not None:
        b.problems(check_tick(spec, intent.entry.price, "order price"), "order.price")
    setting = ws.setting(intent.symbol)
    leverage = intent.leverage or (setting.leverage if setting else None)
    margin = intent.margin or (setting.margin if setting else None)
    if leverage is None or margin is None:
        b.error("leverage-unknown", "plan_order needs leverage and margin", "leverage")
        return
    held = ws.positions_on(intent.symbol)
    if held and not intent.reduce_only and (held[0].leverage, held[0].margin) != (leverage, margin):
        b.error(
            "leverage-conflict",
            f"{intent.symbol} has an open position at "
            f"{plain(held[0].leverage)}x {held[0].margin.value}",
            "leverage",
            "inherit the open position's leverage and margin mode",
        )
    price_ref = market.price(intent.source)
    if intent.direction is not None:
        way = intent.direction
    elif intent.trigger == price_ref:
        b.error(
            "trigger-at-price",
            f"trigger {plain(intent.trigger)} equals the current "
            f"{intent.source.value} price; say direction: rises or falls",
            "trigger",
        )
        return
    else:
        way = PriceWay.RISE if intent.trigger > price_ref else PriceWay.FALL
    rises = way is PriceWay.RISE
    if (rises and intent.trigger <= price_ref) or (not rises and intent.trigger >= price_ref):
        b.error(
            "trigger-fires-immediately",
            f"trigger {plain(intent.trigger)} has already been "
            f"reached: {intent.source.value} price is {plain(price_ref)}",
            "trigger",
        )
    order_price = (
        intent.entry.price if intent.entry.order_type is OrderType.LIMIT else intent.trigger
    )
    assert order_price is not None
    if not intent.reduce_only:
        value = est.notional(intent.size, spec.contract_size, order_price)
        b.problems(check_leverage(spec, leverage, value), "leverage")
        limit = ctx.policy.max_order_notional
        if limit is not None and value > limit:
            b.error(
                "policy-order-notional",
                f"order notional {plain(value.quantize(ZERO))} USDT "
                f"exceeds max_order_notional {plain(limit)}",
                "size",
            )
        if ctx.policy.max_leverage is not None and leverage > ctx.policy.max_leverage:
            b.error(
                "policy-leverage",
                f"leverage {plain(leverage)}x exceeds the plan's "
                f"max_leverage {plain(ctx.policy.max_leverage)}x",
                "leverage",
            )
    if b.failed():
        return
    action = SubmitPlanOrder(
        step_index=intent.index,
        summary=f"plan order {intent.key}: {'close' if intent.reduce_only else 'open'} "
        f"{intent.side.value} {plain(intent.size)} {intent.symbol} when {intent.source.value} "
        f"{'rises to' if way is PriceWay.RISE else 'falls to'} {plain(intent.trigger)}",
        symbol=intent.symbol,
        side=_plan_side(intent.side, intent.reduce_only),
        size=intent.size,
        trigger=intent.trigger,
        source=intent.source,
        price_way=way,
        order_type=intent.entry.order_type,
        executive_price=(
            intent.entry.price if intent.entry.order_type is OrderType.LIMIT else None
        ),
        time_in_force=intent.entry.time_in_force,
        leverage=leverage,
        margin=margin,
        take_profit=intent.take_profit,
        stop_loss=intent.stop_loss,
        step_key=intent.key,
    )
    plans = [t for t in ws.triggers_on(intent.symbol) if t.kind is TriggerKind.PLAN]
    known_id = ctx.plan_order_registry.get(intent.key)
    mine = next((t for t in plans if t.order_id == known_id), None) if known_id else None
    b.after = {"trigger": intent.trigger, "size": intent.size, "order": intent.entry.order_type}
    if not intent.reduce_only:
        b.estimate = _if_triggered(ctx, intent, order_price, leverage, margin)
    if mine is not None:
        b.before = {"trigger": mine.trigger, "size": mine.size, "order": mine.order_type}
        if _matches(mine, action):
            _modify_presets(b, intent, mine, action)
            return
        if _modifiable(mine, action):
            _modify(b, ctx, intent, mine, action)
            return
        summary = f"cancel plan order {mine.order_id} (parameters changed)"
        cancel_trigger(b, ctx, intent.symbol, mine, summary, category=Category.ORDER)
    elif known_id is not None:
        b.warn(
            "plan-order-gone",
            f"plan order {known_id} placed by an earlier apply of this step "
            "is no longer waiting (triggered or cancelled); it is not placed again",
            "",
            "give the step a new id to place a new one",
        )
        b.after = {}
        b.estimate = None  # no fill is coming: figures "if filled" would count it twice
        return
    else:
        twin = next((t for t in plans if _matches(t, action)), None)
        if twin is not None:
            b.before = dict(b.after)
            b.note(f"an identical plan order {twin.order_id} is already waiting")
            return
    b.add(action)
    ws.triggers.append(
        TriggerOrder(
            "(new)",
            "",
            intent.symbol,
            TriggerKind.PLAN,
            action.side,
            intent.size,
            intent.trigger,
            action.executive_price or ZERO,
            intent.source,
            way,
            None,
            intent.entry.order_type.value,
            leverage,
            margin,
        )
    )


def _if_triggered(
    ctx: Ctx,
    intent: PlanOrderIntent,
    price: Decimal,
    leverage: Decimal,
    margin: Margin,
) -> Estimate:
    """Margin, fee and liquidation of the position the order opens when it triggers (a limit
    order rests at the maker rate; a market one pays the taker rate)."""
    spec = ctx.ws.spec(intent.symbol)
    assert spec is not None
    rate = spec.maker_fee if intent.entry.order_type is OrderType.LIMIT else spec.taker_fee
    filled, _ = ctx.ws.preview_open(
        intent.symbol, intent.side, intent.size, price, leverage, margin, rate
    )
    protections = [
        trigger_order(intent.symbol, intent.side, kind, level)
        for kind, level in (
            ("take_profit", intent.take_profit),
            ("stop_loss", intent.stop_loss),
        )
        if level is not None
    ]
    return estimate_for(
        spec,
        filled,
        protections,
        traded=intent.size,
        trade_price=price,
        trade_rate=rate,
        if_filled=True,
    )
