"""The CLI shell: exit-code contract, usage errors remapped, errors mapped in one place."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from runner import __version__, cli
from runner.commands.common import ENVIRONMENT
from runner.errors import ExitCode, PlanInvalid
from runner.plan.schema import SCHEMA_ID, SCHEMA_VERSION, schema_text
from tests.render.output_schemas import checked


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
    # "rerun with --debug": added after the command, as a user does, it means the same
    assert cli.run(["crash", "--debug"]) == ExitCode.INTERNAL
    assert "Traceback" in capsys.readouterr().err


def test_debug_after_the_command_is_not_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["schema", "--debug"]) == ExitCode.OK
    assert cli.run(["validate", "--debug", "--", "no-such-plan.yaml"]) == ExitCode.USAGE
    assert "--debug" not in capsys.readouterr().err  # after `--` it is a file name, kept as one


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


def _help(*args: str) -> str:
    runner = CliRunner()
    result = runner.invoke(cli.cli, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("plan",),
        ("apply",),
        ("status",),
        ("init",),
        ("schema",),
        ("sim",),
        ("sim", "serve"),
        ("sim", "price"),
        ("sim", "fund"),
        ("sim", "reset"),
        ("sim", "state"),
    ],
)
def test_every_help_ends_with_examples_and_the_environment(command: tuple[str, ...]) -> None:
    text = _help(*command)
    examples = text.index("Examples:")
    environment = text.index("Environment:")
    assert examples < environment
    shown = [line for line in text[examples:environment].splitlines() if "bitmart-runner" in line]
    assert 2 <= len(shown) <= 3
    assert "BITMART_RUNNER_DEBUG" in text[environment:]


def test_exchange_commands_list_every_variable_they_read() -> None:
    for command in ("plan", "apply", "status"):
        environment = _help(command).split("Environment:")[1]
        for name in ENVIRONMENT:
            assert name in environment, (command, name)


def test_version_shows_python_platform_and_plan_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["--version"]) == ExitCode.OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"bitmart-runner {__version__}"
    assert lines[1].startswith(f"Python {platform.python_version()}")
    assert lines[2] == f"platform {platform.platform()}"
    assert lines[3] == f"plan schema version {SCHEMA_VERSION} ({SCHEMA_ID})"
    assert json.loads(schema_text())["$id"] == SCHEMA_ID
    assert json.loads(schema_text())["properties"]["version"]["const"] == SCHEMA_VERSION


def test_internal_error_under_json_is_an_error_document(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @click.command()
    @click.option("--json", "as_json", is_flag=True)
    def crash(as_json: bool) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setitem(cli.COMMANDS, "crash", "tests.test_cli:_CRASH_JSON")
    monkeypatch.setattr(sys.modules[__name__], "_CRASH_JSON", crash, raising=False)
    assert cli.run(["crash", "--json"]) == ExitCode.INTERNAL
    captured = capsys.readouterr()
    document = checked(captured.out, "error", 70)
    assert (document["command"], document["error"]) == ("crash", "ZeroDivisionError")
    assert "please report" in captured.err


def test_a_second_document_is_never_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from runner.render.reporter import make_reporter
    from runner.render.views.error import ErrorView, Failure

    @click.command()
    @click.option("--json", "as_json", is_flag=True)
    def late(as_json: bool) -> None:
        make_reporter("json").report(ErrorView(), Failure("late", "X", "first"), exit_code=1)
        raise PlanInvalid("after the document")

    monkeypatch.setitem(cli.COMMANDS, "late", "tests.test_cli:_LATE")
    monkeypatch.setattr(sys.modules[__name__], "_LATE", late, raising=False)
    assert cli.run(["late", "--json"]) == ExitCode.INVALID
    assert checked(capsys.readouterr().out, "error", 1)["message"] == "first"
