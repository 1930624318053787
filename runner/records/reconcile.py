"""Reconcile step records with the exchange before compiling (read-only, at the edge).

The snapshot says what is on the account now; a record says what a step held at the end of the
last apply.  Where the two disagree (a held position is gone) the exchange's history says why:
order history, own fills and the ledger for that symbol since the holding began, read only then,
so a steady account costs no extra request.  The exchange's clock is read when a decision needs
it (``reentry: {after}``, ``expire_after``) or to bound the history window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, Protocol

from runner.compiler.closures import SLACK_MS, History, PastEntry, PastFill, PastOrder, closure_of
from runner.compiler.intents import OpenIntent, PlanIntents, PositionIntent
from runner.compiler.lifecycle import Holding, Lifecycle, StepRecord
from runner.compiler.snapshot import Snapshot
from runner.exchange import codes_domain as codes

ZERO = Decimal(0)
MAX_WINDOW_MS = 89 * 86_400_000  # history endpoints accept at most 90 days


class HistorySource(Protocol):
    """The read-only client methods reconciling and the status activity use
    (``runner.exchange.ReadClient``)."""

    def order_history(self, symbol: str, *, start_s: int | None = ...) -> Sequence[Any]: ...

    def trades(self, symbol: str | None = ..., *, start_s: int | None = ...) -> Sequence[Any]: ...

    def transaction_history(
        self, symbol: str | None = ..., *, start_ms: int | None = ...
    ) -> Sequence[Any]: ...

    def system_time_ms(self) -> int: ...


def position_intents(intents: PlanIntents) -> list[PositionIntent]:
    return [
        i
        for i in intents.intents
        if isinstance(i, PositionIntent) and not isinstance(i, OpenIntent)
    ]


def needs_clock(intents: PlanIntents) -> bool:
    return any(
        i.reentry == "after" or i.entry.expire_after_s is not None
        for i in position_intents(intents)
    )


def vanished(holding: Holding, snapshot: Snapshot) -> bool:
    """The position the step held is gone (or its entry order left the book, or filled in part
    while no position remains: the filled part was closed)."""
    if snapshot.position(holding.symbol, holding.side) is not None:
        return False
    if holding.size > 0:
        return True
    resting = [o for o in snapshot.open_orders if o.client_order_id in holding.entry_orders]
    return not resting or any(o.filled > 0 for o in resting)


def reconcile(
    source: HistorySource,
    records: Mapping[str, StepRecord],
    intents: PlanIntents,
    snapshot: Snapshot,
    *,
    own_prefix: str,
    server_ms: int | None = None,
) -> Lifecycle:
    """``server_ms``: the exchange's time, when the caller measured it in its first round."""
    gone = {
        key: r.holding
        for key, r in records.items()
        if r.holding is not None and vanished(r.holding, snapshot)
    }
    if server_ms is None and (gone or needs_clock(intents)):
        server_ms = source.system_time_ms()
    updated = dict(records)
    histories: dict[tuple[str, int], History] = {}
    for key, holding in gone.items():
        assert server_ms is not None
        start_ms = max(holding.since_ms - SLACK_MS, server_ms - MAX_WINDOW_MS)
        cached = histories.get((holding.symbol, start_ms))
        history = cached or read_history(source, holding.symbol, start_ms)
        histories[(holding.symbol, start_ms)] = history
        closure = closure_of(holding, history, own_prefix)
        updated[key] = records[key].evolve(holding=None, closure=closure)
    return Lifecycle(updated, server_ms)


def read_history(source: HistorySource, symbol: str, start_ms: int) -> History:
    start_s = start_ms // 1000
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="history") as pool:
        orders_f = pool.submit(source.order_history, symbol, start_s=start_s)
        fills_f = pool.submit(source.trades, symbol, start_s=start_s)
        ledger_f = pool.submit(source.transaction_history, symbol, start_ms=start_ms)
        orders, fills, ledger = orders_f.result(), fills_f.result(), ledger_f.result()
    return History(
        orders=tuple(_past_order(o) for o in orders),
        fills=tuple(
            PastFill(
                str(f.order_id),
                codes.order_side(int(f.side), "trades"),
                f.realized_pnl,
                f.fee,
                int(f.create_time_ms),
            )
            for f in fills
        ),
        ledger=tuple(PastEntry(e.flow_type, e.amount, int(e.time_ms)) for e in ledger),
    )


def _past_order(order: Any) -> PastOrder:
    return PastOrder(
        order_id=str(order.order_id),
        client_order_id=order.client_order_id or "",
        side=codes.order_side(int(order.side), "order-history"),
        order_type=str(order.type),
        size=order.size,
        filled=order.filled or ZERO,
        avg_price=order.avg_price or ZERO,
        trigger_price=order.trigger_price,
        created_ms=int(order.create_time_ms),
        updated_ms=int(order.update_time_ms),
        finished=int(order.state) == 4,
    )
