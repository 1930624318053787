"""Exactly once beyond one home and one clock (issue 19 items 1, 3, 4), against the simulator.

Client order ids come from what is being done, not a per-run nonce, so two runners with different
homes agree on them; writes without client ids (transfers, plan orders) are matched by content,
against what the exchange listed right before the send, and only called "did not happen" once
their signature has expired on the exchange's clock.
"""

from __future__ import annotations

import os
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
from tests.e2e.conftest import Cli, FakeTime, write_plan

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "plans" / "examples"
BTC_LONG = EXAMPLES / "btc-long.yaml"
TRANSFER = "/account/v1/transfer-contract"
PLAN_ORDER = "/contract/private/submit-plan-order"
DIP = """\
version: 1
name: one-dip
steps:
  - id: dip-buy
    plan_order:
      symbol: ETHUSDT
      side: long
      size: 5
      trigger: TRIGGER
      price_type: last
      direction: falls
      order: {type: market}
      leverage: 5
      margin: cross
"""


def _waiting_plans(cli: Cli) -> list[dict[str, object]]:
    return [
        p
        for p in cli.server.state()["plan_orders"]
        if p["kind"] == "plan" and p["state"] == "waiting"
    ]


@pytest.mark.parametrize("behind_ms", [8_000, 30_000, 59_000])
def test_a_transfer_is_matched_on_the_exchanges_clock_not_ours(
    runner_cli: Cli, behind_ms: int
) -> None:
    runner_cli.server.set_clock_skew(-behind_ms)
    runner_cli.server.set_faults([{"path": TRANSFER, "fault": "drop_after_commit"}])
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert len(runner_cli.server.state()["transfers"]) == 1
    assert [e.fault for e in runner_cli.server.request_log() if e.path == TRANSFER] == [
        "drop_after_commit"
    ]


def test_a_plan_order_landing_after_the_timeout_is_not_doubled(
    runner_cli: Cli, tmp_path: Path
) -> None:
    runner_cli.server.fund("futures", "2000")
    plan = write_plan(tmp_path / "dip.yaml", DIP.replace("TRIGGER", "2900"))
    runner_cli.server.set_faults([{"path": PLAN_ORDER, "fault": "delay", "delay_ms": 2500}])
    result = runner_cli.run("apply", str(plan), "--yes", "--request-timeout", "1")
    assert result.code == ExitCode.OK, result.text
    deadline = time.monotonic() + 60
    while not any(e.fault == "delay" for e in runner_cli.server.request_log()):
        assert time.monotonic() < deadline, "the delayed request never finished"
        time.sleep(0.05)
    assert len(_waiting_plans(runner_cli)) == 1
    again = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert again.code == ExitCode.OK, again.text


def test_a_plan_order_found_after_an_unknown_outcome_is_modified_not_doubled(
    runner_cli: Cli, tmp_path: Path
) -> None:
    runner_cli.server.fund("futures", "2000")
    plan = write_plan(tmp_path / "dip.yaml", DIP.replace("TRIGGER", "2900"))
    runner_cli.server.set_faults([{"path": PLAN_ORDER, "fault": "drop_after_commit"}])
    first = runner_cli.run("apply", str(plan), "--yes")
    assert first.code == ExitCode.OK, first.text
    write_plan(plan, DIP.replace("TRIGGER", "2850"))
    edited = runner_cli.run("apply", str(plan), "--yes")
    assert edited.code == ExitCode.OK, edited.text
    waiting = _waiting_plans(runner_cli)
    assert [str(p["trigger_price"]) for p in waiting] == ["2850"], waiting


# -- two runner homes, one account ---------------------------------------------------------------


@pytest.fixture
def slow_server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    """Real time (runners in other processes) and 50 ms of latency, as between two hosts."""
    return make_sim_server(rate_limit=True, latency_ms=50)


@pytest.fixture
def real_time(fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch) -> None:
    from runner.exchange import RetryPolicy

    monkeypatch.setattr(runner.session, "retry_policy", RetryPolicy)


def _spawn(server: SimServer, home: Path, *args: str) -> subprocess.Popen[str]:
    creds = server.credentials
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BITMART_API_KEY": creds.key,
        "BITMART_API_SECRET": creds.secret,
        "BITMART_API_MEMO": creds.memo,
        "BITMART_RUNNER_HOME": str(home),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "runner", *args, "--base-url", server.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )


