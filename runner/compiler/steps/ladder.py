"""A take-profit ladder on a position: one fixed-quantity TP order per level, diffed like a target.

Each level's order carries a client order id whose purpose character is the level's number, so a
later run knows which level an order is.  Missing levels are placed, a moved trigger is modified,
a changed size is cancelled and placed again (the API cannot modify a size), surplus orders are
cancelled, and levels that already fired are remembered (``Ctx.ladder_fills``) and not re-placed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import ModifyTpSl, Protection, SubmitTpSl
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_protection, check_tick
from runner.compiler.ctx import Ctx
from runner.compiler.intents import LadderLevel, PositionIntent
from runner.compiler.result import LevelEstimate
from runner.compiler.snapshot import ContractSpec, Market, Position, TriggerOrder
from runner.compiler.steps.common import ZERO, cancel_trigger
from runner.compiler.steps.protection import resolve_trigger
from runner.domain import OrderSide, PosSide, TpSlScope, TriggerKind
from runner.money import plain
from runner.plan.ladder import level_sizes, size_problems


def planned_sizes(intent: PositionIntent, target: Decimal) -> list[Decimal]:
    return level_sizes([(level.size, level.percent) for level in intent.ladder], target)


def filled_size(ctx: Ctx, intent: PositionIntent, target: Decimal) -> Decimal:
    """Contracts the ladder's fired levels closed: the step no longer holds them."""
    fills = ctx.ladder_fills.get(intent.key, {})
    if not intent.ladder or not fills:
        return ZERO
    sizes = planned_sizes(intent, target)
    return sum((sizes[n - 1] for n in fills if 0 < n <= len(sizes)), ZERO)


def ladder_done(ctx: Ctx, intent: PositionIntent, held: Position | None) -> bool:
    """Levels fired and the rest closed too (the last level, the trailing stop or the stop-loss):
    the trade is over, and the target does not buy back what the exchange closed."""
    return held is None and bool(intent.ladder and ctx.ladder_fills.get(intent.key))


def check_ladder_sizes(b: StepBuilder, intent: PositionIntent, target: Decimal) -> None:
    """Sizes from a notional (or risk) are only known now: the offline rules, applied live."""
    if not intent.ladder or intent.size is not None:
        return
    levels = [(level.size, level.percent) for level in intent.ladder]
    for field, rule, message, hint in size_problems(levels, target):
        b.error(rule, message, field, hint)


def ladder_orders(ctx: Ctx, intent: PositionIntent) -> dict[int, list[TriggerOrder]]:
    """This step's resting ladder orders by level (read from the client order id)."""
    prefix = ctx.ids.prefix(intent.key)
    closing = OrderSide.closing(intent.side)
    found: dict[int, list[TriggerOrder]] = {}
    for t in ctx.ws.triggers_on(intent.symbol):
        cid = t.client_order_id
        if (
            t.kind is TriggerKind.TAKE_PROFIT
            and t.scope is TpSlScope.PARTIAL
            and t.side is closing
            and cid.startswith(prefix)
            and cid[len(prefix) : len(prefix) + 1].isdigit()
        ):
            found.setdefault(int(cid[len(prefix)]), []).append(t)
    return found


def diff_ladder(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    intent: PositionIntent,
    position: Position,
    target: Decimal,
) -> None:
    existing = ladder_orders(ctx, intent)
    fills = ctx.ladder_fills.get(intent.key, {})
    sizes = planned_sizes(intent, target)
    open_levels = [n for n in range(1, len(sizes) + 1) if n not in fills]
    if sum((sizes[n - 1] for n in open_levels), ZERO) > position.size:
        b.error(
            "ladder-exceeds-position",
            f"the take-profit levels still to fire close "
            f"{plain(sum((sizes[n - 1] for n in open_levels), ZERO))} contracts, more than the "
            f"{plain(position.size)} the position holds",
            "take_profit",
            "lower the level sizes, or leave out the last level's size to take the rest",
        )
        return
    for number, fill in sorted(fills.items()):
        if number <= len(sizes):
            b.note(f"take-profit level {number} filled at {plain(fill.price)} on {fill.at}")
    for number in open_levels:
        level = intent.ladder[number - 1]
        orders = existing.pop(number, [])
        _diff_level(
            b, ctx, spec, market, intent, position, number, level, sizes[number - 1], orders
        )
    for number, orders in sorted(existing.items()):
        for order in orders:  # levels the plan no longer has, or that already fired
            _cancel(b, ctx, intent, order, f"remove take-profit level {number}")


