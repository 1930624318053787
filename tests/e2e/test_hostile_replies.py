"""Replies are checked before they are believed (issue 19 items 6 and 15): a hostile or broken
reply from the simulator (rewritten by a fault, over HTTP) ends the run with exit 6 naming the
endpoint, never with a trade and never with exit 70."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, write_plan

POSITION_V2 = "/contract/private/position-v2"
DETAILS = "/contract/public/details"
FEE_RATE = "/contract/private/trade-fee-rate"
LONG = """\
version: 1
name: hostile-long
steps:
  - ensure_balance: {min_available: 2000}
  - position: {symbol: BTCUSDT, side: long, size: 10, leverage: 5, margin: isolated}
"""


def _size(cli: Cli) -> Decimal:
    return sum((Decimal(str(p["size"])) for p in cli.server.state()["positions"]), Decimal(0))


@pytest.fixture
def long_plan(runner_cli: Cli, tmp_path: Path) -> Path:
    plan = write_plan(tmp_path / "long.yaml", LONG)
    first = runner_cli.run("apply", str(plan), "--yes")
    assert first.code == ExitCode.OK, first.text
    assert _size(runner_cli) == 10
    return plan


@pytest.mark.parametrize("size", ["-10", -10, "NaN", "Infinity", "1e400", "-0.5e999"])
def test_a_negative_or_impossible_position_size_is_not_read_as_flat(
    runner_cli: Cli, long_plan: Path, size: object
) -> None:
    rule = {"path": POSITION_V2, "fault": "rewrite_field", "field": "current_amount"}
    runner_cli.server.set_faults([{**rule, "value": size, "count": 100}])
    writes = len(runner_cli.writes())
    result = runner_cli.run("apply", str(long_plan), "--yes")
    assert result.code == ExitCode.EXCHANGE, result.text
    assert POSITION_V2 in result.err and "current_amount" in result.err
    assert len(runner_cli.writes()) == writes
    assert _size(runner_cli) == 10


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        (DETAILS, "price_precision", "1e400"),
        (DETAILS, "contract_size", "0"),
        (DETAILS, "last_price", "-1"),
        (FEE_RATE, "taker_fee_rate", "1e400"),
    ],
)
def test_impossible_numbers_in_market_facts_are_exit_6(
    runner_cli: Cli, tmp_path: Path, path: str, field: str, value: str
) -> None:
    plan = write_plan(tmp_path / "long.yaml", LONG)
    rule = {"path": path, "fault": "rewrite_field", "field": field, "value": value}
    runner_cli.server.set_faults([{**rule, "count": 100}])
    for command in ("plan", "apply"):
        result = runner_cli.run(command, str(plan), *(["--yes"] if command == "apply" else []))
        assert result.code == ExitCode.EXCHANGE, result.text
        assert path in result.err and field in result.err
    assert runner_cli.writes() == []


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"code":1000,"data":' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"code":1000,"trace":"t","data":{"symbols":[{"symbol":"BTCUSDT","price_precision":1e400}]}}',
    ],
    ids=["nested-100k", "nested-data-100k", "number-1e400"],
)
def test_deeply_nested_or_overflowing_json_is_exit_6_on_any_read(
    runner_cli: Cli, body: str
) -> None:
    plan = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"
    runner_cli.server.set_faults([{"path": DETAILS, "fault": "raw_body", "body": body, "count": 9}])
    result = runner_cli.run("plan", str(plan))
    assert result.code == ExitCode.EXCHANGE, result.text
    assert DETAILS in result.err
    assert "internal error" not in result.err
