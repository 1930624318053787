"""A diff left on screen before CONFIRM is judged again at the prices of the moment it is
confirmed (issue 14: never on start-of-run prices after a long look).

The prompt's clock is the seam: the "user" below reads the diff for a minute (the clock moves)
while the market moves on the simulator; nothing sleeps.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from runner.commands import apply as apply_command
from runner.errors import ExitCode
from runner.execute.consent import Prompt
from tests.e2e.conftest import Cli

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"
POSITION_V2 = "/contract/private/position-v2"


def _user(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, *, reads_for_s: float, mark: Decimal | None
) -> None:
    """Types CONFIRM after ``reads_for_s`` seconds, during which the mark moves to ``mark``."""
    now = [0.0]

    def ask(_: str) -> str:
        if mark is not None:
            cli.server.set_price("BTCUSDT", mark)
        now[0] += reads_for_s
        return "CONFIRM"

    prompt = Prompt(is_terminal=lambda: True, ask=ask, clock=lambda: now[0])
    monkeypatch.setattr(apply_command, "_terminal_prompt", lambda: prompt)


def _position_reads(cli: Cli) -> int:
    return sum(1 for e in cli.server.request_log() if e.path == POSITION_V2)


def test_a_price_move_while_the_diff_was_on_screen_refuses_before_any_write(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _user(runner_cli, monkeypatch, reads_for_s=60, mark=Decimal(62000))  # -4.6% from 65000
    result = runner_cli.run("apply", str(BTC_LONG))
    assert result.code == ExitCode.STALE, result.text
    assert "while the diff was on screen" in result.err and "nothing was sent" in result.err
    assert runner_cli.writes() == []


def test_a_small_move_after_a_long_look_applies_at_the_new_prices(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _user(runner_cli, monkeypatch, reads_for_s=60, mark=Decimal(65100))  # 0.15%
    result = runner_cli.run("apply", str(BTC_LONG))
    assert result.code == ExitCode.OK, result.text
    positions = [p for p in runner_cli.server.state()["positions"] if p["side"] == "long"]
    assert [Decimal(str(p["size"])) for p in positions] == [Decimal(10)]


def test_a_quick_confirm_reads_nothing_again(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _user(runner_cli, monkeypatch, reads_for_s=2, mark=None)
    quick = runner_cli.run("apply", str(BTC_LONG))
    assert quick.code == ExitCode.OK, quick.text
    quick_reads = _position_reads(runner_cli)
    runner_cli.server.reset()
    _user(runner_cli, monkeypatch, reads_for_s=60, mark=None)
    slow = runner_cli.run("apply", str(BTC_LONG))
    assert slow.code == ExitCode.OK, slow.text
    assert _position_reads(runner_cli) - quick_reads == quick_reads + 1  # one read round more
