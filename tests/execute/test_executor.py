"""Exactly-once execution against a fake exchange with scripted faults."""

from __future__ import annotations

import json
import threading
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from runner.compiler import actions as act
from runner.compiler.actions import OrderIds, SubmitOrder
from runner.compiler.compile import compile_plan
from runner.compiler.snapshot import Market
from runner.exchange.requests import request_for
from runner.execute.executor import ApplyReport, Executor, Status
from runner.execute.journal import Journal, read_journal
from runner.execute.port import TransferFact, TransferList
from tests.compiler.fixtures import snapshot
from tests.execute.fake_port import FakePort
from tests.render.test_plan_render import PLAN

ORDER = "/contract/private/submit-order"
TRANSFER = "/account/v1/transfer-contract"


WALL_MS = 1_000_000  # this machine's clock, held still: a listing's age is what a test says


def _wall_ms() -> int:
    return WALL_MS


def run(
    tmp_path: Path,
    port: FakePort,
    *,
    interrupt_on: int | None = None,
    transfers: TransferList | None = None,
) -> tuple[ApplyReport, Path]:
    start = snapshot()
    actions = compile_plan(PLAN, start, OrderIds("btc-swing", nonce="r1")).actions
    journal = Journal.create(tmp_path, "acct", "run-1")
    lines: list[str] = []

    def emit(line: str) -> None:
        lines.append(line)
        if interrupt_on is not None and len(lines) == interrupt_on:
            raise KeyboardInterrupt

    with journal:
        report = Executor(
            port,
            journal,
            symbols=["BTCUSDT"],
            start=start,
            emit=emit,
            sleep=lambda _: None,
            transfers=transfers,
            wall_ms=_wall_ms,
        ).run(actions)
    return report, journal.path


def test_happy_path_applies_and_verifies_each_write_once(tmp_path: Path) -> None:
    port = FakePort(snapshot())
    report, path = run(tmp_path, port)
    assert report.complete
    assert [o.status for o in report.outcomes] == [Status.APPLIED, Status.APPLIED]
    assert len(port.sends_to(TRANSFER)) == 1
    assert len(port.sends_to(ORDER)) == 1
    events = [r["event"] for r in read_journal(path).records]
    # the intent is on disk before each write is sent
    assert events[:4] == ["intent", "sent", "intent", "sent"]
    assert events.count("verified") == 2


def test_dropped_answer_after_commit_is_reconciled_not_resent(tmp_path: Path) -> None:
    port = FakePort(snapshot(), faults={ORDER: ["after"]})
    report, path = run(tmp_path, port)
    assert report.complete
    assert len(port.sends_to(ORDER)) == 1  # never sent twice
    assert len(port.orders) == 1
    decisions = [
        r.get("decision") for r in read_journal(path).records if r["event"] == "reconciled"
    ]
    assert decisions == ["happened"]


def test_dropped_before_commit_is_resent_once_with_the_same_id(tmp_path: Path) -> None:
    port = FakePort(snapshot(), faults={ORDER: ["before"]})
    report, _ = run(tmp_path, port)
    assert report.complete
    first, second = port.sends_to(ORDER)
    assert isinstance(first, SubmitOrder)
    assert isinstance(second, SubmitOrder)
    assert first.cid == second.cid
    assert len(port.orders) == 1


def test_unknown_twice_without_effect_stops_instead_of_guessing(tmp_path: Path) -> None:
    port = FakePort(snapshot(), faults={ORDER: ["before", "before"]})
    report, _ = run(tmp_path, port)
    assert not report.complete
    assert [o.status for o in report.outcomes] == [Status.APPLIED, Status.FAILED]
    assert len(port.sends_to(ORDER)) == 2
    assert port.orders == {}


def test_transfer_dropped_after_commit_is_found_in_the_records(tmp_path: Path) -> None:
    port = FakePort(snapshot(), faults={TRANSFER: ["after"]})
    report, _ = run(tmp_path, port)
    assert report.complete
    assert len(port.sends_to(TRANSFER)) == 1
    assert len(port.transfers) == 1


