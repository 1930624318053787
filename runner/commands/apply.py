"""`bitmart-runner apply PLAN|SAVED`: show the diff, ask for CONFIRM, run, verify, report."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from runner.commands.common import (
    ExchangeChoice,
    Output,
    exchange_command,
    exchange_options,
    output_options,
    timeout_option,
)
from runner.commands.rejection import report_rejection
from runner.execute.consent import Prompt
from runner.execute.executor import Status
from runner.execute.flow import ApplyRun, Finished, Prepared
from runner.notify import note_applied
from runner.notify_run import notify_option
from runner.pipeline import PlanRejected
from runner.render.findings import github_lines
from runner.render.reporter import Reporter
from runner.render.style import Style
from runner.render.views.apply import Applied, ApplyView
from runner.render.views.plan import PlanView
from runner.saved_plan import looks_like_saved_plan

EXAMPLES = (
    "bitmart-runner apply plans/btc.plan.yaml   # shows the diff, asks for CONFIRM",
    "bitmart-runner apply btc.saved.json        # a plan saved by `plan --out`",
    "bitmart-runner apply plans/btc.plan.yaml --yes --quiet   # from cron",
)


def _ask(text: str) -> str:
    """One line from stdin; EOFError at end of input (click.prompt would call that an Abort,
    the same as Ctrl-C, and end of input is "not confirmed", not "interrupted")."""
    click.echo(text, err=True, nl=False)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def _terminal_prompt() -> Prompt:
    return Prompt(
        is_terminal=lambda: sys.stdin is not None and sys.stdin.isatty(),  # None: pythonw
        ask=_ask,
    )


def _shower(reporter: Reporter, quiet: bool, prompt: Prompt) -> Callable[[Prepared], None]:
    """The diff before consent.  Under JSON stdout holds only the apply document, so the diff goes
    to stderr, and only when someone at a terminal is about to be asked for CONFIRM."""

    def show(prepared: Prepared) -> None:
        if quiet and not prepared.actions and not _has_errors(prepared):
            return  # cron: a converged account prints nothing at all
        if reporter.stdout_is_for_people:
            click.echo(_diff(prepared, reporter.style, annotate=reporter.name == "github"))
        elif prompt.is_terminal():
            click.echo(_diff(prepared, Style(False), annotate=False), err=True)

    return show


def _diff(prepared: Prepared, style: Style, *, annotate: bool) -> str:
    if prepared.result is not None:
        annotations = github_lines(prepared.result.findings) if annotate else []
        return "\n".join([*annotations, PlanView().text(prepared.result, style)])
    lines = [style(f"Saved plan {prepared.name}: {len(prepared.actions)} change(s)", "bold")]
    for number, action in enumerate(prepared.actions, 1):
        every = "  (runs on every apply)" if action.runs_every_apply else ""
        lines.append(f"  {action.op.value} {number}. {action.summary}{every}")
    return "\n".join(lines)


def _has_errors(prepared: Prepared) -> bool:
    return prepared.result is not None and prepared.result.has_errors


def _percent(text: str) -> Decimal:
    """``0.5%`` or ``0.5`` -> Decimal("0.5"); a usage error (exit 64) otherwise."""
    try:
        value = Decimal(text.strip().removesuffix("%"))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise click.BadParameter(
            f"{text!r} is not a percentage such as 0.5%", param_hint="--max-price-move"
        )
    return value


def applied(plan_file: Path, target: str, finished: Finished) -> Applied:
    prepared = finished.prepared
    result = prepared.result if prepared else None
    return Applied(
        path=str(plan_file),
        source="saved" if looks_like_saved_plan(plan_file) else "plan",
        name=prepared.name if prepared else None,
        plan_hash=prepared.plan_hash if prepared else None,
        target=target,
        symbols=prepared.symbols if prepared else (),
        planned=prepared.actions if prepared else (),
        findings=result.findings if result else (),
        report=finished.report,
        skipped=finished.skipped,
    )


@exchange_command("apply", EXAMPLES)
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
@click.option(
    "--max-price-move",
    "max_price_move",
    default="0.5%",
    show_default=True,
    metavar="PERCENT",
    help="A saved plan is stale (exit 3) when a mark price moved more than this since it was "
    "saved, either way.",
)
@click.option(
    "--allow-risk-increase",
    is_flag=True,
    help="Let --yes make risk-raising changes that follow only from the account or market "
    "moving (drift), as policy.allow_risk_increase does.",
)
@exchange_options
@output_options
@notify_option("apply")
@timeout_option
def apply(
    plan_file: Path,
    yes: bool,
    lock_timeout: float,
    quiet: bool,
    max_price_move: str,
    allow_risk_increase: bool,
    account: ExchangeChoice,
    output: Output,
    timeout_s: float,
    request_timeout_s: float,
) -> None:
    """Apply a plan file (or a saved plan from `plan --out`) after you type CONFIRM."""
    reporter = output.reporter()
    session = account.open()
    prompt = _terminal_prompt()
    session = dataclasses.replace(
        session, quiet=quiet, timeout_s=timeout_s, request_timeout_s=request_timeout_s
    )
    run = ApplyRun(
        session,
        plan_file,
        yes=yes,
        lock_timeout=lock_timeout,
        prompt=prompt,
        show=_shower(reporter, quiet, prompt),
        emit=reporter.progress,
        max_price_move=_percent(max_price_move),
        allow_risk_increase=allow_risk_increase,
    )
    try:
        finished = run.run()
    except PlanRejected as exc:
        report_rejection(reporter, "apply", exc)
        raise click.exceptions.Exit(1) from None
    if finished.report is not None:
        note_applied(sum(o.status is Status.APPLIED for o in finished.report.outcomes))
    outcome = applied(plan_file, session.target.name, finished)
    reporter.report(ApplyView(), outcome, exit_code=finished.exit_code)
    raise click.exceptions.Exit(int(finished.exit_code))
