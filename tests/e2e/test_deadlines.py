"""A total time limit per request (issue 19 item 14): a reply trickling in one byte at a time
(the simulator's slow_drip fault, over HTTP) ends the command at --timeout, never hangs it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, FakeTime

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"
POSITION_V2 = "/contract/private/position-v2"
SUBMIT = "/contract/private/submit-order"
DRIP = {"fault": "slow_drip", "delay_ms": 250, "count": 100}


def test_a_dripping_read_ends_plan_at_the_timeout(runner_cli: Cli) -> None:
    runner_cli.server.set_faults([{"path": POSITION_V2, **DRIP}])
    result = runner_cli.run("plan", str(BTC_LONG), "--timeout", "1")
    assert result.code == ExitCode.EXCHANGE, result.text
    assert POSITION_V2 in result.err and "within 1 s" in result.err
    drips = [e for e in runner_cli.server.request_log() if e.path == POSITION_V2]
    assert len(drips) == 1  # not retried: the limit was the user's choice
    assert runner_cli.writes() == []


def test_a_dripping_read_ends_apply_before_any_write(runner_cli: Cli) -> None:
    runner_cli.server.set_faults([{"path": POSITION_V2, **DRIP}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--timeout", "1")
    assert result.code == ExitCode.EXCHANGE, result.text
    assert runner_cli.writes() == []


def test_a_dripping_write_reply_is_an_unknown_outcome_reconciled_once(runner_cli: Cli) -> None:
    runner_cli.server.set_faults([{"path": SUBMIT, **DRIP, "count": 1}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--request-timeout", "1")
    assert result.code == ExitCode.OK, result.text
    assert "outcome unknown" in result.out
    orders = Counter(o["client_order_id"] for o in runner_cli.server.state()["orders"])
    assert set(orders.values()) == {1}
    assert [e.fault for e in runner_cli.server.request_log() if e.path == SUBMIT] == ["slow_drip"]


def test_the_default_timeouts_are_documented(runner_cli: Cli) -> None:
    for command in ("plan", "apply"):
        shown = runner_cli.run(command, "--help", base_url=False)
        text = " ".join(shown.out.split())
        assert "--timeout FLOAT RANGE Seconds the whole command" in text, text
        assert "default: 300" in text
        assert "--request-timeout" in text and "default: 30" in text


LATE = {"fault": "late_reply", "delay_ms": 3000}
PLAN_ORDER = "/contract/private/submit-plan-order"
DIP = """\
version: 1
name: late-dip
steps:
  - id: dip-buy
    plan_order:
      symbol: ETHUSDT
      side: long
      size: 5
      trigger: 2900
      price_type: last
      direction: falls
      order: {type: market}
      leverage: 5
      margin: cross
"""


def test_an_order_committed_before_a_late_reply_is_found_not_resent(runner_cli: Cli) -> None:
    runner_cli.server.set_faults([{"path": SUBMIT, **LATE}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--request-timeout", "1")
    assert result.code == ExitCode.OK, result.text
    orders = Counter(o["client_order_id"] for o in runner_cli.server.state()["orders"])
    assert set(orders.values()) == {1} and len(orders) == 1
    assert [e.fault for e in runner_cli.server.request_log() if e.path == SUBMIT] in (
        [],  # the late answer is logged only once it is written
        ["late_reply"],
    )


def test_a_plan_order_committed_before_a_late_reply_is_found_by_content(
    runner_cli: Cli, tmp_path: Path
) -> None:
    runner_cli.server.fund("futures", "2000")
    plan = tmp_path / "dip.yaml"
    plan.write_text(DIP, "utf-8")
    runner_cli.server.set_faults([{"path": PLAN_ORDER, **LATE}])
    result = runner_cli.run("apply", str(plan), "--yes", "--request-timeout", "1")
    assert result.code == ExitCode.OK, result.text
    waiting = [
        p
        for p in runner_cli.server.state()["plan_orders"]
        if p["kind"] == "plan" and p["state"] == "waiting"
    ]
    assert len(waiting) == 1
    again = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert again.code == ExitCode.OK, again.text


# --timeout is the whole command's limit (issue 19, "Deadlines"): a rate-limit wait it cannot
# hold is not started; plan and apply before any write exit 6, apply after writes exits 4.
RATE_LIMITED = {"fault": "http_429", "count": 1}
TRANSFER = "/account/v1/transfer-contract"


def test_plan_exits_6_when_a_wait_would_pass_the_commands_limit(
    runner_cli: Cli, fake_time: FakeTime
) -> None:
    runner_cli.server.set_faults([{"path": POSITION_V2, **RATE_LIMITED}])
    result = runner_cli.run("plan", str(BTC_LONG), "--timeout", "1")
    assert result.code == ExitCode.EXCHANGE, result.text
    assert "time limit passed (--timeout 1 s)" in result.err and "not waiting" in result.err
    assert not any(s >= 1 for s in fake_time.sleeps)  # the wait was refused, not waited out


def test_apply_exits_6_when_the_limit_passes_before_any_write(runner_cli: Cli) -> None:
    runner_cli.server.set_faults([{"path": POSITION_V2, **RATE_LIMITED}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--timeout", "1")
    assert result.code == ExitCode.EXCHANGE, result.text
    assert "--timeout 1 s" in result.err
    assert runner_cli.writes() == []


def test_apply_after_writes_stops_at_the_limit_with_exit_4_and_a_rerun_converges(
    runner_cli: Cli,
) -> None:
    runner_cli.server.set_faults([{"path": SUBMIT, **RATE_LIMITED}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes", "--timeout", "1")
    assert result.code == ExitCode.PARTIAL, result.text
    assert "Stopped at the time limit" in result.out and "--timeout 1 s" in result.out
    assert "open long 10 BTCUSDT market 10x isolated: not run" in result.out
    assert TRANSFER in runner_cli.write_paths()
    assert not [e for e in runner_cli.server.request_log() if e.path == SUBMIT and e.code == 1000]
    # the open was never sent: the re-run completes the author's step (not drift)
    again = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert again.code == ExitCode.OK, again.text
    state = runner_cli.server.state()
    assert len(state["transfers"]) == 1  # the top-up is not repeated
    assert len(state["orders"]) == 1
