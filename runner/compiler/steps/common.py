"""Helpers shared by the step compilers: contract lookup, inherited leverage, descriptions."""

from __future__ import annotations

from decimal import Decimal

from runner.compiler import estimates as est
from runner.compiler.actions import CancelOrder, CancelTrailing, CancelTrigger, Category
from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import PositionIntent
from runner.compiler.result import Estimate
from runner.compiler.snapshot import ContractSpec, Market, Position, TriggerOrder, WorkingOrder
from runner.domain import Margin, PosSide, TriggerKind
from runner.money import plain

ZERO = Decimal(0)


def other_side(side: PosSide) -> PosSide:
    return PosSide.SHORT if side is PosSide.LONG else PosSide.LONG


def lookup(b: StepBuilder, ctx: Ctx, symbol: str) -> tuple[ContractSpec, Market] | None:
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


def resolve_leverage(
    b: StepBuilder, ctx: Ctx, intent: PositionIntent
) -> tuple[Decimal, Margin] | None:
    """An open position fixes leverage and margin mode; unsaid values inherit them."""
    held = ctx.ws.positions_on(intent.symbol)
    if held:
        lev, margin = held[0].leverage, held[0].margin
        where = f"{intent.symbol} has an open {held[0].side.value} at {plain(lev)}x {margin.value}"
        hint = "leave leverage/margin out to inherit them, or close the position first"
        if intent.leverage is not None and intent.leverage != lev:
            b.error(
                "leverage-conflict",
                f"leverage {plain(intent.leverage)}x conflicts: {where}",
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
                f"{plain(order.leverage)}x {order.margin.value if order.margin else '?'}",
                "leverage",
                "cancel it first or use the same leverage and margin",
            )
            break
    return want_lev, want_margin


def cancel_trigger(
    b: StepBuilder,
    ctx: Ctx,
    symbol: str,
    order: TriggerOrder,
    summary: str,
    *,
    category: Category = Category.TP_SL,
) -> None:
    """Cancel a plan or TP/SL order of ``symbol``; the working state forgets it."""
    b.add(
        CancelTrigger(
            step_index=b.intent.index,
            summary=summary,
            symbol=symbol,
            order_id=order.order_id,
            category=category,
        )
    )
    ctx.ws.triggers.remove(order)


def cancel_resting(
    b: StepBuilder,
    ctx: Ctx,
    symbol: str,
    order: WorkingOrder,
    summary: str,
    *,
    expired: bool = False,
) -> None:
    """Cancel a resting order of ``symbol`` (a trailing order by its own endpoint); the working
    state forgets it.  ``expired``: an entry cancelled by expire_after (its step is completed)."""
    if order.order_type == "trailing":
        action: CancelOrder | CancelTrailing = CancelTrailing(
            step_index=b.intent.index, summary=summary, symbol=symbol, order_id=order.order_id
        )
    else:
        action = CancelOrder(
            step_index=b.intent.index,
            summary=summary,
            symbol=symbol,
            order_id=order.order_id,
            expired=expired,
        )
    b.add(action)
    if order in ctx.ws.open_orders:
        ctx.ws.open_orders.remove(order)


def describe(
    pos: Position | None, triggers: list[TriggerOrder], tick: Decimal | None = None
) -> dict[str, object]:
    """A position as the diff shows it; with the contract's ``tick`` the average entry and the
    liquidation price are shown by the one rounding rule."""
    tp = next((t.trigger for t in triggers if t.kind is TriggerKind.TAKE_PROFIT), None)
    sl = next((t.trigger for t in triggers if t.kind is TriggerKind.STOP_LOSS), None)
    if pos is None:
        return {"size": ZERO, "take_profit": tp, "stop_loss": sl}
    return {
        "size": pos.size,
        "entry_price": pos.entry_price if tick is None else est.round_price(pos.entry_price, tick),
        "leverage": pos.leverage,
        "margin": pos.margin.value,
        "liquidation_price": pos.liquidation_price
        if tick is None
        else est.round_liquidation(pos.liquidation_price, tick, is_long=pos.side is PosSide.LONG),
        "take_profit": tp,
        "stop_loss": sl,
    }


def check_policy_leverage(b: StepBuilder, ctx: Ctx, leverage: Decimal) -> None:
    limit = ctx.policy.max_leverage
    if limit is not None and leverage > limit:
        b.error(
            "policy-leverage",
            f"leverage {plain(leverage)}x exceeds the plan's max_leverage {plain(limit)}x",
            "leverage",
        )


def estimate_for(
    spec: ContractSpec,
    pos: Position,
    protections: list[TriggerOrder],
    *,
    traded: Decimal = ZERO,
    trade_price: Decimal | None = None,
    trade_rate: Decimal | None = None,
    if_filled: bool = False,
) -> Estimate:
    """Figures for ``pos`` as the step leaves it; the open fee is on the ``traded`` contracts
    only (at ``trade_price`` and ``trade_rate``), so an unchanged position shows none."""
    long = pos.side is PosSide.LONG
    value = est.notional(pos.size, spec.contract_size, pos.entry_price)
    tp = next((t.trigger for t in protections if t.kind is TriggerKind.TAKE_PROFIT), None)
    sl = next((t.trigger for t in protections if t.kind is TriggerKind.STOP_LOSS), None)
    open_rate = spec.taker_fee if trade_rate is None else trade_rate

    def pnl_at(price: Decimal | None) -> Decimal | None:
        if price is None:
            return None
        return est.round_usdt(
            est.net_pnl(
                is_long=long,
                entry=pos.entry_price,
                exit_price=price,
                contracts=pos.size,
                contract_size=spec.contract_size,
                open_rate=open_rate,
                close_rate=spec.taker_fee,
            )
        )

    at_tp, at_sl = pnl_at(tp), pnl_at(sl)
    rr = (
        (at_tp / -at_sl).quantize(est.CENT)
        if at_tp is not None and at_sl is not None and at_sl < 0
        else None
    )
    traded_value = est.notional(traded, spec.contract_size, trade_price or pos.entry_price)
    return Estimate(
        symbol=pos.symbol,
        side=pos.side,
        size=pos.size,
        entry_price=est.round_price(pos.entry_price, spec.tick),
        leverage=pos.leverage,
        margin=pos.margin,
        notional=est.round_usdt(value),
        initial_margin=est.round_usdt(est.initial_margin(value, pos.leverage)),
        open_fee=est.round_usdt(est.fee(traded_value, open_rate)),
        liquidation_price=est.round_liquidation(pos.liquidation_price, spec.tick, is_long=long),
        take_profit=tp,
        stop_loss=sl,
        pnl_at_take_profit=at_tp,
        pnl_at_stop_loss=at_sl,
        risk_reward=rr,
        if_filled=if_filled,
    )
