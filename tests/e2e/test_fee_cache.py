"""Fee rates over HTTP: read once, reused by the next runs from the runner home, and said so."""

from __future__ import annotations

import json
import re
from pathlib import Path

from runner.errors import ExitCode
from runner.records.fees import fee_cache_path
from tests.e2e.conftest import Cli

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"
FEE_RATE = "/contract/private/trade-fee-rate"


def _fee_reads(cli: Cli) -> int:
    return sum(1 for e in cli.server.request_log() if e.path == FEE_RATE)


def _cache_file(cli: Cli) -> Path:
    (path,) = (cli.home / "fees").glob("*.json")
    return path


def test_the_second_plan_reuses_the_fee_tier_and_says_how_old_it_is(runner_cli: Cli) -> None:
    first = runner_cli.run("plan", str(BTC_LONG), "--detailed-exitcode")
    assert first.code == ExitCode.CHANGES, first.text
    assert _fee_reads(runner_cli) == 1
    assert "Fee rates for" not in first.out  # read just now, nothing to say

    second = runner_cli.run("plan", str(BTC_LONG), "--detailed-exitcode")
    assert second.code == ExitCode.CHANGES, second.text
    assert _fee_reads(runner_cli) == 1
    assert re.search(r"Fee rates for BTCUSDT: from the runner home, read \d+ s ago", second.out)

    as_json = runner_cli.run("plan", str(BTC_LONG), "--format", "json")
    document = json.loads(as_json.out)
    assert list(document["fee_tier_age_seconds"]) == ["BTCUSDT"]
    assert _fee_reads(runner_cli) == 1


def test_applies_back_to_back_read_the_fee_tier_once(runner_cli: Cli) -> None:
    for _ in range(3):
        runner_cli.server.reset()
        done = runner_cli.run("apply", str(BTC_LONG), "--yes")
        assert done.code == ExitCode.OK, done.text
    assert _fee_reads(runner_cli) == 1


def test_a_damaged_cache_is_ignored_read_again_and_rewritten(runner_cli: Cli) -> None:
    runner_cli.run("plan", str(BTC_LONG))
    path = _cache_file(runner_cli)
    assert path == fee_cache_path(runner_cli.home, path.stem)
    path.write_text("{ damaged")
    again = runner_cli.run("plan", str(BTC_LONG), "--detailed-exitcode")
    assert again.code == ExitCode.CHANGES, again.text
    assert _fee_reads(runner_cli) == 2
    assert "BTCUSDT" in json.loads(path.read_text())["fees"]
