"""A run killed (SIGKILL) or stopped (SIGTERM) between writes, then re-run; and two applies
racing on one account.

These run the real CLI in subprocesses against the simulator over HTTP.  Polls below wait for
events (a journal line, a log entry) with generous bounds only to avoid hanging; no assertion
depends on how long anything took.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import runner.session
from runner.errors import ExitCode
from runner.sim.server import SimServer
from tests.e2e.conftest import Cli, FakeTime
from tests.processes import send_stop, stoppable

REPO = Path(__file__).resolve().parents[2]
BTC_LONG = REPO / "plans" / "examples" / "btc-long.yaml"
SUBMIT = "/contract/private/submit-order"


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    """Runners in other processes keep real time: so must the simulator here."""
    return make_sim_server(rate_limit=True)


@pytest.fixture(autouse=True)
def real_time(fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch) -> None:
    from runner.exchange import RetryPolicy

    monkeypatch.setattr(runner.session, "retry_policy", RetryPolicy)


def _spawn(cli: Cli, *args: str) -> subprocess.Popen[str]:
    creds = cli.server.credentials
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BITMART_API_KEY": creds.key,
        "BITMART_API_SECRET": creds.secret,
        "BITMART_API_MEMO": creds.memo,
        "BITMART_RUNNER_HOME": str(cli.home),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "runner", *args, "--base-url", cli.server.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        **stoppable(),
    )


def _until(condition: Callable[[], bool], what: str, bound_s: float = 60.0) -> None:
    deadline = time.monotonic() + bound_s
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def _journal_events(home: Path) -> list[dict[str, object]]:
    events = []
    for path in sorted(home.rglob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                events.append(json.loads(line))
    return events


def _submit_intent_written(home: Path) -> bool:
    return any(
        e.get("event") == "intent" and e.get("client_order_id") for e in _journal_events(home)
    )


def test_killed_between_writes_then_rerun_converges_exactly_once(runner_cli: Cli) -> None:
    # The open is held up in the server, so the process is killed with its write in flight.
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 1500}])
    proc = _spawn(runner_cli, "apply", str(BTC_LONG), "--yes")
    try:
        _until(lambda: _submit_intent_written(runner_cli.home), "the open's journaled intent")
        proc.kill()  # SIGKILL; TerminateProcess on Windows: no handler runs either way
    finally:
        proc.communicate(timeout=60)
    assert proc.returncode == (-signal.SIGKILL if hasattr(signal, "SIGKILL") else 1)

    rerun = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert rerun.code == ExitCode.OK, rerun.text
    assert "unfinished run" in rerun.text
    # the delayed request from the dead process (if it got out) has landed by now or never will
    _until(
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
    proc = _spawn(runner_cli, "apply", str(BTC_LONG), "--yes")
    try:
        _until(lambda: _submit_intent_written(runner_cli.home), "the open's journaled intent")
        send_stop(proc)
    finally:
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == ExitCode.INTERRUPTED, (out, err)
    assert "interrupted: no further writes are sent" in out
    assert "Apply report" in out
    assert "transfer 566 USDT spot -> futures: done, verified" in out
    assert "Interrupted: " in out
    assert "interrupted" in [e.get("event") for e in _journal_events(runner_cli.home)]


def test_two_applies_at_once_one_runs_and_the_other_waits_then_finds_nothing(
    runner_cli: Cli,
) -> None:
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 500}])
    first = _spawn(runner_cli, "apply", str(BTC_LONG), "--yes", "--lock-timeout", "120")
    second = _spawn(runner_cli, "apply", str(BTC_LONG), "--yes", "--lock-timeout", "120")
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
    first = _spawn(runner_cli, "apply", str(BTC_LONG), "--yes")
    try:
        _until(lambda: _submit_intent_written(runner_cli.home), "the first run writing")
        second = runner_cli.run("apply", str(BTC_LONG), "--yes")
    finally:
        first.communicate(timeout=120)
    assert second.code == ExitCode.LOCKED, second.text
    assert first.returncode == 0
