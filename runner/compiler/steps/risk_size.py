"""Position size from the risk taken: the largest whole number of contracts whose loss at the stop,
open and close fees included, is at most the budget.

The fees are counted at the taker rate on both sides (a market open and a stop that closes at
market; a limit open that rests pays less, so the loss is never under-estimated).  The size is
resolved once, when the position is opened from flat: later plans hold what was opened, so a move
of the market or the equity never resizes a running trade.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import PositionIntent, Trigger
from runner.compiler.snapshot import ContractSpec, Position
from runner.compiler.steps.common import ZERO
from runner.compiler.steps.protection import resolve_trigger
from runner.domain import OrderSide
from runner.money import plain
from runner.plan.model import Risk

CENT = Decimal("0.01")


def budget_usdt(ctx: Ctx, risk: Risk) -> tuple[Decimal, str]:
    """The USDT at risk, and how it was found (for the diff)."""
    if risk.usdt is not None:
        return risk.usdt, f"risk {plain(risk.usdt)} USDT"
    assert risk.equity_pct is not None
    # the futures equity at plan time, with what earlier steps of this plan move into futures
    base = ctx.ws.base.balances
    spot_before, spot_now = base.spot_available, ctx.ws.spot_available
    moved_in = spot_before - spot_now if spot_before is not None and spot_now is not None else ZERO
    equity = base.futures_equity + moved_in
    amount = (equity * risk.equity_pct / 100).quantize(CENT, rounding=ROUND_FLOOR)
    return amount, (
        f"risk {plain(risk.equity_pct)}% of equity {plain(equity.quantize(CENT))} "
        f"= {plain(amount)} USDT"
    )


def size_from_risk(
    b: StepBuilder, ctx: Ctx, spec: ContractSpec, intent: PositionIntent, entry: Decimal
) -> Decimal:
    assert intent.risk is not None
    stop = intent.stop_loss
    if not isinstance(stop, Trigger):
        b.error(
            "risk-needs-stop-loss",
            "risk sizing needs a stop-loss: the size is the loss taken when it fires",
            "risk",
        )
        return ZERO
    stop_price = resolve_trigger(stop, entry, spec, intent.side)
    budget, told = budget_usdt(ctx, intent.risk)
    price_loss = abs(entry - stop_price) * spec.contract_size
    fees = (entry + stop_price) * spec.contract_size * spec.taker_fee
    per_contract = price_loss + fees
    if per_contract <= 0:
        b.error("risk-no-stop-distance", "the stop is at the entry: nothing is at risk", "risk")
        return ZERO
    steps = (budget / per_contract / spec.step).to_integral_value(rounding=ROUND_FLOOR)
    size = steps * spec.step
    b.note(
        f"{told} / (loss {plain(price_loss.normalize())} + fees {plain(fees.normalize())} per "
        f"contract: entry {plain(entry)} -> stop {plain(stop_price)}, taker "
        f"{plain(spec.taker_fee * 100)}% each way) = {plain(size)} contracts "
        f"(loss at the stop {plain((size * per_contract).quantize(CENT))} USDT)"
    )
    if size <= 0:
        b.error(
            "risk-too-small",
            f"{told} is less than the loss of one contract at the stop "
            f"({plain(per_contract.quantize(CENT))} USDT)",
            "risk",
            "raise the risk, or move the stop closer to the entry",
        )
    return size


def risk_target(
    b: StepBuilder,
    ctx: Ctx,
    spec: ContractSpec,
    intent: PositionIntent,
    entry_est: Decimal,
    held: Position | None,
) -> Decimal:
    """Sized from the risk when opened from flat; afterwards the step holds what it opened (plus
    what its fired take-profit levels closed, so the ladder keeps its sizes)."""
    prefix = ctx.ids.prefix(intent.key)
    pending = sum(
        (
            o.remaining
            for o in ctx.ws.orders_on(intent.symbol)
            if o.side is OrderSide.opening(intent.side) and o.client_order_id.startswith(prefix)
        ),
        ZERO,
    )
    if held is None and pending == 0:
        return size_from_risk(b, ctx, spec, intent, entry_est)
    fired = sum((f.size for f in ctx.ladder_fills.get(intent.key, {}).values()), ZERO)
    holding = (held.size if held else ZERO) + pending
    b.note(
        f"risk sizing was resolved when the position opened: the step holds its {plain(holding)}"
    )
    return holding + fired
