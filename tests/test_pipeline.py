"""The plan pipeline's read round: a plan that reads history measures the exchange's clock in
the snapshot's round, not in a round of its own after it."""

from __future__ import annotations

import threading
from typing import Any

from runner.pipeline import with_clock
from tests.compiler.fixtures import snapshot
from tests.execute.test_flow_rounds import Client, _meeting


def test_the_clock_is_measured_while_the_snapshot_is_read() -> None:
    # both wait for each other: read one after the other, the barrier breaks (its timeout only
    # prevents a hang)
    meet = threading.Barrier(2, timeout=10)
    client: Any = Client(meet)
    assert with_clock(client, _meeting(meet), clock=True) == snapshot()
    assert client.syncs == 1


def test_a_plan_that_reads_no_history_does_not_ask_for_the_clock() -> None:
    client: Any = Client()
    assert with_clock(client, snapshot, clock=False) == snapshot()
    assert client.syncs == 0
