"""The CLI shell: exit-code contract, usage errors remapped, errors mapped in one place."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from runner import cli
from runner.errors import ExitCode, PlanInvalid


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["--help"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Usage: bitmart-runner" in out
    for name in cli.COMMANDS:
        assert name in out


def test_unknown_command_is_usage_error_64(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["no-such-command"]) == ExitCode.USAGE
    assert "No such command" in capsys.readouterr().err


def test_unknown_option_is_64_not_click_2() -> None:
    assert cli.run(["--no-such-option"]) == 64


def test_runner_error_maps_to_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @click.command()
    def boom() -> None:
        raise PlanInvalid("size must be whole", hint="use 2")

    monkeypatch.setitem(cli.COMMANDS, "boom", "tests.test_cli:_BOOM")
    monkeypatch.setattr(sys.modules[__name__], "_BOOM", boom, raising=False)
    assert cli.run(["boom"]) == ExitCode.INVALID
    err = capsys.readouterr().err
    assert "error: size must be whole" in err
    assert "hint: use 2" in err


def test_unexpected_error_is_70_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @click.command()
    def crash() -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setitem(cli.COMMANDS, "crash", "tests.test_cli:_CRASH")
    monkeypatch.setattr(sys.modules[__name__], "_CRASH", crash, raising=False)
    assert cli.run(["crash"]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert "please report" in err
    assert "Traceback" not in err
    assert cli.run(["--debug", "crash"]) == ExitCode.INTERNAL
    assert "Traceback" in capsys.readouterr().err


def test_keyboard_interrupt_is_130(monkeypatch: pytest.MonkeyPatch) -> None:
    @click.command()
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "interrupted", "tests.test_cli:_INT")
    monkeypatch.setattr(sys.modules[__name__], "_INT", interrupted, raising=False)
    assert cli.run(["interrupted"]) == ExitCode.INTERRUPTED


def test_python_dash_m_runner_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "runner", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert "bitmart-runner" in proc.stdout


def test_every_command_has_a_help_summary() -> None:
    assert set(cli.SUMMARIES) == set(cli.COMMANDS)


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys; from runner import cli; cli.run(['--help']); "
        "print(sorted(m for m in sys.modules if m.startswith('runner.commands.')"
        " or m.startswith('runner.exchange') or m.startswith('runner.sim')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
