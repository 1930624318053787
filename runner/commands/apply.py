"""`bitmart-runner apply PLAN|SAVED`: show the diff, ask for CONFIRM, run, verify, report."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from runner import DISCLAIMER
from runner.commands.common import exchange_options, output_options, timeout_option
from runner.commands.findings_out import emit_rejection
from runner.execute.consent import Prompt
from runner.execute.flow import ApplyRun, Prepared
from runner.pipeline import PlanRejected
from runner.render.plan_json import plan_document
from runner.render.plan_text import render_plan
from runner.render.report import render_report
from runner.render.style import Style
from runner.session import open_session


def _ask(text: str) -> str:
    """One line from stdin; EOFError at end of input (click.prompt would call that an Abort,
    the same as Ctrl-C, and end of input is "not confirmed", not "interrupted")."""
    click.echo(text, err=True, nl=False)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def _terminal_prompt() -> Prompt:
    return Prompt(is_terminal=lambda: sys.stdin.isatty(), ask=_ask)


def _shower(style: Style, as_json: bool, quiet: bool) -> Callable[[Prepared], None]:
    def show(prepared: Prepared) -> None:
        if quiet and not prepared.actions and not _has_errors(prepared):
            return  # cron: a converged account prints nothing at all
        if prepared.result is not None:
            if as_json:
                click.echo(json.dumps(plan_document(prepared.result), indent=2), err=True)
            else:
                click.echo(render_plan(prepared.result, style))
            return
        click.echo(style(f"Saved plan {prepared.name}: {len(prepared.actions)} change(s)", "bold"))
        for number, action in enumerate(prepared.actions, 1):
            every = "  (runs on every apply)" if action.runs_every_apply else ""
            click.echo(f"  {action.op.value} {number}. {action.summary}{every}")

    return show


def _has_errors(prepared: Prepared) -> bool:
    return prepared.result is not None and prepared.result.has_errors


@click.command("apply")
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Apply without the CONFIRM prompt (for cron).")
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Seconds to wait for another run on this account to finish (default: exit 7 at once).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="For cron: print nothing when there is nothing to change; only changes and errors.",
)
@exchange_options
@output_options
@timeout_option
def apply(
    plan_file: Path,
    yes: bool,
    lock_timeout: float,
    quiet: bool,
    exchange: str | None,
    base_url: str | None,
    env_file: Path | None,
    as_json: bool,
    no_color: bool,
    timeout_s: float,
) -> None:
    """Apply a plan file (or a saved plan from `plan --out`) after you type CONFIRM."""
    session = open_session(exchange, base_url, env_file, no_color=no_color or as_json)
    session = dataclasses.replace(session, quiet=quiet, timeout_s=timeout_s)
    run = ApplyRun(
        session,
        plan_file,
        yes=yes,
        lock_timeout=lock_timeout,
        prompt=_terminal_prompt(),
        show=_shower(session.style, as_json, quiet),
        emit=lambda line: click.echo(line),
    )
    try:
        finished = run.run()
    except PlanRejected as exc:
        emit_rejection(plan_file, exc.findings, "json" if as_json else "text", session.style)
        raise click.exceptions.Exit(1) from None
    if finished.report is not None:
        assert finished.prepared is not None
        lines = render_report(
            finished.report,
            session.style,
            symbols=finished.prepared.symbols,
            skipped=finished.skipped,
        )
        click.echo("\n".join(lines))
        click.echo(DISCLAIMER)
    raise click.exceptions.Exit(int(finished.exit_code))
