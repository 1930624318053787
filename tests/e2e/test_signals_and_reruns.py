"""Every way a run can end (issue 19 items 2 and 5): SIGINT and SIGTERM with a write in flight
exit 130, report it as "outcome unknown" and leave the journal for the next apply to reconcile;
a run stopped by a rejection (exit 4) is re-run without repeating the actions it did."""

from __future__ import annotations

import signal
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan
from tests.e2e.spawned import journal_events, real_time, server, spawn, until  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
SUBMIT = "/contract/private/submit-order"
TRANSFER = "/account/v1/transfer-contract"
ACTIONS = """\
version: 1
name: act-twice
steps:
  - transfer: {amount: 300, direction: to_futures}
  - open:
      {symbol: BTCUSDT, side: long, size: 2, leverage: 5, margin: isolated, entry: {type: market}}
"""












def _open_in_flight(cli: Cli) -> bool:
    """The open's request reached the server, which holds it (its delay rule is used up)."""
    return not cli.server.state()["faults"]


def _state(cli: Cli) -> tuple[Counter[str], Decimal, int]:
    state = cli.server.state()
    cids = Counter(o["client_order_id"] for o in state["orders"] if o.get("client_order_id"))
    size = sum((Decimal(str(p["size"])) for p in state["positions"]), Decimal(0))
    return cids, size, len(state["transfers"])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_with_a_write_in_flight_leaves_it_for_the_next_apply(
    runner_cli: Cli, tmp_path: Path, signum: int
) -> None:
    plan = write_plan(tmp_path / "acts.yaml", ACTIONS)
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 1500}])
    proc = spawn(runner_cli, "apply", str(plan), "--yes")
    try:
        until(lambda: _open_in_flight(runner_cli), "the open in flight")
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == ExitCode.INTERRUPTED, out + err
    assert "interrupted while it was in flight" in out, out
    assert "not run" not in out.split("Apply report")[-1], out
    events = [e.get("event") for e in journal_events(runner_cli.home)]
    assert "run_end" not in events  # not closed as if complete
    until(
        lambda: any(e.fault == "delay" for e in runner_cli.server.request_log()),
        "the delayed open landing on the exchange",
    )
    rerun = runner_cli.run("apply", str(plan), "--yes")
    assert rerun.code == ExitCode.OK, rerun.text
    assert "unfinished run" in rerun.text
    cids, size, transfers = _state(runner_cli)
    assert set(cids.values()) == {1} and len(cids) == 1, cids
    assert size == 2 and transfers == 1


def test_exit_4_then_rerun_skips_the_actions_already_done(runner_cli: Cli, tmp_path: Path) -> None:
    plan = write_plan(tmp_path / "acts.yaml", ACTIONS)
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "reject", "code": 40027}])
    first = runner_cli.run("apply", str(plan), "--yes")
    assert first.code == ExitCode.PARTIAL, first.text
    assert "will not send again the 1 change(s) applied here" in first.out
    assert "will send the 1 failed or not-run change(s)" in first.out
    rerun = runner_cli.run("apply", str(plan), "--yes")
    assert rerun.code == ExitCode.OK, rerun.text
    assert "already applied" in rerun.text
    cids, size, transfers = _state(runner_cli)
    assert transfers == 1 and size == 2 and set(cids.values()) == {1}
    # the stopped run is closed now: the next apply is an ordinary new run of the actions
    third = runner_cli.run("apply", str(plan), "--yes")
    assert third.code == ExitCode.OK, third.text
    assert _state(runner_cli)[2] == 2


def test_a_killed_run_then_an_edited_plan_does_not_resend_its_open(
    runner_cli: Cli,
    tmp_path: Path,
    real_time: list[float],  # noqa: F811
) -> None:
    plan = write_plan(tmp_path / "acts.yaml", ACTIONS)
    runner_cli.server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 1500}])
    proc = spawn(runner_cli, "apply", str(plan), "--yes")
    try:
        until(lambda: _open_in_flight(runner_cli), "the open in flight")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.communicate(timeout=60)
    until(
        lambda: any(e.fault == "delay" for e in runner_cli.server.request_log()),
        "the delayed open landing on the exchange",
    )
    write_plan(plan, ACTIONS.replace("name: act-twice", "name: act-twice\n# edited after the kill"))
    rerun = runner_cli.run("apply", str(plan), "--yes")
    assert rerun.code == ExitCode.OK, rerun.text
    # the killed open had no answer: the re-run first sat out its signature (not really here)
    assert "may still reach the exchange" in rerun.text
    assert any(wait > 50 for wait in real_time), real_time
    _, size, transfers = _state(runner_cli)
    assert size == 2 and transfers == 1
