"""The account as text: positions, orders, TP/SL and plan orders, balances, mode.

Used by `status` and at the end of `apply` (restricted to the resources the plan touched).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from runner.compiler.snapshot import Snapshot, TriggerOrder, WorkingOrder
from runner.domain import OrderSide, TriggerKind
from runner.render.plan_text import fmt, money
from runner.render.style import Style


def _side(side: OrderSide) -> str:
    return side.value.replace("_", " ")


def _signed(value: Decimal) -> str:
    return f"+{money(value)}" if value > 0 else money(value)


def _order_line(order: WorkingOrder) -> str:
    filled = f", {fmt(order.filled)} filled" if order.filled else ""
    cid = f" [{order.client_order_id}]" if order.client_order_id else ""
    where = f"@ {fmt(order.price)}"
    if order.activation_price is not None and order.callback_rate is not None:
        source = order.activation_source.value if order.activation_source else "last"
        where = (
            f"from {fmt(order.activation_price)} ({source}), callback {fmt(order.callback_rate)}%"
        )
    return (
        f"  {order.symbol} {_side(order.side)} {fmt(order.size)} "
        f"{order.order_type} {where}{filled} (order {order.order_id}){cid}"
    )


def _trigger_line(order: TriggerOrder) -> str:
    what = {"plan": "plan order", "take_profit": "take-profit", "stop_loss": "stop-loss"}[
        order.kind.value
    ]
    at = "market" if order.order_type == "market" else f"limit {fmt(order.executive_price)}"
    return (
        f"  {order.symbol} {what}: {_side(order.side)} "
        f"{fmt(order.size)} when {order.price_source.value} reaches {fmt(order.trigger)} "
        f"-> {at} (order {order.order_id})"
    )


def render_state(
    snapshot: Snapshot, style: Style, *, symbols: Sequence[str] | None = None
) -> list[str]:
    def wanted(symbol: str) -> bool:
        return symbols is None or symbol in symbols

    taken = snapshot.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    mode = snapshot.mode.value.replace("_", "-") if snapshot.mode else "unknown"
    lines = [style(f"Account on {snapshot.target} at {taken} (position mode: {mode})", "bold")]
    positions = [p for p in snapshot.positions if wanted(p.symbol)]
    lines.append(style("Positions", "bold") if positions else "Positions: none")
    for p in positions:
        market = snapshot.markets.get(p.symbol)
        mark = f"  mark {fmt(market.mark)}" if market else ""
        liq = f"  liq {fmt(p.liquidation_price)}" if p.liquidation_price else ""
        lines.append(
            f"  {p.symbol} {p.side.value} {fmt(p.size)} @ {fmt(p.entry_price)}  "
            f"{fmt(p.leverage)}x {p.margin.value}{mark}{liq}  "
            f"margin {money(p.initial_margin)}  uPnL {_signed(p.unrealized_pnl)}"
        )
    orders = [o for o in snapshot.open_orders if wanted(o.symbol)]
    lines.append(style("Open orders", "bold") if orders else "Open orders: none")
    lines.extend(_order_line(o) for o in orders)
    triggers = [t for t in snapshot.trigger_orders if wanted(t.symbol)]
    tpsl = [t for t in triggers if t.kind is not TriggerKind.PLAN]
    plans = [t for t in triggers if t.kind is TriggerKind.PLAN]
    lines.append(style("TP/SL orders", "bold") if tpsl else "TP/SL orders: none")
    lines.extend(_trigger_line(t) for t in tpsl)
    lines.append(style("Plan orders", "bold") if plans else "Plan orders: none")
    lines.extend(_trigger_line(t) for t in plans)
    b = snapshot.balances
    lines.append(style("Balances (USDT)", "bold"))
    lines.append(
        f"  futures: available {money(b.futures_available)}, frozen {money(b.futures_frozen)}, "
        f"position margin {money(b.futures_position_margin)}, equity {money(b.futures_equity)}"
    )
    if b.spot_available is not None:
        lines.append(f"  spot: available {money(b.spot_available)}")
    return lines
