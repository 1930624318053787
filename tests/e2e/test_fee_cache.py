"""Fee rates over HTTP: read once, reused by the next runs from the runner home, and said so."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from runner.errors import ExitCode
from runner.records.fees import fee_cache_path
from tests.e2e.conftest import Cli, write_plan
from tests.fakes import FakeTime

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"
FEE_RATE = "/contract/private/trade-fee-rate"


def _fee_reads(cli: Cli) -> int:
    return sum(1 for e in cli.server.request_log() if e.path == FEE_RATE)


def _fee_answers(cli: Cli) -> list[Any]:
    return [e for e in cli.server.request_log() if e.path == FEE_RATE and e.status == 200]


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


def _position(folder: Path, symbol: str, extra: str = "") -> str:
    text = (
        f"version: 1\nname: fees-{symbol.lower()}\nsteps:\n{extra}"
        f"  - position:\n      symbol: {symbol}\n      side: long\n      size: 1\n"
        "      leverage: 5\n      margin: isolated\n"
    )
    return str(write_plan(folder / f"{symbol.lower()}.yaml", text))


def _two_symbols_read(cli: Cli, folder: Path) -> None:
    cli.server.fund("futures", "1000")
    for symbol in ("BTCUSDT", "ETHUSDT"):
        done = cli.run("plan", _position(folder, symbol), "--detailed-exitcode")
        assert done.code == ExitCode.CHANGES, done.text
    assert _fee_reads(cli) == 2  # trade-fee-rate: 2 calls per 2 s, both spent


def test_a_fee_tier_only_the_estimates_use_is_not_waited_for_and_the_diff_says_so(
    runner_cli: Cli, tmp_path: Path, fake_time: FakeTime
) -> None:
    _two_symbols_read(runner_cli, tmp_path)
    slept = len(fake_time.sleeps)
    sol = _position(tmp_path, "SOLUSDT")
    third = runner_cli.run("plan", sol, "--detailed-exitcode")
    assert third.code == ExitCode.CHANGES, third.text
    assert _fee_reads(runner_cli) == 2 and len(fake_time.sleeps) == slept  # no wait, no read
    assert "Fee rates for SOLUSDT: the standard tier, not read this run" in third.out
    document = json.loads(runner_cli.run("plan", sol, "--format", "json").out)
    assert document["fee_tier_standard"] == ["SOLUSDT"]
    assert "SOLUSDT" not in json.loads(_cache_file(runner_cli).read_text())["fees"]

    fake_time.sleep(2.5)  # the window has passed: the next run reads the account's own rates
    later = runner_cli.run("plan", sol, "--detailed-exitcode")
    assert later.code == ExitCode.CHANGES, later.text
    assert _fee_reads(runner_cli) == 3
    assert "standard tier" not in later.out
    assert "SOLUSDT" in json.loads(_cache_file(runner_cli).read_text())["fees"]


def test_a_plan_whose_actions_follow_the_fee_tier_waits_for_it(
    runner_cli: Cli, tmp_path: Path, fake_time: FakeTime
) -> None:
    # a top-up covers the later steps' margin and fees: its amount follows the rates
    _two_symbols_read(runner_cli, tmp_path)
    waited = sum(fake_time.sleeps)
    top_up = "  - ensure_balance: {min_available: 100}\n"
    third = runner_cli.run("plan", _position(tmp_path, "SOLUSDT", top_up), "--detailed-exitcode")
    assert third.code == ExitCode.CHANGES, third.text
    assert _fee_reads(runner_cli) == 3
    assert sum(fake_time.sleeps) - waited > 1  # it waited for the limit's window
    assert "standard tier" not in third.out


def _three_symbols(folder: Path, extra: str = "") -> str:
    steps = "".join(
        f"  - position:\n      symbol: {symbol}\n      side: long\n      size: 1\n"
        "      leverage: 5\n      margin: isolated\n"
        for symbol in ("BTCUSDT", "ETHUSDT", "SOLUSDT")
    )
    text = f"version: 1\nname: three\nsteps:\n{extra}{steps}"
    return str(write_plan(folder / "three.yaml", text))


def test_one_plan_on_three_symbols_reads_two_rates_and_says_which_it_did_not(
    runner_cli: Cli, tmp_path: Path, fake_time: FakeTime
) -> None:
    runner_cli.server.fund("futures", "1000")
    done = runner_cli.run("plan", _three_symbols(tmp_path), "--detailed-exitcode")
    assert done.code == ExitCode.CHANGES, done.text
    assert _fee_reads(runner_cli) == 2 and fake_time.sleeps == []
    assert "Fee rates for SOLUSDT: the standard tier, not read this run" in done.out


def test_one_plan_whose_actions_follow_the_rates_reads_every_symbols_rates(
    runner_cli: Cli, tmp_path: Path
) -> None:
    runner_cli.server.fund("futures", "1000")
    top_up = "  - ensure_balance: {min_available: 100}\n"
    done = runner_cli.run("plan", _three_symbols(tmp_path, top_up), "--detailed-exitcode")
    assert done.code == ExitCode.CHANGES, done.text
    # the third after the limit's window (under this test's clock, which moves only when slept
    # on, it can leave at the window's very edge, meet a 429 and be sent again)
    assert len(_fee_answers(runner_cli)) == 3
    cached = json.loads(_cache_file(runner_cli).read_text())["fees"]
    assert sorted(cached) == ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
    assert "standard tier" not in done.out
