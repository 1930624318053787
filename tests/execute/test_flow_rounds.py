"""The apply flow's first read round: a plan that may top up lists the transfers in it."""

from __future__ import annotations

import threading
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

from runner.account import Needs
from runner.errors import RunnerError
from runner.execute.flow import _with_transfers
from tests.compiler.fixtures import snapshot

SESSION: Any = SimpleNamespace(target=SimpleNamespace(name="paper"))


class Client:
    """The transfer list, held until the snapshot's reads are in flight too."""

    def __init__(self, meet: threading.Barrier | None = None, fail: bool = False) -> None:
        self.meet = meet
        self.fail = fail
        self.lists = 0

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


def test_the_transfer_list_is_read_in_the_snapshots_round() -> None:
    # both wait for each other: read one after the other, the barrier breaks (its timeout
    # only prevents a hang)
    meet = threading.Barrier(2, timeout=10)
    client: Any = Client(meet)

    def take() -> Any:
        meet.wait()
        return snapshot()

    taken, listed = _with_transfers(SESSION, client, Needs(spot=True), take)
    assert listed is not None and [r.transfer_id for r in listed.records] == ["t1"]
    assert taken == snapshot()


def test_no_transfer_list_for_a_plan_that_cannot_top_up() -> None:
    client: Any = Client()
    _, listed = _with_transfers(SESSION, client, Needs(), snapshot)
    assert listed is None and client.lists == 0


def test_a_failed_list_is_left_to_the_read_before_the_transfer() -> None:
    client: Any = Client(fail=True)
    taken, listed = _with_transfers(SESSION, client, Needs(spot=True), snapshot)
    assert listed is None and taken == snapshot()
