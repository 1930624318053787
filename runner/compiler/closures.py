"""How a position a step held came to an end, told by the exchange's own history.  Pure.

The edge reads order history, own fills and the ledger for the symbol since the step's holding
began (``runner.records``) and hands them here as values.  The close that took the position to
zero says what happened: a ``liquidate``/``bankruptcy`` order is a liquidation, ``adl`` is ADL, a
``PLAN_<id>`` child of one of the position's TP/SL orders is its take-profit or stop-loss, an order
of this plan is the runner's own close (no completion), anything else is a close outside the
runner.
"""

from __future__ import annotations

from decimal import Decimal

from runner.compiler.lifecycle import ClosedBy, Closure, Holding
from runner.domain import OrderSide, PosSide
from runner.values import value

ZERO = Decimal(0)
# exchange timestamps of an order and of our record of it may differ by the clock offset
SLACK_MS = 120_000
LIQUIDATION_CLEARANCE = 5  # transaction-history flow_type


@value
class PastOrder:
    order_id: str
    client_order_id: str
    side: OrderSide
    order_type: str  # limit | market | liquidate | bankruptcy | adl | trailing | planorder
    size: Decimal
    filled: Decimal
    avg_price: Decimal
    trigger_price: Decimal | None
    created_ms: int
    updated_ms: int
    finished: bool = True


@value
class PastFill:
    order_id: str
    side: OrderSide
    realized_pnl: Decimal  # gross of fees
    fee: Decimal
    time_ms: int


@value
class PastEntry:
    flow_type: int | None
    amount: Decimal
    time_ms: int


@value
class History:
    orders: tuple[PastOrder, ...] = ()
    fills: tuple[PastFill, ...] = ()
    ledger: tuple[PastEntry, ...] = ()


def closure_of(holding: Holding, history: History, own_prefix: str) -> Closure | None:
    """The closure of a holding whose position is gone; None when the runner closed it itself
    (a later step of the plan), which completes nothing."""
    since = holding.since_ms - SLACK_MS
    closing = OrderSide.closing(holding.side)
    closes = sorted(
        (o for o in history.orders if o.side is closing and o.filled > 0 and o.updated_ms >= since),
        key=lambda o: o.updated_ms,
    )
    if not closes:
        return _entry_gone(holding, history, since)
    last = closes[-1]
    by = _classify(last, holding)
    if by is None or last.client_order_id.startswith(own_prefix):
        return None
    pnl = _pnl(holding, history, last.updated_ms)
    return Closure(by=by, at_ms=last.updated_ms, price=last.avg_price, pnl=pnl)


def _entry_gone(holding: Holding, history: History, since: int) -> Closure:
    """No close on record: an entry cancelled outside the runner, or history too short to say."""
    entries = [
        o
        for o in history.orders
        if o.client_order_id in holding.entry_orders and o.updated_ms >= since
    ]
    if entries and all(o.filled == 0 for o in entries):
        return Closure(by=ClosedBy.OUTSIDE, at_ms=max(o.updated_ms for o in entries))
    return Closure(by=ClosedBy.UNKNOWN)


def _classify(order: PastOrder, holding: Holding) -> ClosedBy | None:
    kind = order.order_type.lower()
    if kind in ("liquidate", "bankruptcy"):
        return ClosedBy.LIQUIDATION
    if kind == "adl":
        return ClosedBy.ADL
    cid = order.client_order_id
    if not cid.startswith("PLAN_"):
        return ClosedBy.OUTSIDE
    parent = cid.removeprefix("PLAN_")
    for ref in holding.protections:
        if ref.order_id == parent:
            return ClosedBy(ref.kind)
    if order.trigger_price:
        for ref in holding.protections:
            if ref.trigger == order.trigger_price:
                return ClosedBy(ref.kind)
    if not holding.protections:
        # a TP/SL child, its order unknown to the record: the side of the entry tells which
        below = order.avg_price < holding.entry_price
        stop = below if holding.side is PosSide.LONG else not below
        return ClosedBy.STOP_LOSS if stop else ClosedBy.TAKE_PROFIT
    return ClosedBy.OUTSIDE  # a plan order the record does not know (another tool's)


def _pnl(holding: Holding, history: History, closed_ms: int) -> Decimal | None:
    since = holding.since_ms - SLACK_MS
    sides = (OrderSide.opening(holding.side), OrderSide.closing(holding.side))
    fills = [
        f for f in history.fills if f.side in sides and since <= f.time_ms <= closed_ms + SLACK_MS
    ]
    if not fills:
        return None
    total = sum((f.realized_pnl - f.fee for f in fills), ZERO)
    clearance = sum(
        (
            e.amount
            for e in history.ledger
            if e.flow_type == LIQUIDATION_CLEARANCE and since <= e.time_ms <= closed_ms + SLACK_MS
        ),
        ZERO,
    )
    return total + clearance