def test_the_first_rounds_transfer_list_stands_in_for_the_read_before_the_transfer(
    tmp_path: Path,
) -> None:
    port = FakePort(snapshot())
    listed = TransferList((), read_at_ms=_wall_ms())
    report, _ = run(tmp_path, port, transfers=listed)
    assert report.complete
    # the run went straight to the transfer: no second read before it (one after: verification)
    assert port.transfer_reads_at_sends == [0]


def test_an_aged_transfer_list_is_read_again_before_the_transfer(tmp_path: Path) -> None:
    port = FakePort(snapshot())
    aged = TransferList((), read_at_ms=_wall_ms() - 60_000)  # e.g. a consent prompt between
    report, _ = run(tmp_path, port, transfers=aged)
    assert report.complete
    assert port.transfer_reads_at_sends == [1]


def test_another_runners_top_up_listed_in_the_first_round_is_not_compounded(
    tmp_path: Path,
) -> None:
    # another runner's identical top-up, listed by the first round: this run's top-up was
    # computed from the same state for the same level, so it is not sent, and the list of the
    # first round decides it without a second read
    start = snapshot()
    transfer = compile_plan(PLAN, start, OrderIds("btc-swing", nonce="r1")).actions[0]
    twin = TransferFact("other-1", transfer.amount, True, time_ms=999_000, finished=True)
    port = FakePort(start, transfers=[twin])
    report, _ = run(tmp_path, port, transfers=TransferList((twin,), read_at_ms=_wall_ms()))
    assert report.complete
    assert port.sends_to(TRANSFER) == []
    assert "another runner" in report.outcomes[0].detail
    assert port.transfer_reads_at_sends == []


def test_rejection_stops_the_run_and_later_steps_do_not_run(tmp_path: Path) -> None:
    port = FakePort(snapshot(), faults={TRANSFER: [("reject", 40027)]})
    report, path = run(tmp_path, port)
    assert [o.status for o in report.outcomes] == [Status.FAILED, Status.NOT_RUN]
    assert "40027" in report.outcomes[0].detail
    assert port.sends_to(ORDER) == []
    assert any(r["event"] == "failed" for r in read_journal(path).records)


def test_duplicate_client_order_id_means_it_already_happened(tmp_path: Path) -> None:
    port = FakePort(snapshot())
    start = snapshot()
    order = compile_plan(PLAN, start, OrderIds("btc-swing", nonce="r1")).actions[1]
    port._commit(order)  # an earlier (crashed) run already placed it
    report, _ = run(tmp_path, port)
    assert report.complete
    assert len(port.orders) == 1
    assert "duplicate" in report.outcomes[1].detail


def test_relative_stop_is_moved_to_the_actual_fill(tmp_path: Path) -> None:
    # estimated entry 67000 -> SL 64990 (-3%); the market fills at 66000 -> SL 64020
    port = FakePort(snapshot(), fill_price=D(66000))
    report, _ = run(tmp_path, port)
    assert report.complete
    moves = port.sends_to("/contract/private/modify-tp-sl-order")
    assert len(moves) == 1
    sl = next(t for t in port.snap.trigger_orders if t.kind.value == "stop_loss")
    assert sl.trigger == D("64020.0")


def test_interrupt_stops_further_writes_and_reports(tmp_path: Path) -> None:
    port = FakePort(snapshot())
    report, path = run(tmp_path, port, interrupt_on=3)  # during step 2's announcement
    assert report.interrupted
    assert port.sends_to(ORDER) == []
    assert [o.status for o in report.outcomes] == [Status.APPLIED, Status.NOT_RUN]
    assert json.dumps([r["event"] for r in read_journal(path).records]).count("interrupted") == 1


def test_the_relative_stop_read_is_the_verification_read_when_nothing_moves(
    tmp_path: Path,
) -> None:
    # the market fills at the estimate (67000): one read round after the last write, holding
    # the snapshot and the order's history lookup; no second snapshot, no lookup on its own
    port = FakePort(snapshot(), fill_price=D(67000))
    report, _ = run(tmp_path, port)
    assert report.complete
    assert [request_for(a).path for a in port.sent] == [TRANSFER, ORDER]
    assert port.reads == 1
    (order,) = port.sends_to(ORDER)
    assert isinstance(order, SubmitOrder)
    assert port.rounds == [(order.cid,)]