def _diff_level(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    market: Market,
    intent: PositionIntent,
    position: Position,
    number: int,
    level: LadderLevel,
    size: Decimal,
    orders: list[TriggerOrder],
) -> None:
    field = f"take_profit.{number - 1}.trigger"
    trigger = resolve_trigger(level.trigger, position.entry_price, spec, intent.side)
    if level.trigger.price is not None and not b.problems(
        check_tick(spec, trigger, "take-profit"), field
    ):
        return
    if not b.problems(
        check_protection(
            kind="take_profit",
            side=intent.side,
            trigger=trigger,
            reference=market.price(level.trigger.source),
            reference_name=level.trigger.source.value,
            entry=position.entry_price,
            liquidation=position.liquidation_price,
            existing_position=True,
        ),
        field,
    ):
        return
    protection = Protection(trigger, level.trigger.source, level.trigger.percent)
    label = f"take-profit level {number}"
    where = f"on {intent.symbol} {intent.side.value}"
    first = orders[0] if orders else None
    for extra in orders[1:]:
        _cancel(b, ctx, intent, extra, f"remove duplicate {label}")
    if first is not None and first.size != size:
        _cancel(b, ctx, intent, first, f"remove {label} ({plain(first.size)} contracts)")
        first = None
    if first is None:
        cid = ctx.ids.make(intent.key, str(number))
        b.add(
            SubmitTpSl(
                step_index=intent.index,
                summary=f"set {label}: close {plain(size)} at {plain(trigger)} "
                f"({level.trigger.source.value}) {where}",
                symbol=intent.symbol,
                side=intent.side,
                kind=TriggerKind.TAKE_PROFIT,
                protection=protection,
                cid=cid,
                size=size,
                level=number,
                step_key=intent.key,
            )
        )
        _remember(ctx, intent, f"(new level {number})", cid, protection, size)
        return
    if first.trigger != trigger or first.price_source is not level.trigger.source:
        b.add(
            ModifyTpSl(
                step_index=intent.index,
                summary=f"move {label} {plain(first.trigger)} -> {plain(trigger)} "
                f"({level.trigger.source.value}) {where}",
                symbol=intent.symbol,
                order_id=first.order_id,
                kind=TriggerKind.TAKE_PROFIT,
                protection=protection,
                previous=Protection(first.trigger, first.price_source),
                scope=TpSlScope.PARTIAL,
            )
        )
        ctx.ws.triggers.remove(first)
        _remember(ctx, intent, first.order_id, first.client_order_id, protection, size)


def _cancel(
    b: StepBuilder, ctx: Ctx, intent: PositionIntent, order: TriggerOrder, what: str
) -> None:
    summary = f"{what} at {plain(order.trigger)} on {intent.symbol} {intent.side.value}"
    cancel_trigger(b, ctx, intent.symbol, order, summary)


def _remember(
    ctx: Ctx,
    intent: PositionIntent,
    order_id: str,
    cid: str,
    protection: Protection,
    size: Decimal,
) -> None:
    ctx.ws.triggers.append(
        TriggerOrder(
            order_id,
            cid,
            intent.symbol,
            TriggerKind.TAKE_PROFIT,
            OrderSide.closing(intent.side),
            size,
            protection.trigger,
            ZERO,
            protection.source,
            None,
            TpSlScope.PARTIAL,
            "market",
            ZERO,
            None,
        )
    )


def level_estimates(
    spec: ContractSpec, position: Position, orders: Mapping[int, list[TriggerOrder]]
) -> tuple[LevelEstimate, ...]:
    """PnL of each resting level as it would close, net of its share of the open and close fees."""
    long = position.side is PosSide.LONG
    result = []
    for number, found in sorted(orders.items()):
        order = found[0]
        size = min(order.size, position.size)
        pnl = est.net_pnl(
            is_long=long,
            entry=position.entry_price,
            exit_price=order.trigger,
            contracts=size,
            contract_size=spec.contract_size,
            open_rate=spec.taker_fee,
            close_rate=spec.taker_fee,
        )
        result.append(LevelEstimate(number, order.trigger, size, est.round_usdt(pnl)))
    return tuple(result)
