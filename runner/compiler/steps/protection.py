"""TP/SL of a position: preset on an open, or stand-alone orders diffed against the wanted ones."""

from __future__ import annotations

from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import (
    ModifyTpSl,
    Protection,
    SubmitTpSl,
    placeholder_id,
)
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_protection, check_tick
from runner.compiler.ctx import Ctx
from runner.compiler.intents import KEEP, PositionIntent, Protect, Trigger
from runner.compiler.risk import looser, step_changed
from runner.compiler.snapshot import ContractSpec, Market, Position, TriggerOrder
from runner.compiler.steps.common import ZERO, cancel_trigger
from runner.domain import Margin, OrderSide, PosSide, PriceSource, TpSlScope, TriggerKind
from runner.money import plain

PURPOSE = {"take_profit": "T", "stop_loss": "S"}


def resolve_trigger(trigger: Trigger, entry: Decimal, spec: ContractSpec, side: PosSide) -> Decimal:
    """Relative triggers are % of the entry, rounded to the tick toward the entry (protective);
    break-even is the entry moved by the open and close fees at the taker rate."""
    if trigger.price is not None:
        return trigger.price
    if trigger.breakeven:
        return est.breakeven_price(entry, side, spec.taker_fee, spec.tick)
    tick = spec.tick
    assert trigger.percent is not None
    raw = entry * (1 + trigger.percent / 100)
    return est.to_tick(raw, tick, up=raw < entry)


def protections_of(ctx: Ctx, symbol: str, side: PosSide) -> list[TriggerOrder]:
    closing = OrderSide.closing(side)
    return [
        t
        for t in ctx.ws.triggers_on(symbol)
        if t.kind is not TriggerKind.PLAN and t.side is closing and t.scope is TpSlScope.POSITION
    ]


