"""``once_per`` steps that already ran this period, read from the exchange at the edge.

An open or close of such a step carries the period in its client order id, so the order history
answers "did it run?" for any machine and any runner home.  Transfers carry no id: a finished
transfer of the same amount and direction in the period counts (from the transfer list, which
only the trading client can read, so ``plan`` leaves the question to ``apply``).
"""

from __future__ import annotations

from decimal import Decimal

from runner.compiler.actions import OrderIds
from runner.compiler.intents import (
    CloseIntent,
    Intent,
    OpenIntent,
    PlanIntents,
    TransferIntent,
    once_per_of,
)
from runner.compiler.periods import period_start_ms, period_tag, this_period
from runner.compiler.snapshot import Snapshot
from runner.durations import local_time_text
from runner.records.edge_io import HistorySource, TransferHistory, in_parallel


def period_tags(intents: PlanIntents, now_ms: int) -> dict[str, str]:
    """Step key -> the current period's tag, for every ``once_per`` step."""
    tags = {}
    for intent in intents.intents:
        period = once_per_of(intent)
        if period is not None:
            tags[intent.key] = period_tag(period, now_ms)
    return tags


def read_once_done(
    source: HistorySource,
    intents: PlanIntents,
    snapshot: Snapshot,
    ids: OrderIds,
    now_ms: int,
) -> dict[int, str]:
    """Step index -> "already done this week (order ... at ...)" for steps that ran this period."""
    asked = [i for i in intents.intents if once_per_of(i) is not None]

    def ran(intent: Intent) -> str | None:
        period = once_per_of(intent)
        assert period is not None
        start_ms = period_start_ms(period, now_ms)
        if isinstance(intent, OpenIntent | CloseIntent):
            purpose = "O" if isinstance(intent, OpenIntent) else "C"
            cid = ids.make(intent.key, purpose)
            return _order(source, snapshot, intent, cid, start_ms, now_ms)
        if isinstance(intent, TransferIntent) and isinstance(source, TransferHistory):
            return _transfer(source, intent, start_ms)
        return None

    done: dict[int, str] = {}
    for intent, found in zip(asked, in_parallel(ran, asked), strict=True):
        period = once_per_of(intent)
        if found is not None and period is not None:
            done[intent.index] = f"already done {this_period(period)} ({found})"
    return done


def _order(
    source: HistorySource,
    snapshot: Snapshot,
    intent: Intent,
    cid: str,
    start_ms: int,
    now_ms: int,
) -> str | None:
    symbol = getattr(intent, "symbol", "")
    for order in snapshot.orders_on(symbol):
        if order.client_order_id == cid:
            return f"order {order.order_id}, working"
    rows = source.order_history(
        symbol, client_order_id=cid, start_s=start_ms // 1000, end_s=now_ms // 1000 + 60
    )
    for row in rows:
        if row.client_order_id == cid:
            return f"order {row.order_id} at {local_time_text(int(row.create_time_ms))}"
    return None


def _transfer(source: TransferHistory, intent: TransferIntent, start_ms: int) -> str | None:
    wanted = "spot_to_contract" if intent.to_futures else "contract_to_spot"
    for record in source.transfer_list(start_ms=start_ms):
        if (
            record.direction == wanted
            and Decimal(record.amount) == intent.amount
            and int(record.time_ms) >= start_ms
            and str(record.state).upper() != "FAILED"
        ):
            return f"transfer {record.transfer_id} at {local_time_text(int(record.time_ms))}"
    return None


def transfers_checked(source: object) -> bool:
    return isinstance(source, TransferHistory)
