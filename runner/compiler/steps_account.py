"""Compile account-level steps: balance, transfer, mode, leverage, plan_order, cancel."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import (
    CancelOrder,
    CancelTrailing,
    CancelTrigger,
    SetLeverage,
    SetPositionMode,
    SubmitPlanOrder,
    Transfer,
)
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_leverage, check_size, check_tick
from runner.compiler.ctx import Ctx
from runner.compiler.intents import (
    BalanceIntent,
    CancelIntent,
    LeverageIntent,
    ModeIntent,
    PlanOrderIntent,
    TransferIntent,
)
from runner.compiler.snapshot import SymbolSetting, TriggerOrder
from runner.domain import PosSide, TriggerKind

ZERO = Decimal(0)
CENT = Decimal("0.01")
MIN_TRANSFER = CENT


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _usdt(value: Decimal) -> str:
    return f"{_fmt(value.quantize(CENT))} USDT"


def _transfers_possible(b: StepBuilder, ctx: Ctx) -> bool:
    if not ctx.transfers_supported:
        b.error(
            "demo-no-transfers",
            f"{ctx.target} has no spot wallet transfers",
            "",
            "fund the demo account with `claim` in BitMart's UI, and drop this step",
        )
        return False
    return True


def compile_balance(b: StepBuilder, ctx: Ctx, intent: BalanceIntent) -> None:
    ws = ctx.ws
    b.before = {"futures_available": ws.futures_available, "spot_available": ws.spot_available}
    reserve = ctx.balance_reserve.get(intent.index, Decimal(0))
    shortfall = intent.min_available + reserve - ws.futures_available
    if shortfall <= 0:
        b.after = dict(b.before)
        return
    if not _transfers_possible(b, ctx):
        return
    amount = max(MIN_TRANSFER, shortfall.quantize(CENT, rounding=ROUND_CEILING))
    if reserve:
        b.note(
            f"includes {_usdt(reserve)} the later steps of this plan use, so at least "
            f"{_fmt(intent.min_available)} USDT stays available when the plan ends"
        )
    _transfer(b, ctx, amount, to_futures=True, field="min_available")
    b.after = {"futures_available": ws.futures_available, "spot_available": ws.spot_available}


def compile_transfer(b: StepBuilder, ctx: Ctx, intent: TransferIntent) -> None:
    ws = ctx.ws
    b.before = {"futures_available": ws.futures_available, "spot_available": ws.spot_available}
    if not _transfers_possible(b, ctx):
        return
    if intent.amount < MIN_TRANSFER:
        b.error(
            "transfer-amount",
            f"transfer amount must be at least 0.01 USDT (got {_fmt(intent.amount)})",
            "amount",
        )
        return
    _transfer(b, ctx, intent.amount, to_futures=intent.to_futures, field="amount")
    b.after = {"futures_available": ws.futures_available, "spot_available": ws.spot_available}


def _transfer(b: StepBuilder, ctx: Ctx, amount: Decimal, *, to_futures: bool, field: str) -> None:
    ws = ctx.ws
    limit = ctx.policy.max_transfer
    if limit is not None and amount > limit:
        b.error(
            "policy-transfer",
            f"transfer of {_usdt(amount)} exceeds the plan's max_transfer {_fmt(limit)}",
            field,
        )
    source = ws.spot_available if to_futures else ws.futures_available
    if source is None:
        b.error("spot-balance-unknown", "the spot wallet could not be read", field)
        return
    if amount > source:
        where = "spot" if to_futures else "futures"
        b.error(
            "insufficient-balance",
            f"transfer of {_usdt(amount)} needs more than the "
            f"{_usdt(source)} available in the {where} wallet",
            field,
            "deposit USDT to spot first, or lower the amount",
        )
        return
    b.add(
        Transfer(
            step_index=b.intent.index,
            summary=f"transfer {_usdt(amount)} "
            f"{'spot -> futures' if to_futures else 'futures -> spot'}",
            amount=amount,
            to_futures=to_futures,
            runs_every_apply=b.is_action,
        )
    )
    if to_futures:
        ws.futures_available += amount
        ws.spot_available = (ws.spot_available or ZERO) - amount
    else:
        ws.futures_available -= amount
        ws.spot_available = (ws.spot_available or ZERO) + amount


def compile_mode(b: StepBuilder, ctx: Ctx, intent: ModeIntent) -> None:
    ws = ctx.ws
    b.before = {"position_mode": ws.mode.value if ws.mode else None}
    b.after = {"position_mode": intent.mode.value}
    if ws.mode is intent.mode:
        return
    blockers = [f"{p.symbol} {p.side.value} {_fmt(p.size)}" for p in ws.positions.values()]
    blockers += [f"order {o.order_id} on {o.symbol}" for o in ws.open_orders]
    if blockers:
        shown = ", ".join(blockers[:5]) + (" ..." if len(blockers) > 5 else "")
        b.error(
            "mode-switch-not-clean",
            f"switching to {intent.mode.value} needs an account "
            f"with no positions and no open orders; found: {shown}",
            "",
            "close positions and cancel orders before switching mode",
        )
        return
    waiting = [t for t in ws.triggers]
    if waiting:
        b.warn(
            "mode-switch-trigger-orders",
            f"{len(waiting)} plan/TP-SL order(s) are waiting; "
            "BitMart may refuse the switch because of them",
            "",
            "cancel them first if the switch is refused",
        )
    b.add(
        SetPositionMode(
            step_index=intent.index,
            summary=f"switch position mode to {intent.mode.value}",
            mode=intent.mode,
        )
    )
    ws.mode = intent.mode


def compile_leverage(b: StepBuilder, ctx: Ctx, intent: LeverageIntent) -> None:
    ws = ctx.ws
    spec = ws.spec(intent.symbol)
    if spec is None:
        b.error("unknown-symbol", f"{intent.symbol} is not a contract on {ctx.target}", "symbol")
        return
    setting = ws.setting(intent.symbol)
    b.before = {
        "leverage": setting.leverage if setting else None,
        "margin": setting.margin.value if setting else None,
    }
    b.after = {"leverage": intent.leverage, "margin": intent.margin.value}
    held = ws.positions_on(intent.symbol)
    if held and (held[0].leverage != intent.leverage or held[0].margin is not intent.margin):
        field = "margin" if held[0].margin is not intent.margin else "leverage"
        b.error(
            "leverage-conflict",
            f"{intent.symbol} has an open {held[0].side.value} at "
            f"{_fmt(held[0].leverage)}x {held[0].margin.value}; an open position fixes its "
            "symbol's leverage and margin mode",
            field,
            "inherit the open position's leverage and margin mode, or close it first",
        )
        return
    notional = sum((est.notional(p.size, spec.contract_size, p.entry_price) for p in held), ZERO)
    b.problems(check_leverage(spec, intent.leverage, notional), "leverage")
    limit = ctx.policy.max_leverage
    if limit is not None and intent.leverage > limit:
        b.error(
            "policy-leverage",
            f"leverage {_fmt(intent.leverage)}x exceeds the plan's max_leverage {_fmt(limit)}x",
            "leverage",
        )
    if setting and setting.leverage == intent.leverage and setting.margin is intent.margin:
        return
    b.add(
        SetLeverage(
            step_index=intent.index,
            summary=f"set {intent.symbol} leverage {_fmt(intent.leverage)}x {intent.margin.value}",
            symbol=intent.symbol,
            leverage=intent.leverage,
            margin=intent.margin,
        )
    )
    ws.settings[intent.symbol] = SymbolSetting(intent.symbol, intent.leverage, intent.margin)


def _plan_side_code(side: PosSide, reduce_only: bool) -> int:
    if reduce_only:
        return 3 if side is PosSide.LONG else 2
    return 1 if side is PosSide.LONG else 4


def _matches(order: TriggerOrder, action: SubmitPlanOrder) -> bool:
    return (
        order.kind is TriggerKind.PLAN
        and order.symbol == action.symbol
        and order.side_code == action.side_code
        and order.size == action.size
        and order.trigger == action.trigger
        and order.price_source is action.source
        and order.price_way == action.price_way
        and order.order_type == action.order_type
        and (action.order_type != "limit" or order.executive_price == action.executive_price)
        and (action.side_code in (2, 3) or order.leverage == action.leverage)
    )


def compile_plan_order(b: StepBuilder, ctx: Ctx, intent: PlanOrderIntent) -> None:
    ws = ctx.ws
    spec, market = ws.spec(intent.symbol), ws.market(intent.symbol)
    if spec is None or market is None:
        b.error("unknown-symbol", f"{intent.symbol} is not a contract on {ctx.target}", "symbol")
        return
    b.problems(check_size(spec, intent.size, intent.entry.order_type), "size")
    b.problems(check_tick(spec, intent.trigger, "trigger"), "trigger")
    if intent.entry.order_type == "limit" and intent.entry.price is not None:
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
            f"{_fmt(held[0].leverage)}x {held[0].margin.value}",
            "leverage",
            "inherit the open position's leverage and margin mode",
        )
    price_ref = market.price(intent.source)
    if intent.direction is not None:
        way = 1 if intent.direction == "rises" else 2
    elif intent.trigger == price_ref:
        b.error(
            "trigger-at-price",
            f"trigger {_fmt(intent.trigger)} equals the current "
            f"{intent.source.value} price; say direction: rises or falls",
            "trigger",
        )
        return
    else:
        way = 1 if intent.trigger > price_ref else 2
    if (way == 1 and intent.trigger <= price_ref) or (way == 2 and intent.trigger >= price_ref):
        b.error(
            "trigger-fires-immediately",
            f"trigger {_fmt(intent.trigger)} has already been "
            f"reached: {intent.source.value} price is {_fmt(price_ref)}",
            "trigger",
        )
    order_price = intent.entry.price if intent.entry.order_type == "limit" else intent.trigger
    assert order_price is not None
    if not intent.reduce_only:
        value = est.notional(intent.size, spec.contract_size, order_price)
        b.problems(check_leverage(spec, leverage, value), "leverage")
        limit = ctx.policy.max_order_notional
        if limit is not None and value > limit:
            b.error(
                "policy-order-notional",
                f"order notional {_fmt(value.quantize(ZERO))} USDT "
                f"exceeds max_order_notional {_fmt(limit)}",
                "size",
            )
        if ctx.policy.max_leverage is not None and leverage > ctx.policy.max_leverage:
            b.error(
                "policy-leverage",
                f"leverage {_fmt(leverage)}x exceeds the plan's "
                f"max_leverage {_fmt(ctx.policy.max_leverage)}x",
                "leverage",
            )
    if b.failed():
        return
    action = SubmitPlanOrder(
        step_index=intent.index,
        summary=f"plan order {intent.key}: {'close' if intent.reduce_only else 'open'} "
        f"{intent.side.value} {_fmt(intent.size)} {intent.symbol} when {intent.source.value} "
        f"{'rises to' if way == 1 else 'falls to'} {_fmt(intent.trigger)}",
        symbol=intent.symbol,
        side_code=_plan_side_code(intent.side, intent.reduce_only),
        size=intent.size,
        trigger=intent.trigger,
        source=intent.source,
        price_way=way,
        order_type=intent.entry.order_type,
        executive_price=intent.entry.price if intent.entry.order_type == "limit" else None,
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
    if mine is not None:
        b.before = {"trigger": mine.trigger, "size": mine.size, "order": mine.order_type}
        if _matches(mine, action):
            return
        b.add(
            CancelTrigger(
                step_index=intent.index,
                summary=f"cancel plan order {mine.order_id} (parameters changed)",
                symbol=intent.symbol,
                order_id=mine.order_id,
            )
        )
        ws.triggers.remove(mine)
    elif known_id is not None:
        b.warn(
            "plan-order-gone",
            f"plan order {known_id} placed by an earlier apply of this step "
            "is no longer waiting (triggered or cancelled); it is not placed again",
            "",
            "give the step a new id to place a new one",
        )
        b.after = {}
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
            action.side_code,
            intent.size,
            intent.trigger,
            action.executive_price or ZERO,
            intent.source,
            way,
            0,
            intent.entry.order_type,
            leverage,
            margin,
        )
    )


_SIDE_CODES = {PosSide.LONG: {1, 3}, PosSide.SHORT: {2, 4}}


def compile_cancel(b: StepBuilder, ctx: Ctx, intent: CancelIntent) -> None:
    ws = ctx.ws
    sides = _SIDE_CODES[intent.side] if intent.side else {1, 2, 3, 4}
    orders = [o for o in ws.orders_on(intent.symbol) if o.side_code in sides]
    triggers = [t for t in ws.triggers_on(intent.symbol) if t.side_code in sides]
    if intent.what not in ("orders", "all"):
        orders = []
    if intent.what == "plan_orders":
        triggers = [t for t in triggers if t.kind is TriggerKind.PLAN]
    elif intent.what == "tp_sl":
        triggers = [t for t in triggers if t.kind is not TriggerKind.PLAN]
    elif intent.what == "orders":
        triggers = []
    b.before = {"open_orders": len(orders), "trigger_orders": len(triggers)}
    b.after = {"open_orders": 0, "trigger_orders": 0}
    for order in orders:
        kind = CancelTrailing if order.order_type == "trailing" else CancelOrder
        b.add(
            kind(
                step_index=intent.index,
                summary=f"cancel {order.order_type} order {order.order_id} on {intent.symbol}",
                symbol=intent.symbol,
                order_id=order.order_id,
            )
        )
        ws.open_orders.remove(order)
        if order.opens and order.leverage > 0:
            spec = ws.spec(intent.symbol)
            if spec is not None:
                value = est.notional(order.remaining, spec.contract_size, order.price)
                ws.futures_available += est.initial_margin(value, order.leverage)
    for trig in triggers:
        b.add(
            CancelTrigger(
                step_index=intent.index,
                summary=f"cancel {trig.kind.value} order {trig.order_id} on {intent.symbol}",
                symbol=intent.symbol,
                order_id=trig.order_id,
            )
        )
        ws.triggers.remove(trig)
