"""The README's first command: a real apply on the built-in paper exchange, twice."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from runner import cli
from runner.errors import ExitCode

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"


def test_paper_apply_then_no_changes_and_an_honest_journal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = Path(os.environ["BITMART_RUNNER_HOME"])
    assert cli.run(["apply", str(BTC_LONG), "--yes"]) == ExitCode.OK
    first = capsys.readouterr().out
    assert "Applied and verified 2 change(s)." in first
    assert "BTCUSDT long 10 @ 65000" in first
    assert cli.run(["apply", str(BTC_LONG), "--yes"]) == ExitCode.OK
    assert "No changes. The account matches the plan." in capsys.readouterr().out
    assert cli.run(["status"]) == ExitCode.OK
    assert "BTCUSDT long 10" in capsys.readouterr().out
    journals = sorted(home.rglob("*.jsonl"))
    assert journals
    start = json.loads(journals[0].read_text("utf-8").splitlines()[0])
    # the paper exchange's public credentials are not redacted over ordinary words
    assert (start["event"], start["target"]) == ("run_start", "paper")
