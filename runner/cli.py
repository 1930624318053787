"""Command-line entry point: parse, dispatch to one command module, map errors to exit codes.

Commands live in ``runner/commands/<name>.py`` and are imported only when invoked, so that
``validate`` never pays for (or can reach) the HTTP client or the simulator.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import click

from runner import __version__
from runner.errors import ExitCode, RunnerError

# command name -> "module:attribute" of a click.Command
COMMANDS: dict[str, str] = {
    "apply": "runner.commands.apply:apply",
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


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bitmart-runner")
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


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code (never raises)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="bitmart-runner", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return ExitCode.USAGE
    except click.UsageError as exc:
        exc.show()
        return ExitCode.USAGE
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("interrupted", err=True)
        return ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return ExitCode.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return ExitCode.USAGE
    except RunnerError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # the one place unexpected errors are turned into exit 70
        if _debug_requested(args):
            import traceback  # only here: it costs every start-up otherwise

            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in bitmart-runner; please report it (rerun with --debug for details).",
            err=True,
        )
        return ExitCode.INTERNAL
    if result is None:
        return ExitCode.OK
    return int(result)


def main() -> None:
    sys.exit(run())