@pytest.mark.usefixtures("real_time")
def test_two_homes_applying_at_once_place_the_position_once(
    slow_server: SimServer, tmp_path: Path
) -> None:
    # each open is held 1.5 s in the server, so both runners read the account before either
    # order exists: the race of two cron hosts firing at the same minute
    rule = {"path": "/contract/private/submit-order", "fault": "delay", "delay_ms": 1500}
    slow_server.set_faults([{**rule, "count": 2}])
    runs = [
        _spawn(slow_server, tmp_path / f"home-{n}", "apply", str(BTC_LONG), "--yes") for n in (1, 2)
    ]
    outputs = [p.communicate(timeout=180) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    state = slow_server.state()
    cids = Counter(o["client_order_id"] for o in state["orders"] if o.get("client_order_id"))
    assert set(cids.values()) == {1}, cids
    assert sum(Decimal(str(p["size"])) for p in state["positions"]) == 10
    # the runner that lost the race says it saw the other's work
    assert any("another runner" in out for out, _ in outputs), outputs



@pytest.mark.usefixtures("real_time")
def test_two_homes_topping_up_at_once_warn_and_the_next_run_does_not_compound(
    slow_server: SimServer, tmp_path: Path
) -> None:
    # each transfer is held 1.5 s in the server: both runners read the transfer list (and the
    # balance) before either transfer is listed, the race two homes can still lose
    rule = {"path": TRANSFER, "fault": "delay", "delay_ms": 1500}
    slow_server.set_faults([{**rule, "count": 2}])
    homes = [tmp_path / f"home-{n}" for n in (1, 2)]
    runs = [_spawn(slow_server, home, "apply", str(BTC_LONG), "--yes") for home in homes]
    outputs = [p.communicate(timeout=180) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    transfers = slow_server.state()["transfers"]
    said = "".join(out for out, _ in outputs)
    if len(transfers) == 2:  # both read the list before either was listed: said afterwards
        assert "made at the same moment by another runner" in said, outputs
    else:  # the second saw the first's transfer listed: said, and its own not sent
        assert len(transfers) == 1 and "another runner may be working" in said, outputs
    # the next run, from either home, finds the level met (over-funded or not): no top-up
    for home in homes:
        again = _spawn(slow_server, home, "apply", str(BTC_LONG), "--yes")
        out, err = again.communicate(timeout=180)
        assert again.returncode == 0, out + err
        assert "No changes" in out, out
    assert len(slow_server.state()["transfers"]) == len(transfers)

RESTING = """\
version: 1
name: resting-entry
steps:
  - ensure_balance: {min_available: 2000}
  - position:
      symbol: BTCUSDT
      side: long
      size: 3
      leverage: 5
      margin: isolated
      entry: {type: limit, price: 60000, mode: gtc}
      reentry: always    # an entry cancelled by hand is placed again (the default completes it)
"""


def _cancel_by_hand(cli: Cli, client_order_id: str) -> None:
    import requests

    from tests.sim.helpers import post_signed

    with requests.Session() as http:
        cancel = {"symbol": "BTCUSDT", "client_order_id": client_order_id}
        path = "/contract/private/cancel-order"
        reply = post_signed(http, cli.server.url, path, cancel, cli.server.credentials)
        assert reply.json()["code"] == 1000, reply.text


def _cids(cli: Cli) -> list[str]:
    return [o["client_order_id"] for o in cli.server.state()["orders"] if o.get("client_order_id")]


def test_an_order_cancelled_by_hand_is_placed_again_under_a_new_id(
    runner_cli: Cli, tmp_path: Path
) -> None:
    runner_cli.server.fund("futures", "2000")
    plan = write_plan(tmp_path / "resting.yaml", RESTING)
    assert runner_cli.run("apply", str(plan), "--yes").code == ExitCode.OK
    _cancel_by_hand(runner_cli, _cids(runner_cli)[-1])
    # the first apply set the leverage; from here on, placing and cancelling by hand puts the
    # account back into exactly the state the next order is derived from
    # re-placing a cancelled entry raises risk by drift: the plan opts in (reentry: always)
    # and so does the run
    again = runner_cli.run("apply", str(plan), "--yes", "--allow-risk-increase")
    assert again.code == ExitCode.OK, again.text
    _cancel_by_hand(runner_cli, _cids(runner_cli)[-1])
    again = runner_cli.run("apply", str(plan), "--yes", "--allow-risk-increase")
    assert again.code == ExitCode.OK, again.text
    assert "NOT verified" not in again.out
    assert len(set(_cids(runner_cli))) == 3
    settled = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert settled.code == ExitCode.OK, settled.text  # the new order rests: nothing to change
