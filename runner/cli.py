"""Command-line entry point: parse, dispatch to one command module, map errors to exit codes.

Commands live in ``runner/commands/<name>.py`` and are imported only when invoked, so that
``validate`` never pays for (or can reach) the HTTP client or the simulator.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

import click

from runner import __version__
from runner.console import make_standard_streams_safe
from runner.errors import ExitCode, RunnerError
from runner.interrupts import stop_signals_interrupt

# command name -> "module:attribute" of a click.Command
COMMANDS: dict[str, str] = {
    "apply": "runner.commands.apply:apply",
    "doctor": "runner.commands.doctor:doctor",
    "init": "runner.commands.init:init",
    "plan": "runner.commands.plan:plan",
    "schema": "runner.commands.schema:schema",
    "sim": "runner.commands.sim:sim",
    "status": "runner.commands.status:status",
    "validate": "runner.commands.validate:validate",
}


# One line each for `--help`, so listing the commands imports none of them (a test keeps the
# two tables in step).
SUMMARIES: dict[str, str] = {
    "apply": "Apply a plan (or a saved plan) after you type CONFIRM.",
    "doctor": "Read-only first-contact check: exchange, clock, key, account, plan symbols.",
    "init": "Write a commented starter plan; never overwrites.",
    "plan": "Read the account and show what `apply` would change.",
    "schema": "Print the plan JSON Schema.",
    "sim": "The simulator: serve it over HTTP, or drive the paper exchange.",
    "status": "Positions, orders, TP/SL and plan orders, balances.",
    "validate": "Check plan files offline: schema and static rules.",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            summary = SUMMARIES.get(name)
            if summary is None:  # a command without a summary line: ask it (imports it)
                command = self.get_command(ctx, name)
                summary = command.get_short_help_str() if command is not None else ""
            rows.append((name, summary))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command


EPILOG = """\b
Examples:
  bitmart-runner validate plans/*.yaml
  bitmart-runner plan plans/btc.plan.yaml --format json
  bitmart-runner apply plans/btc.plan.yaml --yes --quiet

\b
Environment: BITMART_EXCHANGE, BITMART_BASE_URL, BITMART_API_KEY/SECRET/MEMO,
BITMART_RUNNER_HOME, NO_COLOR, BITMART_RUNNER_DEBUG (`COMMAND --help` says which it reads).
"""


def _version_text() -> str:
    import platform

    from runner.plan.schema import SCHEMA_ID, SCHEMA_VERSION

    return (
        f"bitmart-runner {__version__}\n"
        f"Python {platform.python_version()} ({platform.python_implementation()})\n"
        f"platform {platform.platform()}\n"
        f"plan schema version {SCHEMA_VERSION} ({SCHEMA_ID})"
    )


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_text())
        ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version, Python, platform and plan schema version, and exit.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Declarative, reviewable order plans for BitMart USDT-M futures.

    validate -> plan (dry-run diff) -> apply (type CONFIRM). Default exchange: paper (built-in).
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _debug_requested(argv: Sequence[str]) -> bool:
    return "--debug" in argv or os.environ.get("BITMART_RUNNER_DEBUG") == "1"


def _documents_written() -> int:
    reporter = sys.modules.get("runner.render.reporter")  # not imported: nothing was written
    return int(reporter.documents_written()) if reporter is not None else 0


def _report(args: Sequence[str], written: int, code: int, exc: BaseException, message: str) -> int:
    """Under --format json/github an error is an output document too (stdout); the human
    message above it has gone to stderr in every format."""
    from runner.render.views.error import report_error

    hint = exc.hint if isinstance(exc, RunnerError) else None
    message = exc.message if isinstance(exc, RunnerError) else message
    # stdout gone (a closed pipe): the exit code still says what happened
    with contextlib.suppress(OSError):
        report_error(
            args,
            sorted(COMMANDS),
            exit_code=code,
            error=type(exc).__name__,
            message=message,
            hint=hint,
            already_written=written,
        )
    return code


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code (never raises)."""
    args = list(sys.argv[1:] if argv is None else argv)
    make_standard_streams_safe()  # a console that cannot show "✓" gets "+", never an exit 70
    written = _documents_written()
    try:
        with stop_signals_interrupt():  # SIGTERM / Ctrl-Break end up where Ctrl-C does
            result = cli.main(args=args, prog_name="bitmart-runner", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return ExitCode.USAGE
    except click.UsageError as exc:
        exc.show()
        return _report(args, written, ExitCode.USAGE, exc, exc.format_message())
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort as exc:
        click.echo("interrupted", err=True)
        return _report(args, written, ExitCode.INTERRUPTED, exc, "interrupted")
    except KeyboardInterrupt as exc:
        click.echo("interrupted", err=True)
        return _report(args, written, ExitCode.INTERRUPTED, exc, "interrupted")
    except click.ClickException as exc:
        exc.show()
        return _report(args, written, ExitCode.USAGE, exc, exc.format_message())
    except RunnerError as exc:
        click.echo(f"error: {exc}", err=True)
        return _report(args, written, exc.exit_code, exc, exc.message)
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # the one place unexpected errors are turned into exit 70
        if _debug_requested(args):
            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in bitmart-runner; please report it (rerun with --debug for details).",
            err=True,
        )
        return _report(args, written, ExitCode.INTERNAL, exc, f"internal error: {exc}")
    if result is None:
        return ExitCode.OK
    return int(result)


def main() -> None:
    sys.exit(run())
