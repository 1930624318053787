"""SIGTERM and Ctrl-Break reach the same "interrupted" path as Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click
import pytest

from runner import cli
from runner.config import PAPER_KEY, PAPER_MEMO, PAPER_SECRET, Credentials
from runner.errors import ExitCode
from runner.execute.lock import AccountLock, lock_path
from runner.interrupts import stop_signals, stop_signals_interrupt
from tests.processes import send_stop, stoppable

REPO = Path(__file__).resolve().parent.parent


def test_the_stop_signals_are_sigterm_and_on_windows_sigbreak() -> None:
    names = {sig.name for sig in stop_signals()}
    assert names == ({"SIGTERM", "SIGBREAK"} if sys.platform == "win32" else {"SIGTERM"})


def test_a_stop_signal_raises_keyboard_interrupt_inside_and_not_after() -> None:
    before = {sig: signal.getsignal(sig) for sig in stop_signals()}
    with pytest.raises(KeyboardInterrupt), stop_signals_interrupt():
        signal.raise_signal(signal.SIGTERM)
    assert {sig: signal.getsignal(sig) for sig in stop_signals()} == before


def test_outside_the_main_thread_nothing_is_installed() -> None:
    seen: list[object] = []

    def worker() -> None:
        with stop_signals_interrupt():
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [signal.getsignal(signal.SIGTERM)]


def test_sigterm_during_a_command_is_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @click.command()
    def terminated() -> None:
        signal.raise_signal(signal.SIGTERM)
        raise AssertionError("the signal should have stopped the command")

    monkeypatch.setitem(cli.COMMANDS, "terminated", "tests.test_interrupts:_TERM")
    monkeypatch.setattr(sys.modules[__name__], "_TERM", terminated, raising=False)
    assert cli.run(["terminated"]) == ExitCode.INTERRUPTED
    assert "interrupted" in capsys.readouterr().err


def test_a_stopped_apply_waiting_for_the_lock_exits_130(tmp_path: Path) -> None:
    # A scheduler stops a job that is waiting on --lock-timeout: the documented "interrupted"
    # exit, not a signal death (-15) that cron or Task Scheduler would report as a crash.
    home = tmp_path / "home"
    paper = Credentials(PAPER_KEY, PAPER_SECRET, PAPER_MEMO)
    plan = REPO / "plans" / "examples" / "btc-long.yaml"
    with AccountLock(lock_path(home, paper.account_id), "holder-run"):
        proc = subprocess.Popen(
            [sys.executable, "-m", "runner", "apply", str(plan), "--yes", "--lock-timeout", "600"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "BITMART_RUNNER_HOME": str(home)},
            **stoppable(),
        )
        assert proc.stderr is not None
        try:
            line = proc.stderr.readline()
            assert "waiting for the account lock (pid" in line, line
            assert "run holder-run" in line
            send_stop(proc)
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == ExitCode.INTERRUPTED, (out, err)
    assert "interrupted" in err
    assert not (home / "journals").exists() or not any((home / "journals").rglob("*.jsonl"))
