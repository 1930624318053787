"""Which take-profit levels fired, read from the exchange at the edge (the compiler stays pure).

The registry remembers the order each ladder level placed (``<step>/tp<N>`` -> order id).  A level
whose order is no longer resting fired if the order history holds its child order,
``PLAN_<order id>``, with contracts filled (a cancelled level has no such child).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from runner.compiler.ctx import LevelFill
from runner.compiler.intents import PlanIntents, PositionIntent
from runner.compiler.snapshot import Snapshot
from runner.durations import local_time_text
from runner.records.edge_io import HistorySource, in_parallel
from runner.records.plan_orders import ladder_key

HISTORY_WINDOW_S = 89 * 24 * 3600  # order-history takes at most a 90-day window


def read_ladder_fills(
    source: HistorySource,
    intents: PlanIntents,
    snapshot: Snapshot,
    registry: Mapping[str, str],
    now_ms: int,
) -> dict[str, dict[int, LevelFill]]:
    resting = {t.order_id for t in snapshot.trigger_orders}
    now_s = now_ms // 1000
    fills: dict[str, dict[int, LevelFill]] = {}
    gone: list[tuple[PositionIntent, int, str]] = []  # levels no longer resting: fired?
    for intent in intents.intents:
        if not isinstance(intent, PositionIntent) or not intent.ladder:
            continue
        for number in range(1, len(intent.ladder) + 1):
            order_id = registry.get(ladder_key(intent.key, number))
            if order_id is not None and order_id not in resting:
                gone.append((intent, number, f"PLAN_{order_id}"))

    def history(level: tuple[PositionIntent, int, str]) -> Sequence[Any]:
        intent, _, child = level
        return source.order_history(
            intent.symbol, client_order_id=child, start_s=now_s - HISTORY_WINDOW_S, end_s=now_s + 60
        )

    for (intent, number, child), rows in zip(gone, in_parallel(history, gone), strict=True):
        for row in rows:
            if row.client_order_id == child and row.filled > 0:
                fill = LevelFill(
                    price=Decimal(row.avg_price),
                    size=Decimal(row.filled),
                    at=local_time_text(int(row.update_time_ms)),
                )
                fills.setdefault(intent.key, {})[number] = fill
                break
    return fills
