"""`bitmart-runner plan PLAN`: read the account (read-only), check the plan, show the diff."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import click

from runner import pipeline
from runner.commands.common import exchange_options, output_options
from runner.commands.findings_out import emit_rejection
from runner.compiler.result import PlanResult
from runner.errors import ExitCode
from runner.execute.registry import load_plan_orders
from runner.records.store import load_records
from runner.render.findings import github_lines
from runner.render.plan_json import plan_document
from runner.render.plan_text import render_plan
from runner.saved_plan import write_saved_plan
from runner.session import Session, local_now, open_session


@click.command("plan")
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
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default=None,
    help="Output: text diff (default), json (same as --json), or github annotations + text.",
)
@exchange_options
@output_options
def plan(
    plan_file: Path,
    out: Path | None,
    detailed_exitcode: bool,
    fmt: str | None,
    exchange: str | None,
    base_url: str | None,
    env_file: Path | None,
    as_json: bool,
    no_color: bool,
) -> None:
    """Show what `apply` would change. Never sends a write request."""
    fmt = "json" if as_json else (fmt or "text")
    session = open_session(exchange, base_url, env_file, no_color=no_color or fmt != "text")
    try:
        loaded = pipeline.load(plan_file, session.target)
    except pipeline.PlanRejected as exc:
        emit_rejection(plan_file, exc.findings, fmt, session.style)
        raise click.exceptions.Exit(ExitCode.INVALID) from None
    result = compute_plan(session, loaded)
    _emit(result, fmt, session)
    if result.has_errors:
        raise click.exceptions.Exit(ExitCode.INVALID)
    if out is not None:
        write_saved_plan(out, result, masked_key=session.masked_key, now=local_now())
        click.echo(f"Saved the plan to {out} (valid for 10 minutes).", err=True)
    if detailed_exitcode and result.has_changes:
        raise click.exceptions.Exit(ExitCode.CHANGES)


def compute_plan(session: Session, loaded: pipeline.LoadedPlan) -> PlanResult:
    intents = loaded.intents
    records = load_records(session.home, session.account_id, intents.name)
    with session.reader() as client:
        snapshot = pipeline.take_snapshot(client, intents, session.target, now=local_now)
        lifecycle = pipeline.reconcile_records(client, intents, snapshot, records)
    return pipeline.compute(
        loaded,
        snapshot,
        session.target,
        nonce=secrets.token_hex(3),
        plan_orders=load_plan_orders(session.home, session.account_id, intents.name),
        lifecycle=lifecycle,
    )


def _emit(result: PlanResult, fmt: str, session: Session) -> None:
    if fmt == "json":
        click.echo(json.dumps(plan_document(result), indent=2))
        return
    if fmt == "github":
        for line in github_lines(result.findings):
            click.echo(line)
    click.echo(render_plan(result, session.style))
