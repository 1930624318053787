"""The `close` action: reduce a position by a size or close it all."""

from __future__ import annotations

from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import SubmitOrder
from runner.compiler.builder import StepBuilder
from runner.compiler.checks import check_size, check_tick
from runner.compiler.ctx import Ctx
from runner.compiler.intents import CloseIntent, Entry
from runner.compiler.snapshot import ContractSpec, Market, Position
from runner.compiler.steps.common import describe, lookup
from runner.compiler.steps.protection import protections_of
from runner.compiler.steps.resting import resting_closes
from runner.compiler.steps.trailing import free_for_close
from runner.domain import OrderSide, OrderType
from runner.money import plain, usdt


def close_contracts(
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
    price = (
        entry.price
        if entry.order_type is OrderType.LIMIT and entry.price is not None
        else market.last
    )
    if b.failed():
        return
    free_for_close(b, ctx, held, size)
    b.add(
        SubmitOrder(
            step_index=b.intent.index,
            summary=f"close {plain(size)} of {held.symbol} {held.side.value} {entry.order_type}"
            f"{'' if entry.order_type is OrderType.MARKET else ' @ ' + plain(price)}",
            symbol=held.symbol,
            side=OrderSide.closing(held.side),
            size=size,
            order_type=entry.order_type,
            price=entry.price if entry.order_type is OrderType.LIMIT else None,
            time_in_force=entry.time_in_force,
            cid=ctx.ids.make(b.intent.key, purpose),
            est_price=price,
            runs_every_apply=b.is_action,
        )
    )
    realized = ctx.ws.fill_close(held.symbol, held.side, size, price)
    b.note(f"estimated realized PnL {usdt(est.round_usdt(realized))} after fees")


def compile_close(b: StepBuilder, ctx: Ctx, intent: CloseIntent) -> None:
    looked = lookup(b, ctx, intent.symbol)
    if looked is None:
        return
    spec, market = looked
    held = ctx.ws.position(intent.symbol, intent.side)
    b.before = describe(held, protections_of(ctx, intent.symbol, intent.side), spec.tick)
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
            f"close {plain(size)} is more than the {plain(held.size)} contracts held",
            "size",
            "use size: all",
        )
        return
    if intent.entry.order_type is OrderType.LIMIT and intent.entry.price is not None:
        b.problems(check_tick(spec, intent.entry.price, "limit price"), "order.price")
    resting = resting_closes(ctx, intent.key, intent.symbol, OrderSide.closing(intent.side))
    if resting:  # the close an earlier apply placed still rests: it is this step's close
        left = sum((o.remaining for o in resting), Decimal(0))
        b.note(
            f"close order {resting[0].order_id} for {plain(left)} contracts is still resting; "
            "no new close until it fills or is cancelled"
        )
        b.after = dict(b.before)
        return
    close_contracts(b, ctx, spec, market, held, size, intent.entry, purpose="C")
    after = ctx.ws.position(intent.symbol, intent.side)
    b.after = describe(after, protections_of(ctx, intent.symbol, intent.side), spec.tick)
