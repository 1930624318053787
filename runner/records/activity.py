"""What happened on the account since the last apply: fills, closes by TP/SL, liquidation or
ADL, realized PnL, fees and funding (for ``status``).

``read_activity`` is the edge (read-only: own fills, the ledger, and order history for the
symbols that had fills); ``summarise`` is pure.  The last apply's time is kept beside the step
records (``last_apply``), written by the apply flow.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from runner.compiler.closures import PastEntry, PastOrder
from runner.domain import OrderSide
from runner.exchange import codes_domain as codes
from runner.records.reconcile import HistorySource, read_history
from runner.values import value

ZERO = Decimal(0)
DAY_MS = 86_400_000
REALIZED, FUNDING, COMMISSION, LIQUIDATION = 2, 3, 4, 5  # transaction-history flow types


@value
class Trade:
    """One own fill as the trades endpoint reports it."""

    symbol: str
    order_id: str
    side: OrderSide
    size: Decimal
    price: Decimal
    fee: Decimal
    realized_pnl: Decimal
    time_ms: int


@value
class Fill(Trade):
    """An own fill as `status` shows it: the trade and what caused it."""

    cause: str  # order | tp_sl | plan_order | liquidation | adl


@value
class Activity:
    since_ms: int
    since_apply: bool  # False: no apply recorded, the last day is shown
    fills: tuple[Fill, ...]
    realized_pnl: Decimal  # from the ledger (flow 2), gross of fees
    fees: Decimal  # commission paid (positive)
    funding: Decimal  # received (+) or paid (-)
    liquidation_clearance: Decimal

    @property
    def closes(self) -> tuple[Fill, ...]:
        """Fills the account did not ask for at the time: TP/SL, liquidation, ADL."""
        return tuple(f for f in self.fills if f.cause in ("tp_sl", "liquidation", "adl"))


def last_apply_path(home: Path, account_id: str) -> Path:
    return home / "records" / account_id / "last-apply.json"


def mark_apply(home: Path, account_id: str, at_ms: int) -> None:
    path = last_apply_path(home, account_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"at_ms": at_ms}) + "\n", encoding="utf-8")
    tmp.replace(path)


def last_apply_ms(home: Path, account_id: str) -> int | None:
    try:
        return int(json.loads(last_apply_path(home, account_id).read_text("utf-8"))["at_ms"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_activity(source: HistorySource, since_ms: int | None) -> Activity:
    now = source.system_time_ms()
    start = since_ms if since_ms is not None else now - DAY_MS
    start = max(start, now - 89 * DAY_MS)
    fills = source.trades(None, start_s=start // 1000)
    symbols = sorted({str(f.symbol) for f in fills})
    histories = {s: read_history(source, s, start) for s in symbols}
    orders = {o.order_id: o for h in histories.values() for o in h.orders}
    ledger = source.transaction_history(None, start_ms=start)
    return summarise(
        start,
        since_ms is not None,
        [_trade(f) for f in fills],
        orders,
        [PastEntry(e.flow_type, e.amount, int(e.time_ms)) for e in ledger],
    )


def _trade(raw: Any) -> Trade:
    return Trade(
        symbol=str(raw.symbol),
        order_id=str(raw.order_id),
        side=codes.order_side(int(raw.side), "trades"),
        size=raw.size,
        price=raw.price,
        fee=raw.fee,
        realized_pnl=raw.realized_pnl,
        time_ms=int(raw.create_time_ms),
    )


def cause_of(order: PastOrder | None) -> str:
    if order is None:
        return "order"
    kind = order.order_type.lower()
    if kind in ("liquidate", "bankruptcy"):
        return "liquidation"
    if kind == "adl":
        return "adl"
    if order.client_order_id.startswith("PLAN_"):
        return "plan_order" if order.side.opens else "tp_sl"
    return "order"


def summarise(
    since_ms: int,
    since_apply: bool,
    fills: Sequence[Trade],
    orders: dict[str, PastOrder],
    ledger: Sequence[PastEntry],
) -> Activity:
    def total(flow: int) -> Decimal:
        return sum((e.amount for e in ledger if e.flow_type == flow and e.time_ms > since_ms), ZERO)

    lines = tuple(
        sorted(
            (
                Fill(**vars(f), cause=cause_of(orders.get(f.order_id)))
                for f in fills
                if f.time_ms > since_ms
            ),
            key=lambda line: line.time_ms,
        )
    )
    return Activity(
        since_ms=since_ms,
        since_apply=since_apply,
        fills=lines,
        realized_pnl=total(REALIZED),
        fees=-total(COMMISSION),
        funding=total(FUNDING),
        liquidation_clearance=total(LIQUIDATION),
    )
