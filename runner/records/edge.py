"""The facts the pure compiler is given besides the snapshot, read at the edge: the exchange's
clock, fired take-profit levels and ``once_per`` steps already done this period."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from runner.compiler.actions import OrderIds
from runner.compiler.ctx import EdgeFacts
from runner.compiler.intents import PlanIntents, once_per_of
from runner.compiler.snapshot import Snapshot
from runner.records.edge_io import ClockSource, HistorySource, exchange_now_ms
from runner.records.ladder_fills import read_ladder_fills
from runner.records.once import period_tags, read_once_done, transfers_checked


class EdgeSource(HistorySource, ClockSource, Protocol):
    pass


def needs_history(intents: PlanIntents, registry: Mapping[str, str]) -> bool:
    """Whether the edge reads history (and so the exchange's clock) for this plan."""
    return any(once_per_of(i) is not None for i in intents.intents) or any(
        "/tp" in key for key in registry
    )


def read_edge_facts(
    source: EdgeSource,
    intents: PlanIntents,
    snapshot: Snapshot,
    registry: Mapping[str, str],
    *,
    clock_synced: bool = False,
) -> EdgeFacts:
    """``clock_synced``: the caller measured the exchange's clock alongside the snapshot."""
    # reading the exchange's clock costs a request: only plans that look at history pay it
    if needs_history(intents, registry) and not clock_synced:
        now_ms = exchange_now_ms(source)
    else:
        now_ms = source.transport.now_ms()
    periods = period_tags(intents, now_ms)
    ids = OrderIds(intents.name, periods=periods)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="edge") as pool:
        fills = pool.submit(read_ladder_fills, source, intents, snapshot, registry, now_ms)
        done = pool.submit(read_once_done, source, intents, snapshot, ids, now_ms)
        return EdgeFacts(
            now_ms=now_ms,
            ladder_fills=fills.result(),
            periods=periods,
            once_done=done.result(),
            transfers_checked=transfers_checked(source),
        )
