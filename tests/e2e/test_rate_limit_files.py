"""Rate-limit state cannot poison the runner home (issue 19 items 13 and 16): absurd headers and
hand-damaged files give capped waits and a rebuilt file, never a hang or a crash; --quiet keeps
the "waiting" lines out of cron mail."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli, FakeTime

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"
EXHAUSTED = {"X-BM-RateLimit-Remaining": "1000", "X-BM-RateLimit-Limit": "1"}


def _limits_file(cli: Cli) -> Path:
    key = cli.server.credentials.key
    return cli.home / "ratelimits" / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def test_an_absurd_reset_header_is_capped_now_and_in_later_runs(
    runner_cli: Cli, fake_time: FakeTime
) -> None:
    headers = {**EXHAUSTED, "X-BM-RateLimit-Reset": "1e9"}
    runner_cli.server.set_faults(
        [{"path": "*", "fault": "rate_headers", "headers": headers, "count": 10_000}]
    )
    first = runner_cli.run("plan", str(BTC_LONG))
    assert first.code == ExitCode.OK, first.text
    runner_cli.server.clear_faults()
    later = runner_cli.run("plan", str(BTC_LONG))  # the saved windows make this one wait
    assert later.code == ExitCode.OK, later.text
    assert fake_time.sleeps and max(fake_time.sleeps) <= 60
    assert "999999" not in first.text + later.text


@pytest.mark.parametrize(
    "window",
    [
        {"limit": 0, "window_s": 2, "ages": [], "blocked_s": 0},
        {"limit": -1, "window_s": 2, "ages": [], "blocked_s": 0},
        {"limit": 6, "window_s": 2, "ages": [], "blocked_s": "inf"},
        {"limit": 6, "window_s": 1e12, "ages": [0.5], "blocked_s": 0},
        {"limit": 6, "window_s": 2, "ages": ["x"], "blocked_s": 0},
    ],
)
def test_a_damaged_rate_limit_file_is_set_aside_and_rebuilt(
    runner_cli: Cli, fake_time: FakeTime, window: dict[str, object]
) -> None:
    path = _limits_file(runner_cli)
    path.parent.mkdir(parents=True)
    entry = {"base": runner_cli.server.url, "path": "/contract/private/position-v2", **window}
    path.write_text(json.dumps({"wall_s": fake_time.now, "windows": [entry]}), "utf-8")
    result = runner_cli.run("plan", str(BTC_LONG))
    assert result.code == ExitCode.OK, result.text
    assert "set aside" in result.err
    assert all(wait <= 60 for wait in fake_time.sleeps)
    assert list(path.parent.glob("*.damaged-*"))
    assert json.loads(path.read_text("utf-8"))["windows"]  # rebuilt from this run


def test_garbage_in_the_rate_limit_file_is_set_aside(runner_cli: Cli) -> None:
    path = _limits_file(runner_cli)
    path.parent.mkdir(parents=True)
    path.write_text("[" * 100_000, "utf-8")
    result = runner_cli.run("plan", str(BTC_LONG))
    assert result.code == ExitCode.OK, result.text
    assert "set aside" in result.err


def _spend_every_window(cli: Cli) -> None:
    """One run whose replies all say "window used up for 5 s": the next run must wait."""
    headers = {**EXHAUSTED, "X-BM-RateLimit-Reset": "5"}
    cli.server.set_faults(
        [{"path": "*", "fault": "rate_headers", "headers": headers, "count": 10_000}]
    )
    assert cli.run("plan", str(BTC_LONG)).code == ExitCode.OK
    cli.server.clear_faults()


def test_quiet_silences_the_waiting_lines(runner_cli: Cli, fake_time: FakeTime) -> None:
    assert runner_cli.run("apply", str(BTC_LONG), "--yes").code == ExitCode.OK
    _spend_every_window(runner_cli)
    fake_time.sleeps.clear()
    quiet = runner_cli.run("apply", str(BTC_LONG), "--yes", "--quiet")
    assert quiet.code == ExitCode.OK, quiet.text
    assert any(wait >= 2 for wait in fake_time.sleeps)  # it did wait...
    assert "waiting" not in quiet.text  # ...without saying so
    _spend_every_window(runner_cli)
    loud = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert "waiting" in loud.err


def test_a_damaged_plan_order_registry_is_set_aside(runner_cli: Cli) -> None:
    registry = runner_cli.home / "plan-orders" / _limits_file(runner_cli).name
    registry.parent.mkdir(parents=True)
    registry.write_text('{"eth-dip-buy": "not an object"}', "utf-8")
    plan = BTC_LONG.parent / "eth-dip-buy.yaml"
    runner_cli.server.fund("futures", "2000")
    result = runner_cli.run("apply", str(plan), "--yes")
    assert result.code == ExitCode.OK, result.text
    assert "set aside" in result.err
    assert list(registry.parent.glob("*.damaged-*"))
    assert json.loads(registry.read_text("utf-8"))["eth-dip-buy"]  # rebuilt by this run
