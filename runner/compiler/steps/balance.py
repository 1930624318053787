"""The `ensure_balance` target and the `transfer` action (spot <-> futures USDT)."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from runner.compiler.actions import Transfer
from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import BalanceIntent, TransferIntent
from runner.compiler.steps.common import ZERO
from runner.domain import Margin
from runner.money import CENT, plain, usdt

MIN_TRANSFER = CENT


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
            f"includes {usdt(reserve)} the later steps of this plan use, so at least "
            f"{plain(intent.min_available)} USDT stays available when the plan ends"
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
            f"transfer amount must be at least 0.01 USDT (got {plain(intent.amount)})",
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
            f"transfer of {usdt(amount)} exceeds the plan's max_transfer {plain(limit)}",
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
            f"transfer of {usdt(amount)} needs more than the "
            f"{usdt(source)} available in the {where} wallet",
            field,
            "deposit USDT to spot first, or lower the amount"
            if to_futures
            else "lower the amount: futures USDT held as margin cannot be moved",
        )
        return
    b.add(
        Transfer(
            step_index=b.intent.index,
            summary=f"transfer {usdt(amount)} "
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
        _cross_liquidations(b, ctx, ws.futures_available, ws.futures_available - amount)
        ws.futures_available -= amount
        ws.spot_available = (ws.spot_available or ZERO) + amount


def _cross_liquidations(b: StepBuilder, ctx: Ctx, before: Decimal, after: Decimal) -> None:
    """Margin moved out of a cross account brings its positions' liquidation closer: say how far
    (both figures by the same estimate, so the move is what the transfer does)."""
    for pos in list(ctx.ws.positions.values()):
        if pos.margin is not Margin.CROSS or ctx.ws.spec(pos.symbol) is None:
            continue  # a symbol the plan does not trade: no spec to estimate it with
        was, now = ctx.ws.liquidation_for(pos, before), ctx.ws.liquidation_for(pos, after)
        if was != now:
            b.note(
                f"cross {pos.symbol} {pos.side.value}: est. liquidation price {plain(was)} -> "
                f"{plain(now)} (mark) after this transfer"
            )
