"""A total time limit per request (issue 19 item 14): a reply trickling in one byte at a time
(the simulator's slow_drip fault, over HTTP) ends the command at --timeout, never hangs it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from runner.errors import ExitCode
from tests.e2e.conftest import Cli

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
