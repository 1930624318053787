"""History reads at the edge go out together: one round, not one per read."""

from __future__ import annotations

import threading
from typing import Any

from runner.compiler.lifecycle import StepRecord, step_hash
from runner.domain import PosSide
from runner.records.edge_io import in_parallel
from runner.records.reconcile import reconcile
from tests.compiler.fixtures import snapshot
from tests.records.test_records import HELD, NOW, PLAN, STEP, Source, _stop_fill


class Together(Source):
    """Each history read waits until all three are in flight (its timeout only prevents a hang)."""

    def __init__(self, orders: list[Any]) -> None:
        super().__init__(orders)
        self.meet = threading.Barrier(3, timeout=10)

    def order_history(self, symbol: str, *, start_s: int | None = None) -> list[Any]:
        self.meet.wait()
        return super().order_history(symbol, start_s=start_s)

    def trades(self, symbol: str | None = None, *, start_s: int | None = None) -> list[Any]:
        self.meet.wait()
        return super().trades(symbol, start_s=start_s)

    def transaction_history(
        self, symbol: str | None = None, *, start_ms: int | None = None
    ) -> list[Any]:
        self.meet.wait()
        return super().transaction_history(symbol, start_ms=start_ms)


def test_a_gone_positions_history_is_one_round_and_a_measured_clock_is_not_read_again() -> None:
    source = Together([_stop_fill()])
    records = {"btc": StepRecord("btc", step_hash(STEP), "BTCUSDT", PosSide.LONG, HELD)}
    lifecycle = reconcile(source, records, PLAN, snapshot(), own_prefix="BRX", server_ms=NOW)
    assert sorted(source.calls) == ["order_history", "trades", "transaction_history"]
    assert lifecycle.server_ms == NOW
    assert lifecycle.records["btc"].holding is None


def test_in_parallel_has_every_read_in_flight_at_once_and_keeps_the_order() -> None:
    meet = threading.Barrier(4, timeout=10)

    def read(n: int) -> int:
        meet.wait()
        return n * 10

    assert in_parallel(read, [1, 2, 3, 4]) == [10, 20, 30, 40]
    assert in_parallel(read, []) == []
