"""The facts the pure compiler is given besides the snapshot, read at the edge: the exchange's
clock, fired take-profit levels and ``once_per`` steps already done this period."""

from __future__ import annotations

from collections.abc import Mapping
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


def read_edge_facts(
    source: EdgeSource, intents: PlanIntents, snapshot: Snapshot, registry: Mapping[str, str]
) -> EdgeFacts:
    needs_history = any(once_per_of(i) is not None for i in intents.intents) or any(
        "/tp" in key for key in registry
    )
    # reading the exchange's clock costs a request: only plans that look at history pay it
    now_ms = exchange_now_ms(source) if needs_history else source.transport.now_ms()
    periods = period_tags(intents, now_ms)
    ids = OrderIds(intents.name, periods=periods)
    return EdgeFacts(
        now_ms=now_ms,
        ladder_fills=read_ladder_fills(source, intents, snapshot, registry, now_ms),
        periods=periods,
        once_done=read_once_done(source, intents, snapshot, ids, now_ms),
        transfers_checked=transfers_checked(source),
    )