def preset_protection(
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
    trigger = resolve_trigger(wanted, entry, spec, intent.side)
    if wanted.price is not None and not b.problems(
        check_tick(spec, trigger, kind.replace("_", "-")), f"{kind}.trigger"
    ):
        return None
    unrounded = est.liquidation_price(
        is_long=intent.side is PosSide.LONG,
        entry_price=entry,
        contracts=size,
        contract_size=spec.contract_size,
        leverage=leverage,
        brackets=spec.brackets,
        taker_rate=spec.taker_fee,
        extra_margin=ctx.ws.futures_available if margin is Margin.CROSS else ZERO,
    )
    # on the tick, as the diff shows it (and names it in the finding)
    liq = est.round_liquidation(unrounded, spec.tick, is_long=intent.side is PosSide.LONG)
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
    if wanted.breakeven:
        b.note(_breakeven_note(entry, trigger, spec))
    elif wanted.relative:
        b.note(
            f"{kind.replace('_', '-')} {plain(wanted.percent or ZERO)}% of the estimated entry "
            f"{plain(entry)} = {plain(trigger)} (re-resolved against the actual fill)"
        )
    return Protection(trigger, wanted.source, wanted.percent)


def _tightened_by_hand(
    ctx: Ctx, b: StepBuilder, side: PosSide, held: Decimal, wanted: Decimal
) -> bool:
    """The exchange's stop is tighter than the step's, and the step did not change since the
    last apply: someone moved it by hand.  Putting it back would be drift that raises risk."""
    if ctx.allow_risk_increase or not looser(side, held, wanted):
        return False
    return step_changed(ctx.lifecycle, b.intent) is False


def _breakeven_note(entry: Decimal, trigger: Decimal, spec: ContractSpec) -> str:
    return (
        f"stop-loss at break-even: entry {plain(est.round_price(entry, spec.tick))} moved by the "
        f"open and close fees (2 x {plain(spec.taker_fee * 100)}% taker) = {plain(trigger)}"
    )


def trigger_order(
    symbol: str,
    side: PosSide,
    kind: str,
    trigger: Decimal,
    order_id: str = "",
    cid: str = "",
    source: PriceSource = PriceSource.MARK,
) -> TriggerOrder:
    """A position TP/SL as the account will hold it (for the predicted state)."""
    return TriggerOrder(
        order_id,
        cid,
        symbol,
        TriggerKind(kind),
        OrderSide.closing(side),
        ZERO,
        trigger,
        ZERO,
        source,
        None,
        TpSlScope.POSITION,
        "market",
        ZERO,
        None,
    )


def remember_trigger(
    ctx: Ctx, symbol: str, side: PosSide, kind: str, protection: Protection, order_id: str, cid: str
) -> None:
    wanted = trigger_order(symbol, side, kind, protection.trigger, order_id, cid, protection.source)
    ctx.ws.triggers.append(wanted)


def diff_protections(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    position: Position,
    take_profit: Protect,
    stop_loss: Protect,
    stop_reason: str | None = None,
) -> None:
    """The position's take-profit, then its stop-loss, as the plan wants them (``stop_reason``:
    why the stop is where it is, e.g. a stop rule)."""
    for kind, wanted, reason in (
        ("take_profit", take_profit, None),
        ("stop_loss", stop_loss, stop_reason),
    ):
        _diff_protection(b, ctx, spec, market, position, kind, wanted, reason)


def _diff_protection(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    position: Position,
    kind: str,  # also the plan field it comes from
    wanted: Protect,
    reason: str | None,  # why the trigger is what it is (a stop rule), shown in the diff
) -> None:
    if wanted is KEEP:
        return
    symbol, side, field = position.symbol, position.side, kind
    why = f" ({reason})" if reason else ""
    existing = [t for t in protections_of(ctx, symbol, side) if t.kind.value == kind]
    label = kind.replace("_", "-")
    if wanted is None:
        for order in existing:
            summary = f"remove {label} {plain(order.trigger)} on {symbol} {side.value}"
            cancel_trigger(b, ctx, symbol, order, summary)
        return
    assert isinstance(wanted, Trigger)
    trigger = resolve_trigger(wanted, position.entry_price, spec, side)
    if wanted.breakeven:
        b.note(_breakeven_note(position.entry_price, trigger, spec))
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
                summary=f"set {label} {plain(trigger)} "
                f"({wanted.source.value}) on {symbol} {side.value}{why}",
                symbol=symbol,
                side=side,
                kind=TriggerKind(kind),
                protection=protection,
                cid=cid,
            )
        )
        remember_trigger(ctx, symbol, side, kind, protection, placeholder_id("new", side), cid)
        return
    first, extras = existing[0], existing[1:]
    if kind == "stop_loss" and _tightened_by_hand(ctx, b, side, first.trigger, trigger):
        b.note(
            f"drift kept: the {symbol} stop-loss {plain(first.trigger)} was tightened on the "
            f"exchange and is kept (the unchanged step says {plain(trigger)}; loosening it "
            "needs policy.allow_risk_increase or --allow-risk-increase)"
        )
        trigger = first.trigger
        wanted = Trigger(first.price_source, price=first.trigger)
    if first.trigger != trigger or first.price_source is not wanted.source:
        previous = Protection(first.trigger, first.price_source)
        b.add(
            ModifyTpSl(
                step_index=b.intent.index,
                summary=f"move {label} {plain(first.trigger)} "
                f"-> {plain(trigger)} ({wanted.source.value}) on {symbol} {side.value}{why}",
                symbol=symbol,
                order_id=first.order_id,
                kind=TriggerKind(kind),
                protection=protection,
                previous=previous,
            )
        )
        ctx.ws.triggers.remove(first)
        remember_trigger(ctx, symbol, side, kind, protection, first.order_id, first.client_order_id)
    for order in extras:
        cancel_trigger(b, ctx, symbol, order, f"remove duplicate {label} {plain(order.trigger)}")
