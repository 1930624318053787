"""A run killed (SIGKILL) or stopped (SIGTERM) between writes, then re-run; and two applies
racing on one account.

These run the real CLI in subprocesses against the simulator over HTTP.  Polls below wait for
events (a journal line, a log entry) with generous bounds only to avoid hanging; no assertion
depends on how long anything took.
"""

from __future__ import annotations

import signal
from collections import Counter
from decimal import Decimal
from pathlib import Path

from runner.errors import ExitCode
from tests.e2e.conftest import Cli
from tests.e2e.spawned import journal_events, real_time, server, spawn, until  # noqa: F401
from tests.processes import send_stop

REPO = Path(__file__).resolve().parents[2]
BTC_LONG = REPO / "plans" / "examples" / "btc-long.yaml"
SUBMIT = "/contract/private/submit-order"












def _submit_intent_written(home: Path) -> bool:
    return any(
        e.get("event") == "intent" and e.get("client_order_id") for e in journal_events(home)
    )


def test_killed_between_writes_then_rerun_converges_exactly_once(runner_cli: Cli) -> None:
    # The open is held up in the server, so the process is killed with its write in flight.
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 1500}])
    proc = spawn(runner_cli, "apply", str(BTC_LONG), "--yes")
    try:
        until(lambda: _submit_intent_written(runner_cli.home), "the open's journaled intent")
        proc.kill()  # SIGKILL; TerminateProcess on Windows: no handler runs either way
    finally:
        proc.communicate(timeout=60)
    assert proc.returncode == (-signal.SIGKILL if hasattr(signal, "SIGKILL") else 1)

    rerun = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert rerun.code == ExitCode.OK, rerun.text
    assert "unfinished run" in rerun.text
    # the delayed request from the dead process (if it got out) has landed by now or never will
    until(
        lambda: any(e.fault == "delay" for e in runner_cli.server.request_log()),
        "the delayed submit reaching the exchange",
    )
    state = runner_cli.server.state()
    cids = Counter(o["client_order_id"] for o in state["orders"] if o.get("client_order_id"))
    filled = [o for o in state["orders"] if Decimal(str(o.get("filled", o.get("deal_size", 0))))]
    assert set(cids.values()) == {1}, cids
    assert sum(Decimal(str(p["size"])) for p in state["positions"]) == 10
    assert len(filled) == 1
    assert len(state["transfers"]) == 1
    again = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert again.code == ExitCode.OK and "No changes" in again.out, again.text


def test_stopped_between_writes_reports_what_was_applied_and_exits_130(runner_cli: Cli) -> None:
    # systemd/launchd stop a job with SIGTERM (Windows: Ctrl-Break): the same path as Ctrl-C.
    # The open is held up in the server, so the signal arrives with the write in flight.
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 5000}])
    proc = spawn(runner_cli, "apply", str(BTC_LONG), "--yes")
    try:
        until(lambda: _submit_intent_written(runner_cli.home), "the open's journaled intent")
        send_stop(proc)
    finally:
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == ExitCode.INTERRUPTED, (out, err)
    assert "interrupted: no further writes are sent" in out
    assert "Apply report" in out
    assert "transfer 566 USDT spot -> futures: done, verified" in out
    assert "Interrupted: " in out
    assert "interrupted" in [e.get("event") for e in journal_events(runner_cli.home)]


def test_two_applies_at_once_one_runs_and_the_other_waits_then_finds_nothing(
    runner_cli: Cli,
) -> None:
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 500}])
    first = spawn(runner_cli, "apply", str(BTC_LONG), "--yes", "--lock-timeout", "120")
    second = spawn(runner_cli, "apply", str(BTC_LONG), "--yes", "--lock-timeout", "120")
    outputs = [p.communicate(timeout=180) for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    assert codes == [0, 0], outputs
    assert sum("No changes" in out for out, _ in outputs) == 1, outputs
    state = runner_cli.server.state()
    cids = Counter(o["client_order_id"] for o in state["orders"] if o.get("client_order_id"))
    assert set(cids.values()) == {1}
    assert sum(Decimal(str(p["size"])) for p in state["positions"]) == 10
    assert len(state["transfers"]) == 1


def test_a_second_apply_without_lock_timeout_exits_7(runner_cli: Cli) -> None:
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 3000}])
    first = spawn(runner_cli, "apply", str(BTC_LONG), "--yes")
    try:
        until(lambda: _submit_intent_written(runner_cli.home), "the first run writing")
        second = runner_cli.run("apply", str(BTC_LONG), "--yes")
    finally:
        first.communicate(timeout=120)
    assert second.code == ExitCode.LOCKED, second.text
    assert first.returncode == 0
