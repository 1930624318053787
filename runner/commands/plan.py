"""`bitmart-runner plan PLAN`: read the account (read-only), check the plan, show the diff."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from runner import pipeline
from runner.commands.common import (
    ExchangeChoice,
    Output,
    exchange_command,
    exchange_options,
    output_options,
    timeout_option,
)
from runner.commands.rejection import report_rejection
from runner.compiler.result import PlanResult
from runner.errors import ExitCode
from runner.render.views.plan import PlanView
from runner.saved_plan import check_out_path, read_plan_source, write_saved_plan
from runner.session import local_now

EXAMPLES = (
    "bitmart-runner plan plans/btc.plan.yaml",
    "bitmart-runner plan plans/btc.plan.yaml --out btc.saved.json   # then: apply btc.saved.json",
    "bitmart-runner plan plans/btc.plan.yaml --detailed-exitcode --format github   # in CI",
)


@exchange_command("plan", EXAMPLES)
@click.argument("plan_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save the approvable plan (JSON) for a later `apply FILE`.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when the plan is valid and there are changes (0: no changes, 1: invalid).",
)
@click.option(
    "--allow-risk-increase",
    is_flag=True,
    help="Show what apply --allow-risk-increase would accept: risk-raising drift is computed "
    "(a stop tightened by hand is loosened) and reported as accepted; a saved plan (--out) "
    "still needs the flag, or CONFIRM, when it is applied.",
)
@exchange_options
@output_options
@timeout_option
def plan(
    plan_file: Path,
    out: Path | None,
    detailed_exitcode: bool,
    allow_risk_increase: bool,
    account: ExchangeChoice,
    output: Output,
    timeout_s: float,
    request_timeout_s: float,
) -> None:
    """Show what `apply` would change. Never sends a write request."""
    reporter = output.reporter()
    if out is not None:
        check_out_path(out)  # before reading anything: never a diff that cannot be saved
    session = account.open()
    session = dataclasses.replace(session, timeout_s=timeout_s, request_timeout_s=request_timeout_s)
    try:
        loaded = pipeline.load(plan_file, session.target)
    except pipeline.PlanRejected as exc:
        report_rejection(reporter, "plan", exc)
        raise click.exceptions.Exit(ExitCode.INVALID) from None
    planned = pipeline.plan_for(session, loaded, allow_risk_increase=allow_risk_increase)
    # drift is what apply --yes refuses: a dry run says so (or that it would be accepted)
    result = dataclasses.replace(
        planned.result, findings=(*planned.result.findings, *planned.result.drift_notices())
    )
    code = plan_exit_code(result, detailed=detailed_exitcode)
    if out is not None and not result.has_errors:
        # before the output, so that a file that cannot be written is the run's one error
        write_saved_plan(
            out,
            result,
            masked_key=session.masked_key,
            now=local_now(),
            source=read_plan_source(plan_file, result.plan_hash),
            nonce=planned.nonce,
            plan_orders=planned.plan_orders,
            account=session.account_id,
            allow_risk_increase=allow_risk_increase,
        )
    reporter.report(PlanView(), result, exit_code=code)
    if out is not None and not result.has_errors:
        click.echo(f"Saved the plan to {out} (valid for 10 minutes).", err=True)
    if code:
        raise click.exceptions.Exit(code)


def plan_exit_code(result: PlanResult, *, detailed: bool) -> ExitCode:
    if result.has_errors:
        return ExitCode.INVALID
    if detailed and result.has_changes:
        return ExitCode.CHANGES
    return ExitCode.OK
