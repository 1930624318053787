"""Command-line entry point: parse, dispatch to one command module, map errors to exit codes.

Commands live in ``runner/commands/<name>.py`` and are imported only when invoked, so that
``validate`` never pays for (or can reach) the HTTP client or the simulator.  A plain
``validate`` line (its own options, existing files) does not even import click:
``runner.commands.validate_plain`` reads it, and leaves anything else to the click group, which
is built on first use.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from runner import __version__
from runner.console import make_standard_streams_safe
from runner.errors import ExitCode, RunnerError
from runner.interrupts import stop_signals_interrupt

if TYPE_CHECKING:
    import click

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


@functools.cache
def _group() -> click.Group:
    """The click group (click is imported here, not when this module is)."""
    import click

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

    def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value and not ctx.resilient_parsing:
            click.echo(_version_text())
            ctx.exit()

    @click.group(
        cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG
    )
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

    return cli


def __getattr__(name: str) -> Any:
    if name == "cli":  # `runner.cli.cli`: the click group, built on first use
        return _group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    args = _debug_first(list(sys.argv[1:] if argv is None else argv))
    make_standard_streams_safe()  # a console that cannot show "✓" gets "+", never an exit 70
    written = _documents_written()
    try:
        with stop_signals_interrupt():  # SIGTERM / Ctrl-Break end up where Ctrl-C does
            command = _plain_validate(args) if args[:1] == ["validate"] else None
            if command is not None:
                return command()
            result = _group().main(args=args, prog_name="bitmart-runner", standalone_mode=False)
    except (KeyboardInterrupt, Exception) as exc:
        return _failed(args, written, exc)
    if result is None:
        return ExitCode.OK
    return int(result)


def _debug_first(args: list[str]) -> list[str]:
    """``--debug`` is the group's option; given after the command, as the internal-error message
    invites ("rerun with --debug"), it means the same instead of being an unknown option."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[1:end]:
        return args
    return ["--debug", *(a for i, a in enumerate(args) if i >= end or a != "--debug")]


def _plain_validate(args: Sequence[str]) -> Callable[[], int] | None:
    from runner.commands.validate_plain import plain_validate

    return plain_validate(args)


def _failed(args: Sequence[str], written: int, exc: BaseException) -> int:
    """The exit code for what ended the command, after saying what it was (called while the
    exception is being handled: ``--debug`` prints its traceback)."""
    import click

    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return ExitCode.USAGE
    if isinstance(exc, click.UsageError):
        exc.show()
        return _report(args, written, ExitCode.USAGE, exc, exc.format_message())
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, click.Abort | KeyboardInterrupt):
        click.echo("interrupted", err=True)
        return _report(args, written, ExitCode.INTERRUPTED, exc, "interrupted")
    if isinstance(exc, click.ClickException):
        exc.show()
        return _report(args, written, ExitCode.USAGE, exc, exc.format_message())
    if isinstance(exc, RunnerError):
        click.echo(f"error: {exc}", err=True)
        return _report(args, written, exc.exit_code, exc, exc.message)
    if isinstance(exc, BrokenPipeError):
        return ExitCode.OK
    # the one place unexpected errors are turned into exit 70
    if _debug_requested(args):
        import traceback  # only here: it costs every start-up otherwise

        traceback.print_exc()
    click.echo(
        f"internal error: {type(exc).__name__}: {exc}\n"
        "This is a bug in bitmart-runner; please report it (rerun with --debug for details).",
        err=True,
    )
    return _report(args, written, ExitCode.INTERNAL, exc, f"internal error: {exc}")


def main() -> None:
    sys.exit(run())
