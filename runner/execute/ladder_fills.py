"""Which take-profit levels fired, read from the exchange at the edge (the compiler stays pure).

The registry remembers the order each ladder level placed (``<step>/tp<N>`` -> order id).  A level
whose order is no longer resting fired if the order history holds its child order,
``PLAN_<order id>``, with contracts filled (a cancelled level has no such child).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from runner.compiler.ctx import LevelFill
from runner.compiler.intents import PlanIntents, PositionIntent
from runner.compiler.snapshot import Snapshot
from runner.execute.resume import ladder_key

HISTORY_WINDOW_S = 89 * 24 * 3600  # order-history takes at most a 90-day window


class HistorySource(Protocol):
    def order_history(
        self,
        symbol: str,
        *,
        client_order_id: str | None = None,
        start_s: int | None = None,
        end_s: int | None = None,
    ) -> Sequence[Any]: ...


class _Clock(Protocol):
    def now_ms(self) -> int: ...


class ClockSource(Protocol):
    @property
    def transport(self) -> _Clock: ...

    def sync_clock(self) -> int: ...


def exchange_now_ms(client: ClockSource) -> int:
    """The exchange's clock (periods and history windows are on it, not on this machine's)."""
    client.sync_clock()
    return client.transport.now_ms()


def _shown(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


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
    for intent in intents.intents:
        if not isinstance(intent, PositionIntent) or not intent.ladder:
            continue
        for number in range(1, len(intent.ladder) + 1):
            order_id = registry.get(ladder_key(intent.key, number))
            if order_id is None or order_id in resting:
                continue
            child = f"PLAN_{order_id}"
            rows = source.order_history(
                intent.symbol,
                client_order_id=child,
                start_s=now_s - HISTORY_WINDOW_S,
                end_s=now_s + 60,
            )
            for row in rows:
                if row.client_order_id == child and row.filled > 0:
                    fill = LevelFill(
                        price=Decimal(row.avg_price),
                        size=Decimal(row.filled),
                        at=_shown(int(row.update_time_ms)),
                    )
                    fills.setdefault(intent.key, {})[number] = fill
                    break
    return fills


class EdgeSource(HistorySource, ClockSource, Protocol):
    pass


@dataclass(frozen=True)
class EdgeFacts:
    """What the pure compiler is given besides the snapshot: facts from the exchange's history."""

    now_ms: int
    ladder_fills: Mapping[str, Mapping[int, LevelFill]]


def read_edge_facts(
    source: EdgeSource, intents: PlanIntents, snapshot: Snapshot, registry: Mapping[str, str]
) -> EdgeFacts:
    now_ms = exchange_now_ms(source)
    return EdgeFacts(now_ms, read_ladder_fills(source, intents, snapshot, registry, now_ms))
