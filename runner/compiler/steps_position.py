"""Compile position-shaped steps: position (target), open/close (actions), tp_sl (target)."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import (
    CancelOrder,
    CancelTrigger,
    ModifyTpSl,
    Protection,
    SubmitOrder,
    SubmitTpSl,
    close_side_code,
    open_side_code,
    placeholder_id,
)
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_leverage, check_protection, check_size, check_tick
from runner.compiler.ctx import Ctx
from runner.compiler.intents import (
    KEEP,
    CloseIntent,
    Entry,
    OpenIntent,
    PositionIntent,
    Protect,
    TpSlIntent,
    Trigger,
)
from runner.compiler.result import Estimate
from runner.compiler.snapshot import ContractSpec, Market, Position, TriggerOrder, WorkingOrder
from runner.domain import Margin, Mode, PosSide, TriggerKind

ZERO = Decimal(0)
PURPOSE = {"take_profit": "T", "stop_loss": "S"}


def _other(side: PosSide) -> PosSide:
    return PosSide.SHORT if side is PosSide.LONG else PosSide.LONG


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _lookup(b: StepBuilder, ctx: Ctx, symbol: str) -> tuple[ContractSpec, Market] | None:
    spec, market = ctx.ws.spec(symbol), ctx.ws.market(symbol)
    if spec is None or market is None:
        b.error(
            "unknown-symbol",
            f"{symbol} is not a contract on {ctx.target}",
            "symbol",
            "check the symbol (e.g. BTCUSDT)",
        )
        return None
    if not spec.trading:
        b.error("symbol-not-trading", f"{symbol} is not trading (delisted or paused)", "symbol")
        return None
    allowed = ctx.policy.allowed_symbols
    if allowed is not None and symbol not in allowed:
        b.error(
            "policy-symbol",
            f"{symbol} is not in the plan's allowed_symbols",
            "symbol",
            "add it to policy.allowed_symbols or use another symbol",
        )
    return spec, market


def _resolve_leverage(
    b: StepBuilder, ctx: Ctx, intent: PositionIntent
) -> tuple[Decimal, Margin] | None:
    """An open position fixes leverage and margin mode; unsaid values inherit them."""
    held = ctx.ws.positions_on(intent.symbol)
    if held:
        lev, margin = held[0].leverage, held[0].margin
        where = f"{intent.symbol} has an open {held[0].side.value} at {_fmt(lev)}x {margin.value}"
        hint = "leave leverage/margin out to inherit them, or close the position first"
        if intent.leverage is not None and intent.leverage != lev:
            b.error(
                "leverage-conflict",
                f"leverage {_fmt(intent.leverage)}x conflicts: {where}",
                "leverage",
                hint,
            )
        if intent.margin is not None and intent.margin is not margin:
            b.error(
                "margin-conflict",
                f"margin {intent.margin.value} conflicts: {where}",
                "margin",
                hint,
            )
        return lev, margin
    working = [o for o in ctx.ws.orders_on(intent.symbol) if o.opens and o.margin is not None]
    setting = ctx.ws.setting(intent.symbol)
    want_lev: Decimal | None = (
        intent.leverage
        or (working[0].leverage if working else None)
        or (setting.leverage if setting else None)
    )
    want_margin: Margin | None = (
        intent.margin
        or (working[0].margin if working else None)
        or (setting.margin if setting else None)
    )
    if want_lev is None or want_margin is None:
        b.error(
            "leverage-unknown",
            f"no leverage/margin for {intent.symbol}",
            "leverage",
            "set leverage and margin on the step or in defaults",
        )
        return None
    for order in working:
        if order.leverage != want_lev or order.margin is not want_margin:
            b.error(
                "leverage-conflict",
                f"working order {order.order_id} on {intent.symbol} uses "
                f"{_fmt(order.leverage)}x {order.margin.value if order.margin else '?'}",
                "leverage",
                "cancel it first or use the same leverage and margin",
            )
            break
    return want_lev, want_margin


def _entry_price(entry: Entry, market: Market) -> Decimal:
    return entry.price if entry.order_type == "limit" and entry.price is not None else market.last


def _resolve_trigger(trigger: Trigger, entry: Decimal, tick: Decimal) -> Decimal:
    """Relative triggers are % of the entry, rounded to the tick toward the entry (protective)."""
    if trigger.price is not None:
        return trigger.price
    assert trigger.percent is not None
    raw = entry * (1 + trigger.percent / 100)
    return est.to_tick(raw, tick, up=raw < entry)


def _size_from_notional(notional: Decimal, spec: ContractSpec, price: Decimal) -> Decimal:
    contracts = notional / (spec.contract_size * price) / spec.step
    return contracts.to_integral_value(rounding=ROUND_FLOOR) * spec.step


def _describe(pos: Position | None, triggers: list[TriggerOrder]) -> dict[str, object]:
    tp = next((t.trigger for t in triggers if t.kind is TriggerKind.TAKE_PROFIT), None)
    sl = next((t.trigger for t in triggers if t.kind is TriggerKind.STOP_LOSS), None)
    if pos is None:
        return {"size": ZERO, "take_profit": tp, "stop_loss": sl}
    return {
        "size": pos.size,
        "entry_price": pos.entry_price,
        "leverage": pos.leverage,
        "margin": pos.margin.value,
        "liquidation_price": pos.liquidation_price,
        "take_profit": tp,
        "stop_loss": sl,
    }


def _protections(ctx: Ctx, symbol: str, side: PosSide) -> list[TriggerOrder]:
    closing = close_side_code(side)
    return [
        t
        for t in ctx.ws.triggers_on(symbol)
        if t.kind is not TriggerKind.PLAN and t.side_code == closing and t.plan_category == 2
    ]


def compile_position(b: StepBuilder, ctx: Ctx, intent: PositionIntent) -> None:
    looked = _lookup(b, ctx, intent.symbol)
    if looked is None:
        return
    spec, market = looked
    ws = ctx.ws
    entry_est = _entry_price(intent.entry, market)
    if intent.entry.order_type == "limit" and intent.entry.price is not None:
        b.problems(check_tick(spec, intent.entry.price, "limit price"), "entry.price")
    levmargin = _resolve_leverage(b, ctx, intent)
    held = ws.position(intent.symbol, intent.side)
    b.before = _describe(held, _protections(ctx, intent.symbol, intent.side))
    if intent.size is not None:
        wanted = intent.size
    else:
        assert intent.notional is not None
        wanted = _size_from_notional(intent.notional, spec, entry_est)
        b.note(
            f"notional {_fmt(intent.notional)} USDT = {_fmt(wanted)} contracts at {_fmt(entry_est)}"
        )
        if wanted <= 0:
            b.error(
                "notional-too-small",
                f"notional {_fmt(intent.notional)} USDT is less than one "
                f"contract ({_fmt(spec.contract_size * entry_est)} USDT)",
                "notional",
            )
    _policy_stop(b, ctx, intent, wanted)
    if levmargin is not None:
        _policy_leverage(b, ctx, levmargin[0])
    if levmargin is None or b.failed():
        return
    leverage, margin = levmargin
    is_open = isinstance(intent, OpenIntent)
    current = held.size if held else ZERO
    prefix = ctx.ids.prefix(intent.key)
    pending = [
        o
        for o in ws.orders_on(intent.symbol)
        if o.opens
        and o.side_code == open_side_code(intent.side)
        and o.client_order_id.startswith(prefix)
    ]
    pending_size = sum((o.remaining for o in pending), ZERO)
    if is_open:
        delta = wanted
    else:
        delta = wanted - current - pending_size
        if delta != 0 and pending:
            for order in pending:
                b.add(
                    CancelOrder(
                        step_index=intent.index,
                        summary=f"cancel stale entry order "
                        f"{order.order_id} ({_fmt(order.remaining)} @ {_fmt(order.price)})",
                        symbol=intent.symbol,
                        order_id=order.order_id,
                    )
                )
                ws.open_orders.remove(order)
                ws.futures_available += _reserved(spec, order)
            delta = wanted - current
        elif pending:
            b.note(
                f"entry order {pending[0].order_id} for {_fmt(pending_size)} contracts is working"
            )
    if ws.mode is Mode.ONE_WAY and (delta > 0 or is_open):
        opposite = ws.position(intent.symbol, _other(intent.side))
        if opposite is not None:
            _close(b, ctx, spec, market, opposite, opposite.size, Entry(), purpose="F")
            b.note(
                f"one-way mode: the {opposite.side.value} is closed before opening the "
                f"{intent.side.value}"
            )
    flat_before = ws.position(intent.symbol, intent.side) is None and not pending
    if delta > 0:
        _open(b, ctx, spec, market, intent, delta, leverage, margin, entry_est, flat_before)
    elif delta < 0 and held is not None:
        _close(b, ctx, spec, market, held, -delta, intent.entry, purpose="C")
    if b.failed():
        return
    after = ws.position(intent.symbol, intent.side)
    if after is not None and not (delta > 0 and flat_before):
        _diff_protection(
            b,
            ctx,
            spec,
            market,
            intent.symbol,
            intent.side,
            "take_profit",
            intent.take_profit,
            after,
            "take_profit",
        )
        _diff_protection(
            b,
            ctx,
            spec,
            market,
            intent.symbol,
            intent.side,
            "stop_loss",
            intent.stop_loss,
            after,
            "stop_loss",
        )
    _finish(b, ctx, spec, intent, leverage, margin)


def _reserved(spec: ContractSpec, order: WorkingOrder) -> Decimal:
    if order.leverage <= 0:
        return ZERO
    value = est.notional(order.remaining, spec.contract_size, order.price)
    return est.initial_margin(value, order.leverage) + est.fee(value, spec.maker_fee)


def _open(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    intent: PositionIntent,
    size: Decimal,
    leverage: Decimal,
    margin: Margin,
    entry_est: Decimal,
    flat: bool,
) -> None:
    ws = ctx.ws
    entry = intent.entry
    field = "size" if intent.size is not None else "notional"
    b.problems(check_size(spec, size, entry.order_type), field)
    held = ws.position(intent.symbol, intent.side)
    total = (held.size if held else ZERO) + size
    resulting_notional = est.notional(total, spec.contract_size, entry_est)
    b.problems(check_leverage(spec, leverage, resulting_notional), "leverage")
    _policy_open(
        b, ctx, leverage, est.notional(size, spec.contract_size, entry_est), resulting_notional
    )
    long = intent.side is PosSide.LONG
    marketable = entry.order_type == "market" or (
        entry_est >= market.last if long else entry_est <= market.last
    )
    if entry.order_type == "limit" and entry.time_in_force == "maker_only" and marketable:
        b.error(
            "maker-only-would-take",
            f"maker-only limit {_fmt(entry_est)} would cross the "
            f"last price {_fmt(market.last)} and be rejected",
            "entry.price",
            "move the price away from the market or use gtc",
        )
    fill_price = market.last if marketable else entry_est
    fee_rate = spec.taker_fee if marketable else spec.maker_fee
    value = est.notional(size, spec.contract_size, fill_price)
    cost = est.initial_margin(value, leverage) + est.fee(value, fee_rate)
    if cost > ws.futures_available:
        b.error(
            "insufficient-margin",
            f"opening {_fmt(size)} contracts needs about "
            f"{_fmt(cost.quantize(Decimal('0.01')))} USDT (margin + fee) but only "
            f"{_fmt(ws.futures_available.quantize(Decimal('0.01')))} USDT is available",
            field,
            "add an ensure_balance step before it, reduce the size or raise leverage",
        )
    tp = sl = None
    if flat:
        tp = _preset(
            b,
            ctx,
            spec,
            market,
            intent,
            "take_profit",
            intent.take_profit,
            fill_price,
            leverage,
            margin,
            size,
        )
        sl = _preset(
            b,
            ctx,
            spec,
            market,
            intent,
            "stop_loss",
            intent.stop_loss,
            fill_price,
            leverage,
            margin,
            size,
        )
    if b.failed():
        return
    purpose = "O"
    order = SubmitOrder(
        step_index=intent.index,
        summary=f"{'open' if flat else 'add'} {intent.side.value} {_fmt(size)} {intent.symbol} "
        f"{entry.order_type}{'' if entry.order_type == 'market' else ' @ ' + _fmt(entry_est)} "
        f"{_fmt(leverage)}x {margin.value}",
        symbol=intent.symbol,
        side_code=open_side_code(intent.side),
        size=size,
        order_type=entry.order_type,
        price=entry.price if entry.order_type == "limit" else None,
        time_in_force=entry.time_in_force,
        leverage=leverage,
        margin=margin,
        cid=ctx.ids.make(intent.key, purpose),
        take_profit=tp,
        stop_loss=sl,
        est_price=fill_price,
        runs_every_apply=b.is_action,
    )
    b.add(order)
    if marketable:
        ws.fill_open(intent.symbol, intent.side, size, fill_price, leverage, margin, fee_rate)
        for kind, protection in (("take_profit", tp), ("stop_loss", sl)):
            if protection is not None:
                placeholder = placeholder_id("preset", intent.side)
                _remember_trigger(
                    ctx, intent.symbol, intent.side, kind, protection, placeholder, ""
                )
    else:
        ws.open_orders.append(
            WorkingOrder(
                "(new)",
                order.cid,
                intent.symbol,
                order.side_code,
                "limit",
                entry_est,
                size,
                ZERO,
                leverage,
                margin,
            )
        )
        ws.futures_available -= cost
        b.note(f"limit order rests at {_fmt(entry_est)}; the position changes when it fills")


def _preset(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    intent: PositionIntent,
    kind: str,
    wanted: Protect,
    entry: Decimal,
    leverage: Decimal,
    margin: Margin,
    size: Decimal,
) -> Protection | None:
    if wanted is KEEP or wanted is None:
        return None
    assert isinstance(wanted, Trigger)
    trigger = _resolve_trigger(wanted, entry, spec.tick)
    if wanted.price is not None and not b.problems(
        check_tick(spec, trigger, kind.replace("_", "-")), f"{kind}.trigger"
    ):
        return None
    liq = est.liquidation_price(
        is_long=intent.side is PosSide.LONG,
        entry_price=entry,
        contracts=size,
        contract_size=spec.contract_size,
        leverage=leverage,
        brackets=spec.brackets,
        taker_rate=spec.taker_fee,
        extra_margin=ctx.ws.futures_available if margin is Margin.CROSS else ZERO,
    )
    b.problems(
        check_protection(
            kind=kind,
            side=intent.side,
            trigger=trigger,
            reference=market.price(wanted.source),
            reference_name=wanted.source.value,
            entry=entry,
            liquidation=liq,
            existing_position=False,
        ),
        f"{kind}.trigger",
    )
    if wanted.relative:
        b.note(
            f"{kind.replace('_', '-')} {_fmt(wanted.percent or ZERO)}% of the estimated entry "
            f"{_fmt(entry)} = {_fmt(trigger)} (re-resolved against the actual fill)"
        )
    return Protection(trigger, wanted.source, wanted.percent)


def _remember_trigger(
    ctx: Ctx, symbol: str, side: PosSide, kind: str, protection: Protection, order_id: str, cid: str
) -> None:
    ctx.ws.triggers.append(
        TriggerOrder(
            order_id,
            cid,
            symbol,
            TriggerKind(kind),
            close_side_code(side),
            ZERO,
            protection.trigger,
            ZERO,
            protection.source,
            0,
            2,
            "market",
            ZERO,
            None,
        )
    )


def _diff_protection(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    symbol: str,
    side: PosSide,
    kind: str,
    wanted: Protect,
    position: Position,
    field: str,
) -> None:
    if wanted is KEEP:
        return
    existing = [t for t in _protections(ctx, symbol, side) if t.kind.value == kind]
    label = kind.replace("_", "-")
    if wanted is None:
        for order in existing:
            b.add(
                CancelTrigger(
                    step_index=b.intent.index,
                    summary=f"remove {label} {_fmt(order.trigger)} on {symbol} {side.value}",
                    symbol=symbol,
                    order_id=order.order_id,
                )
            )
            ctx.ws.triggers.remove(order)
        return
    assert isinstance(wanted, Trigger)
    trigger = _resolve_trigger(wanted, position.entry_price, spec.tick)
    if wanted.price is not None and not b.problems(
        check_tick(spec, trigger, label), f"{field}.trigger"
    ):
        return
    b.problems(
        check_protection(
            kind=kind,
            side=side,
            trigger=trigger,
            reference=market.price(wanted.source),
            reference_name=wanted.source.value,
            entry=position.entry_price,
            liquidation=position.liquidation_price,
            existing_position=True,
        ),
        f"{field}.trigger",
    )
    protection = Protection(trigger, wanted.source)
    if not existing:
        cid = ctx.ids.make(b.intent.key, PURPOSE[kind])
        b.add(
            SubmitTpSl(
                step_index=b.intent.index,
                summary=f"set {label} {_fmt(trigger)} "
                f"({wanted.source.value}) on {symbol} {side.value}",
                symbol=symbol,
                side=side,
                kind=kind,
                protection=protection,
                cid=cid,
            )
        )
        _remember_trigger(ctx, symbol, side, kind, protection, placeholder_id("new", side), cid)
        return
    first, extras = existing[0], existing[1:]
    if first.trigger != trigger or first.price_source is not wanted.source:
        previous = Protection(first.trigger, first.price_source)
        b.add(
            ModifyTpSl(
                step_index=b.intent.index,
                summary=f"move {label} {_fmt(first.trigger)} "
                f"-> {_fmt(trigger)} ({wanted.source.value}) on {symbol} {side.value}",
                symbol=symbol,
                order_id=first.order_id,
                kind=kind,
                protection=protection,
                previous=previous,
            )
        )
        ctx.ws.triggers.remove(first)
        _remember_trigger(
            ctx, symbol, side, kind, protection, first.order_id, first.client_order_id
        )
    for order in extras:
        b.add(
            CancelTrigger(
                step_index=b.intent.index,
                summary=f"remove duplicate {label} {_fmt(order.trigger)}",
                symbol=symbol,
                order_id=order.order_id,
            )
        )
        ctx.ws.triggers.remove(order)


def _close(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    held: Position,
    size: Decimal,
    entry: Entry,
    *,
    purpose: str,
) -> None:
    b.problems(check_size(spec, size, entry.order_type), "size")
    price = entry.price if entry.order_type == "limit" and entry.price is not None else market.last
    if b.failed():
        return
    b.add(
        SubmitOrder(
            step_index=b.intent.index,
            summary=f"close {_fmt(size)} of {held.symbol} {held.side.value} {entry.order_type}"
            f"{'' if entry.order_type == 'market' else ' @ ' + _fmt(price)}",
            symbol=held.symbol,
            side_code=close_side_code(held.side),
            size=size,
            order_type=entry.order_type,
            price=entry.price if entry.order_type == "limit" else None,
            time_in_force=entry.time_in_force,
            cid=ctx.ids.make(b.intent.key, purpose),
            est_price=price,
            runs_every_apply=b.is_action,
        )
    )
    realized = ctx.ws.fill_close(held.symbol, held.side, size, price)
    b.note(f"estimated realized PnL {_fmt(realized.quantize(Decimal('0.01')))} USDT after fees")


def compile_close(b: StepBuilder, ctx: Ctx, intent: CloseIntent) -> None:
    looked = _lookup(b, ctx, intent.symbol)
    if looked is None:
        return
    spec, market = looked
    held = ctx.ws.position(intent.symbol, intent.side)
    b.before = _describe(held, _protections(ctx, intent.symbol, intent.side))
    if held is None:
        b.error(
            "no-position",
            f"there is no {intent.side.value} position on {intent.symbol} to close",
            "",
            "remove the step, or open the position first",
        )
        return
    size = held.size if intent.size is None else intent.size
    if size > held.size:
        b.error(
            "close-exceeds-position",
            f"close {_fmt(size)} is more than the {_fmt(held.size)} contracts held",
            "size",
            "use size: all",
        )
        return
    if intent.entry.order_type == "limit" and intent.entry.price is not None:
        b.problems(check_tick(spec, intent.entry.price, "limit price"), "order.price")
    _close(b, ctx, spec, market, held, size, intent.entry, purpose="C")
    after = ctx.ws.position(intent.symbol, intent.side)
    b.after = _describe(after, _protections(ctx, intent.symbol, intent.side))


def compile_tp_sl(b: StepBuilder, ctx: Ctx, intent: TpSlIntent) -> None:
    looked = _lookup(b, ctx, intent.symbol)
    if looked is None:
        return
    spec, market = looked
    held = ctx.ws.position(intent.symbol, intent.side)
    b.before = _describe(held, _protections(ctx, intent.symbol, intent.side))
    if held is None:
        if intent.take_profit is None and intent.stop_loss is None:
            b.after = dict(b.before)
            return  # "no TP/SL" is already true of a position that does not exist
        b.error(
            "no-position",
            f"tp_sl needs a {intent.side.value} position on {intent.symbol}, "
            "and the account (after the steps before it) has none",
            "",
            "put a position step before it, or remove it",
        )
        return
    _diff_protection(
        b,
        ctx,
        spec,
        market,
        intent.symbol,
        intent.side,
        "take_profit",
        intent.take_profit,
        held,
        "take_profit",
    )
    _diff_protection(
        b,
        ctx,
        spec,
        market,
        intent.symbol,
        intent.side,
        "stop_loss",
        intent.stop_loss,
        held,
        "stop_loss",
    )
    b.after = _describe(held, _protections(ctx, intent.symbol, intent.side))
    if ctx.policy.require_stop_loss and not any(
        t.kind is TriggerKind.STOP_LOSS for t in _protections(ctx, intent.symbol, intent.side)
    ):
        b.error(
            "policy-stop-loss",
            f"the plan requires a stop-loss, and {intent.symbol} "
            f"{intent.side.value} would have none",
            "stop_loss",
            "set stop_loss",
        )


def _policy_stop(b: StepBuilder, ctx: Ctx, intent: PositionIntent, wanted: Decimal) -> None:
    """require_stop_loss: a position the step holds or opens must end up with a stop."""
    if not ctx.policy.require_stop_loss or (wanted <= 0 and not isinstance(intent, OpenIntent)):
        return
    existing = _protections(ctx, intent.symbol, intent.side)
    has_stop = any(t.kind is TriggerKind.STOP_LOSS for t in existing)
    if intent.stop_loss is None or (intent.stop_loss is KEEP and not has_stop):
        b.error(
            "policy-stop-loss",
            f"the plan requires a stop-loss and {intent.symbol} "
            f"{intent.side.value} would have none",
            "stop_loss",
            "add stop_loss to the step",
        )


def _policy_leverage(b: StepBuilder, ctx: Ctx, leverage: Decimal) -> None:
    limit = ctx.policy.max_leverage
    if limit is not None and leverage > limit:
        b.error(
            "policy-leverage",
            f"leverage {_fmt(leverage)}x exceeds the plan's max_leverage {_fmt(limit)}x",
            "leverage",
        )


def _policy_open(
    b: StepBuilder, ctx: Ctx, leverage: Decimal, order_notional: Decimal, position_notional: Decimal
) -> None:
    policy = ctx.policy
    if policy.max_order_notional is not None and order_notional > policy.max_order_notional:
        b.error(
            "policy-order-notional",
            f"order notional {_fmt(order_notional.quantize(ZERO))} USDT "
            f"exceeds max_order_notional {_fmt(policy.max_order_notional)}",
            "size",
        )
    if (
        policy.max_position_notional is not None
        and position_notional > policy.max_position_notional
    ):
        b.error(
            "policy-position-notional",
            f"position notional "
            f"{_fmt(position_notional.quantize(ZERO))} USDT exceeds max_position_notional "
            f"{_fmt(policy.max_position_notional)}",
            "size",
        )


def _finish(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    intent: PositionIntent,
    leverage: Decimal,
    margin: Margin,
) -> None:
    pos = ctx.ws.position(intent.symbol, intent.side)
    protections = _protections(ctx, intent.symbol, intent.side)
    b.after = _describe(pos, protections)
    if pos is None:
        return
    b.estimate = estimate_for(spec, pos, protections)


def estimate_for(spec: ContractSpec, pos: Position, protections: list[TriggerOrder]) -> Estimate:
    long = pos.side is PosSide.LONG
    value = est.notional(pos.size, spec.contract_size, pos.entry_price)
    tp = next((t.trigger for t in protections if t.kind is TriggerKind.TAKE_PROFIT), None)
    sl = next((t.trigger for t in protections if t.kind is TriggerKind.STOP_LOSS), None)

    def pnl_at(price: Decimal | None) -> Decimal | None:
        if price is None:
            return None
        gross = est.pnl(
            is_long=long,
            entry=pos.entry_price,
            exit_price=price,
            contracts=pos.size,
            contract_size=spec.contract_size,
        )
        return gross - est.fee(est.notional(pos.size, spec.contract_size, price), spec.taker_fee)

    at_tp, at_sl = pnl_at(tp), pnl_at(sl)
    rr = (at_tp / -at_sl) if at_tp is not None and at_sl is not None and at_sl < 0 else None
    return Estimate(
        symbol=pos.symbol,
        side=pos.side,
        size=pos.size,
        entry_price=pos.entry_price,
        leverage=pos.leverage,
        margin=pos.margin,
        notional=value,
        initial_margin=est.initial_margin(value, pos.leverage),
        open_fee=est.fee(value, spec.taker_fee),
        liquidation_price=pos.liquidation_price,
        take_profit=tp,
        stop_loss=sl,
        pnl_at_take_profit=at_tp,
        pnl_at_stop_loss=at_sl,
        risk_reward=rr,
    )
