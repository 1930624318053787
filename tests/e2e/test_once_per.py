"""once_per over HTTP: the exchange is the ledger, so a weekly DCA applied 20 times across two
simulated weeks, from two runner homes, opens exactly 2 orders and moves funds exactly twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan

WEEK_MS = 7 * 24 * 3600 * 1000

PLAN = """\
version: 1
name: weekly-dca
steps:
  - id: fund
    transfer: {to_futures: 150, once_per: week}
  - id: weekly-dca
    open:
      symbol: ETHUSDT
      side: long
      notional: 100
      leverage: 5
      margin: cross
      once_per: week
"""


def _dca_orders(cli: Cli) -> list[str]:
    return [
        str(o["client_order_id"])
        for o in cli.server.state()["orders"]
        if o["symbol"] == "ETHUSDT" and o["side"] == 1
    ]


def test_weekly_dca_twenty_applies_two_weeks_two_homes_two_orders(
    runner_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = write_plan(tmp_path / "dca.yaml", PLAN)
    homes = [tmp_path / "home-a", tmp_path / "home-b"]
    outputs = []
    for week in range(2):
        for run in range(10):
            monkeypatch.setenv("BITMART_RUNNER_HOME", str(homes[run % 2]))
            result = runner_cli.run("apply", str(plan), "--yes")
            assert result.code == ExitCode.OK, result.text
            outputs.append(result.out)
        assert len(_dca_orders(runner_cli)) == week + 1
        if week == 0:
            runner_cli.server.advance_clock(WEEK_MS)
    orders = _dca_orders(runner_cli)
    assert len(orders) == 2
    # the ISO week is in the id: two different weeks, the same step
    assert orders[0][:-7] == orders[1][:-7] and orders[0][-7:] != orders[1][-7:]
    assert "W" in orders[0][-7:]
    transfers = runner_cli.server.state()["transfers"]
    assert [t["amount"] for t in transfers] == ["150", "150"]
    # every later run in a week says why it did nothing, with the order it found
    assert "already done this week (order" in outputs[1]
    assert "already done this week (transfer" in outputs[1]
    assert all("No changes" in out for i, out in enumerate(outputs) if i % 10)


def test_plan_finds_the_order_with_an_empty_runner_home(
    runner_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = write_plan(tmp_path / "dca.yaml", PLAN)
    assert runner_cli.run("apply", str(plan), "--yes").code == ExitCode.OK
    monkeypatch.setenv("BITMART_RUNNER_HOME", str(tmp_path / "fresh"))
    result = runner_cli.run("plan", str(plan), "--detailed-exitcode")
    assert "already done this week (order" in result.out
    # plan cannot read the transfer list (a signed POST): the transfer is left to apply to check
    assert "read from the transfer history when it is applied" in result.out
    assert result.code == ExitCode.CHANGES
