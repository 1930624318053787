"""SIGTERM and Ctrl-Break reach the same "interrupted" path as Ctrl-C."""

from __future__ import annotations

import signal
import sys
import threading

import click
import pytest

from runner import cli
from runner.errors import ExitCode
from runner.interrupts import stop_signals, stop_signals_interrupt


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