def test_a_stop_that_has_to_move_costs_one_write_and_one_read_more(tmp_path: Path) -> None:
    port = FakePort(snapshot(), fill_price=D(66000))
    report, _ = run(tmp_path, port)
    assert report.complete
    assert [request_for(a).path for a in port.sent] == [
        TRANSFER,
        ORDER,
        "/contract/private/modify-tp-sl-order",
    ]
    # the round that found the fill, then the one that verifies the move; the order was
    # found by the first, so the second looks nothing up again
    assert port.reads == 2
    (order,) = port.sends_to(ORDER)
    assert isinstance(order, SubmitOrder)
    assert port.rounds == [(order.cid,), ()]


class _ListWithRound(FakePort):
    """The list read that verifies the transfer, held until the round after the open is in
    flight too (and the round until the list is): read one after the other, the barrier breaks
    (its timeout only prevents a hang)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meet = threading.Barrier(2, timeout=10)
        self.met = False

    def read_round(self, *args: Any, **kwargs: Any) -> Any:
        if self.sent and not self.met:  # the round after the open
            self.meet.wait()
            self.met = True
        return super().read_round(*args, **kwargs)

    def transfers_since(self, since_ms: int) -> Any:
        if self.sent:  # after the transfer: the verification's list read
            self.meet.wait()
        return super().transfers_since(since_ms)


@pytest.mark.parametrize("fill", [D(67000), D(66000)], ids=["stop-stays", "stop-moves"])
def test_the_transfer_is_verified_on_a_list_read_with_the_round_after_the_open(
    tmp_path: Path, fill: D
) -> None:
    # the list allows one read per 2 s: in a round of its own after the verification it would
    # add a round trip to every run that tops up
    port = _ListWithRound(snapshot(), fill_price=fill)
    report, _ = run(tmp_path, port)
    assert report.complete and all(o.verified for o in report.outcomes)
    assert port.met
    assert port.transfer_reads == 2  # the one before the transfer, the one that verifies it


class _InterruptedInFlight(FakePort):
    """Ctrl-C (or SIGTERM) arrives while the order's request is on its way: it committed."""

    def send(self, action: object) -> object:  # type: ignore[override]
        result = super().send(action)  # type: ignore[arg-type]
        if request_for(action).path == ORDER:  # type: ignore[arg-type]
            raise KeyboardInterrupt
        return result


def test_an_interrupt_with_a_write_in_flight_reports_it_unknown_not_not_run(
    tmp_path: Path,
) -> None:
    port = _InterruptedInFlight(snapshot())
    report, path = run(tmp_path, port)
    assert report.interrupted
    assert [o.status for o in report.outcomes] == [Status.APPLIED, Status.UNKNOWN]
    records = read_journal(path).records
    interrupted = next(r for r in records if r["event"] == "interrupted")
    assert interrupted["in_flight"] == 2
    # its intent has no answer in the journal: the next apply treats it as in doubt
    assert [r["event"] for r in records].count("sent") == 1


class _CrashAfterTheFill(FakePort):
    """The mark falls to 63000 right after the open fills at 66000."""

    def _commit(self, action: act.Action) -> str | None:
        order_id = super()._commit(action)
        if isinstance(action, SubmitOrder):
            crashed = {**self.snap.markets, "BTCUSDT": Market(D(63000), D(63000))}
            self.snap = self.snap.evolve(markets=crashed)
        return order_id


def test_the_fires_at_once_guard_judges_by_the_freshest_price_read(tmp_path: Path) -> None:
    # the stop re-resolved to the fill (-3% of 66000 = 64020) would fire at once at the mark the
    # run has just read (63000), though not at the 67000 read before the run
    port = _CrashAfterTheFill(snapshot(), fill_price=D(66000))
    report, path = run(tmp_path, port)
    assert port.sends_to("/contract/private/modify-tp-sl-order") == []
    refused = [o for o in report.outcomes if o.refused]
    assert len(refused) == 1 and "would fire at once" in refused[0].detail
    assert "63000" in refused[0].detail
    assert port.reads == 1  # the read the re-resolution made anyway: no extra round
    assert "refused" in [r["event"] for r in read_journal(path).records]
