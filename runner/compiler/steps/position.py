"""The `position` target: hold exactly a size on one side, with leverage, margin and protection."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_FLOOR, Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import SubmitOrder, placeholder_id
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_leverage, check_size, check_tick
from runner.compiler.ctx import Ctx
from runner.compiler.intents import (
    KEEP,
    Entry,
    OpenIntent,
    PositionIntent,
)
from runner.compiler.snapshot import ContractSpec, Market, WorkingOrder
from runner.compiler.steps.close import close_contracts
from runner.compiler.steps.common import (
    ZERO,
    cancel_resting,
    check_policy_leverage,
    describe,
    lookup,
    other_side,
    resolve_leverage,
)
from runner.compiler.steps.completion import completion
from runner.compiler.steps.ladder import (
    check_ladder_sizes,
    diff_ladder,
    filled_size,
    ladder_done,
    ladder_orders,
    level_estimates,
)
from runner.compiler.steps.position_checks import (
    check_contradiction,
    held_notional,
    margin_hint,
)
from runner.compiler.steps.position_figures import Trade, finish
from runner.compiler.steps.protection import (
    diff_protections,
    preset_protection,
    protections_of,
    remember_trigger,
)
from runner.compiler.steps.resting import count_closes, modify_entry, modify_presets, reserved
from runner.compiler.steps.risk_size import risk_target
from runner.compiler.steps.stop_rules import ruled_stop
from runner.compiler.steps.trailing import diff_trailing, trailing_text
from runner.domain import Margin, Mode, OrderSide, OrderType, PosSide, TimeInForce, TriggerKind
from runner.money import plain


def _entry_price(entry: Entry, market: Market) -> Decimal:
    return (
        entry.price
        if entry.order_type is OrderType.LIMIT and entry.price is not None
        else market.last
    )


def _size_from_notional(notional: Decimal, spec: ContractSpec, price: Decimal) -> Decimal:
    contracts = notional / (spec.contract_size * price) / spec.step
    return contracts.to_integral_value(rounding=ROUND_FLOOR) * spec.step


def compile_position(b: StepBuilder, ctx: Ctx, intent: PositionIntent) -> None:
    looked = lookup(b, ctx, intent.symbol)
    if looked is None:
        return
    spec, market = looked
    ws = ctx.ws
    entry_est = _entry_price(intent.entry, market)
    if intent.entry.order_type is OrderType.LIMIT and intent.entry.price is not None:
        b.problems(check_tick(spec, intent.entry.price, "limit price"), "entry.price")
    levmargin = resolve_leverage(b, ctx, intent)
    held = ws.position(intent.symbol, intent.side)
    b.before = describe(held, protections_of(ctx, intent.symbol, intent.side), spec.tick)
    opposite = ws.position(intent.symbol, other_side(intent.side))
    if held is None and opposite is not None and ws.mode is Mode.ONE_WAY:
        # a flip: the position before is the other side's, not "size 0"
        before = describe(opposite, protections_of(ctx, intent.symbol, opposite.side), spec.tick)
        b.before = {"side": opposite.side.value, **before}
    if intent.trailing_stop is not KEEP:
        b.before["trailing_stop"] = trailing_text(ctx, intent)
    if intent.size is not None:
        wanted = intent.size
    elif intent.risk is not None:
        wanted = risk_target(b, ctx, spec, intent, entry_est, held)
    else:
        assert intent.notional is not None
        kept = held_notional(b, ctx, spec, market, intent, held)
        wanted = kept if kept is not None else _size_from_notional(intent.notional, spec, entry_est)
        if kept is None:
            b.note(
                f"notional {plain(intent.notional)} USDT = {plain(wanted)} contracts"
                f" at {plain(entry_est)}"
            )
        if wanted <= 0:
            b.error(
                "notional-too-small",
                f"notional {plain(intent.notional)} USDT is less than one "
                f"contract ({plain(spec.contract_size * entry_est)} USDT)",
                "notional",
            )
    check_ladder_sizes(b, intent, wanted)
    target = wanted
    wanted -= filled_size(ctx, intent, target)
    if ladder_done(ctx, intent, held):
        wanted = ZERO
        b.note("the position closed after take-profit levels filled: the step does not re-open")
    _policy_stop(b, ctx, intent, wanted)
    check_contradiction(b, ctx, intent, wanted)
    if levmargin is not None:
        check_policy_leverage(b, ctx, levmargin[0])
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
        and o.side is OrderSide.opening(intent.side)
        and o.client_order_id.startswith(prefix)
    ]
    if not is_open:
        gated = completion(b, ctx, intent, held, pending, wanted)
        if gated is None:
            finish(b, ctx, spec, intent, None)
            return
        wanted, pending = gated
    pending_size = sum((o.remaining for o in pending), ZERO)
    if is_open:
        delta = wanted
    else:
        delta = wanted - current - pending_size
        edited = (
            modify_entry(b, ctx, spec, intent, pending[0], delta) if len(pending) == 1 else None
        )
        if edited is not None:
            if held is None:
                modify_presets(b, ctx, spec, market, intent, edited, leverage, margin)
            b.note(
                f"entry order {edited.order_id} for {plain(edited.remaining)} contracts is working"
            )
            delta = ZERO
        elif pending and (delta != 0 or intent.entry.order_type != "limit"):
            for order in pending:
                summary = (
                    f"cancel stale entry order "
                    f"{order.order_id} ({plain(order.remaining)} @ {plain(order.price)})"
                )
                cancel_resting(b, ctx, intent.symbol, order, summary)
                ws.futures_available += reserved(spec, order)
            delta = wanted - current
        elif pending:
            b.note(
                f"entry order {pending[0].order_id} for {plain(pending_size)} contracts is working"
            )
        delta = count_closes(b, ctx, intent, delta)
    if ws.mode is Mode.ONE_WAY and (delta > 0 or is_open):
        opposite = ws.position(intent.symbol, other_side(intent.side))
        if opposite is not None:
            close_contracts(b, ctx, spec, market, opposite, opposite.size, Entry(), purpose="F")
            b.note(
                f"one-way mode: the {opposite.side.value} is closed before opening the "
                f"{intent.side.value}"
            )
    flat_before = ws.position(intent.symbol, intent.side) is None and not pending
    trade: Trade | None = None
    if delta > 0:
        trade = _open(b, ctx, spec, market, intent, delta, leverage, margin, entry_est, flat_before)
    elif delta < 0 and held is not None:
        close_contracts(b, ctx, spec, market, held, -delta, intent.entry, purpose="C")
    if b.failed():
        return
    after = ws.position(intent.symbol, intent.side)
    if after is not None and not (delta > 0 and flat_before):
        stop = ruled_stop(b, ctx, spec, market, intent, after)
        diff_protections(b, ctx, spec, market, after, intent.take_profit, stop.wanted, stop.reason)
    if after is not None and intent.ladder and not b.failed():
        diff_ladder(b, ctx, spec, market, intent, after, target)
    if after is not None and not b.failed():
        diff_trailing(b, ctx, spec, intent, after)
    finish(b, ctx, spec, intent, trade)
    _trade_management_figures(b, ctx, spec, intent)


def _trade_management_figures(
    b: StepBuilder, ctx: Ctx, spec: ContractSpec, intent: PositionIntent
) -> None:
    """The trailing stop in the after-state, and each ladder level's figures."""
    if intent.trailing_stop is not KEEP:
        b.after["trailing_stop"] = trailing_text(ctx, intent)
    pos = ctx.ws.position(intent.symbol, intent.side)
    if intent.ladder and pos is not None and b.estimate is not None:
        levels = level_estimates(spec, pos, ladder_orders(ctx, intent))
        b.estimate = replace(b.estimate, levels=levels)


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
) -> Trade | None:
    ws = ctx.ws
    entry = intent.entry
    field = "size" if intent.size is not None else "notional" if intent.risk is None else "risk"
    b.problems(check_size(spec, size, entry.order_type), field)
    held = ws.position(intent.symbol, intent.side)
    total = (held.size if held else ZERO) + size
    resulting_notional = est.notional(total, spec.contract_size, entry_est)
    b.problems(check_leverage(spec, leverage, resulting_notional), "leverage")
    _policy_open(
        b, ctx, leverage, est.notional(size, spec.contract_size, entry_est), resulting_notional
    )
    long = intent.side is PosSide.LONG
    marketable = entry.order_type is OrderType.MARKET or (
        entry_est >= market.last if long else entry_est <= market.last
    )
    if (
        entry.order_type is OrderType.LIMIT
        and entry.time_in_force is TimeInForce.MAKER_ONLY
        and marketable
    ):
        b.error(
            "maker-only-would-take",
            f"maker-only limit {plain(entry_est)} would cross the "
            f"last price {plain(market.last)} and be rejected",
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
            f"opening {plain(size)} contracts needs about "
            f"{plain(cost.quantize(Decimal('0.01')))} USDT (margin + fee) but only "
            f"{plain(ws.futures_available.quantize(Decimal('0.01')))} USDT is available",
            field,
            margin_hint(ctx, intent),
        )
    tp = sl = None
    if flat:
        tp = preset_protection(
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
        sl = preset_protection(
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
        return None
    purpose = "O"
    order = SubmitOrder(
        step_index=intent.index,
        summary=f"{'open' if flat else 'add'} {intent.side.value} {plain(size)} {intent.symbol} "
        f"{entry.order_type}"
        f"{'' if entry.order_type is OrderType.MARKET else ' @ ' + plain(entry_est)} "
        f"{plain(leverage)}x {margin.value}",
        symbol=intent.symbol,
        side=OrderSide.opening(intent.side),
        size=size,
        order_type=entry.order_type,
        price=entry.price if entry.order_type is OrderType.LIMIT else None,
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
        opened = ws.preview_open(
            intent.symbol, intent.side, size, fill_price, leverage, margin, fee_rate
        )
        ws.fill_open(*opened)
        for kind, protection in (("take_profit", tp), ("stop_loss", sl)):
            if protection is not None:
                placeholder = placeholder_id("preset", intent.side)
                remember_trigger(ctx, intent.symbol, intent.side, kind, protection, placeholder, "")
        return Trade(size, fill_price, fee_rate)
    filled, _ = ws.preview_open(
        intent.symbol, intent.side, size, entry_est, leverage, margin, fee_rate
    )
    ws.open_orders.append(
        WorkingOrder(
            "(new)",
            order.cid,
            intent.symbol,
            order.side,
            "limit",
            entry_est,
            size,
            ZERO,
            leverage,
            margin,
        )
    )
    ws.futures_available -= cost
    b.note(f"limit order rests at {plain(entry_est)}; the position changes when it fills")
    return Trade(size, entry_est, fee_rate, if_filled=filled)


def _policy_stop(b: StepBuilder, ctx: Ctx, intent: PositionIntent, wanted: Decimal) -> None:
    """require_stop_loss: a position the step holds or opens must end up with a stop."""
    if not ctx.policy.require_stop_loss or (wanted <= 0 and not isinstance(intent, OpenIntent)):
        return
    existing = protections_of(ctx, intent.symbol, intent.side)
    has_stop = any(t.kind is TriggerKind.STOP_LOSS for t in existing)
    if intent.stop_loss is None or (intent.stop_loss is KEEP and not has_stop):
        b.error(
            "policy-stop-loss",
            f"the plan requires a stop-loss and {intent.symbol} "
            f"{intent.side.value} would have none",
            "stop_loss",
            "add stop_loss to the step",
        )


def _policy_open(
    b: StepBuilder, ctx: Ctx, leverage: Decimal, order_notional: Decimal, position_notional: Decimal
) -> None:
    policy = ctx.policy
    if policy.max_order_notional is not None and order_notional > policy.max_order_notional:
        b.error(
            "policy-order-notional",
            f"order notional {plain(order_notional.quantize(ZERO))} USDT "
            f"exceeds max_order_notional {plain(policy.max_order_notional)}",
            "size",
        )
    if (
        policy.max_position_notional is not None
        and position_notional > policy.max_position_notional
    ):
        b.error(
            "policy-position-notional",
            f"position notional "
            f"{plain(position_notional.quantize(ZERO))} USDT exceeds max_position_notional "
            f"{plain(policy.max_position_notional)}",
            "size",
        )
