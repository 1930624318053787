"""The apply flow's first read round: the transfer list of a plan that may top up and the
exchange's clock for one that reads history go out with the snapshot, not after it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

from runner.errors import RunnerError
from runner.execute.flow import _first_round
from tests.compiler.fixtures import snapshot

# the session's policy gives this machine's clock (the listing's age is measured on it)
SESSION: Any = SimpleNamespace(
    target=SimpleNamespace(name="paper"),
    policy=lambda: SimpleNamespace(wall_ms=lambda: 1_000_000),
)


class Client:
    """The transfer list, held until the snapshot's reads are in flight too."""

    def __init__(self, meet: threading.Barrier | None = None, fail: bool = False) -> None:
        self.meet = meet
        self.fail = fail
        self.lists = 0
        self.syncs = 0

    def sync_clock(self) -> int:
        self.syncs += 1
        if self.meet is not None:
            self.meet.wait()
        return 0

    def transfer_list(self, *, start_ms: int) -> list[Any]:
        self.lists += 1
        if self.meet is not None:
            self.meet.wait()
        if self.fail:
            raise RunnerError("transfer list unavailable")
        row = SimpleNamespace(
            transfer_id="t1",
            amount=D("100"),
            direction="spot_to_contract",
            time_ms=start_ms + 1,
            state="FINISHED",
        )
        return [row]


def _meeting(meet: threading.Barrier) -> Callable[[], Any]:
    """The snapshot's reads, held until the other read is in flight too."""

    def take() -> Any:
        meet.wait()
        return snapshot()

    return take


def test_the_transfer_list_is_read_in_the_snapshots_round() -> None:
    # both wait for each other: read one after the other, the barrier breaks (its timeout
    # only prevents a hang)
    meet = threading.Barrier(2, timeout=10)
    client: Any = Client(meet)
    taken, listed = _first_round(SESSION, client, _meeting(meet), transfers=True)
    assert listed is not None and [r.transfer_id for r in listed.records] == ["t1"]
    assert taken == snapshot()


def test_no_transfer_list_for_a_plan_that_cannot_top_up() -> None:
    client: Any = Client()
    _, listed = _first_round(SESSION, client, snapshot, transfers=False)
    assert listed is None and client.lists == 0


def test_a_failed_list_is_left_to_the_read_before_the_transfer() -> None:
    client: Any = Client(fail=True)
    taken, listed = _first_round(SESSION, client, snapshot, transfers=True)
    assert listed is None and taken == snapshot()


def test_the_clock_of_a_plan_that_reads_history_is_measured_in_the_snapshots_round() -> None:
    meet = threading.Barrier(2, timeout=10)
    client: Any = Client(meet)
    _, listed = _first_round(SESSION, client, _meeting(meet), transfers=False, clock=True)
    assert client.syncs == 1 and client.lists == 0 and listed is None
