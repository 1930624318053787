"""Another runner on the same account (issue 19, two runner homes) and the command's time limit,
against the fake exchange: what the executor sends, says and verifies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from runner.compiler import actions as act
from runner.compiler.actions import OrderIds
from runner.compiler.compile import compile_plan
from runner.exchange.errors import TimeUp
from runner.execute.executor import ApplyReport, Executor, Outcome, Status
from runner.execute.journal import Journal, read_journal
from runner.execute.port import Sent, TransferFact
from tests.compiler.fixtures import snapshot
from tests.execute.fake_port import FakePort
from tests.render.test_plan_render import PLAN

ORDER = "/contract/private/submit-order"
TRANSFER = "/account/v1/transfer-contract"


class RacingPort(FakePort):
    """Another runner's identical transfer lands at the same moment as ours."""

    def send(self, action: act.Action) -> Sent:
        sent = super().send(action)
        if isinstance(action, act.Transfer):
            twin = TransferFact("other-1", action.amount, action.to_futures, self.clock_ms, True)
            self.transfers.append(twin)
        return sent


class UnlistedPort(FakePort):
    """The exchange answered the transfer, but its list never shows it."""

    def transfers_since(self, since_ms: int) -> list[TransferFact]:
        return []


def _run(
    tmp_path: Path, port: FakePort, sleep: Callable[[float], None] = lambda _: None
) -> tuple[ApplyReport, list[str], Path]:
    start = snapshot()
    actions = compile_plan(PLAN, start, OrderIds("btc-swing", nonce="r1")).actions
    assert any(isinstance(a, act.Transfer) and not a.runs_every_apply for a in actions)
    lines: list[str] = []
    journal = Journal.create(tmp_path, "acct", "run-1")
    with journal:
        report = Executor(
            port, journal, symbols=["BTCUSDT"], start=start, emit=lines.append, sleep=sleep
        ).run(actions)
    return report, lines, journal.path


def _transfer(report: ApplyReport) -> Outcome:
    return next(o for o in report.outcomes if isinstance(o.action, act.Transfer))


def test_a_transfer_made_at_the_same_moment_by_another_runner_is_said(tmp_path: Path) -> None:
    port = RacingPort(snapshot())
    report, lines, path = _run(tmp_path, port)
    assert report.complete  # ours is listed: verified
    assert any("made at the same moment by another runner" in line for line in lines), lines
    events = [r["event"] for r in read_journal(path).records]
    assert "other_runner" in events


def test_a_top_up_right_after_another_runners_identical_transfer_is_not_sent(
    tmp_path: Path,
) -> None:
    start = snapshot()
    actions = compile_plan(PLAN, start, OrderIds("btc-swing", nonce="r1")).actions
    top_up = next(a for a in actions if isinstance(a, act.Transfer))
    port = FakePort(start)
    # another home's top-up, computed from the same state, listed a moment ago; its open may
    # already use the money, so the balance alone would not show it
    port.transfers.append(TransferFact("other-1", top_up.amount, True, port.clock_ms, True))
    report, lines, _ = _run(tmp_path, port)
    assert any("another runner may be working" in line for line in lines), lines
    assert port.sends_to(TRANSFER) == []
    assert "another runner" in _transfer(report).detail
    assert len(port.sends_to(ORDER)) == 1


def test_a_transfer_the_exchange_does_not_list_is_not_verified(tmp_path: Path) -> None:
    report, _, _ = _run(tmp_path, UnlistedPort(snapshot()))
    assert _transfer(report).verified is False
    assert not report.complete


def test_the_time_limit_during_a_reconciliation_leaves_the_write_unknown(tmp_path: Path) -> None:
    def out_of_time(seconds: float) -> None:
        raise TimeUp(30, f"not waiting {seconds:.0f} s")

    port = FakePort(snapshot(), faults={ORDER: ["before"]})
    report, _, path = _run(tmp_path, port, sleep=out_of_time)
    order = next(o for o in report.outcomes if isinstance(o.action, act.SubmitOrder))
    assert order.status is Status.UNKNOWN and "cut off by the time limit" in order.detail
    assert report.time_up is not None and report.sent
    assert len(port.sends_to(ORDER)) == 1  # not sent again without knowing
    assert "time_up" in [r["event"] for r in read_journal(path).records]
    assert order.verified is None  # never "verified" without a read
