"""`bitmart-runner doctor`: read-only first-contact check (exchange, clock, key, account, plan)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from runner import pipeline
from runner.commands.common import (
    ExchangeChoice,
    Output,
    exchange_command,
    exchange_options,
    output_options,
)
from runner.config import ExchangeKind, require_credentials
from runner.doctor import Check, Report, Status, diagnose
from runner.errors import ExitCode, RunnerError
from runner.render.views.doctor import DoctorView
from runner.session import Session

EXAMPLES = (
    "bitmart-runner doctor --exchange live plans/btc.plan.yaml",
    "bitmart-runner doctor --base-url http://127.0.0.1:8080 --format json",
)


@exchange_command("doctor", EXAMPLES)
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@output_options
@exchange_options
def doctor(plan_file: Path | None, output: Output, account: ExchangeChoice) -> None:
    """Check the exchange, the clock, the key and the account (and a plan's symbols) before a
    first apply. Read-only: never sends a write."""
    reporter = output.reporter()
    session = account.open()
    symbols: tuple[str, ...] = ()
    plan_check: Check | None = None
    if plan_file is not None:
        try:
            symbols = pipeline.load(plan_file, session.target).intents.symbols()
        except pipeline.PlanRejected as exc:
            plan_check = Check(
                "plan",
                Status.FAIL,
                f"{plan_file} is not a valid plan ({len(exc.findings)} finding(s))",
                f"run `bitmart-runner validate {plan_file}`",
            )
    report = _run(session, symbols)
    if plan_check is not None:
        report = replace(report, checks=(*report.checks, plan_check))
    code = ExitCode.OK if report.ok else ExitCode.INVALID
    reporter.report(DoctorView(), report, exit_code=code)
    if code is not ExitCode.OK:
        raise click.exceptions.Exit(code)


def _run(session: Session, symbols: tuple[str, ...]) -> Report:
    target = session.target
    try:
        require_credentials(session.creds, signed=False)
    except RunnerError as exc:
        check = Check("credentials", Status.FAIL, exc.message, exc.hint or "")
        return Report(target.name, target.base_url, None, (check,))
    creds = session.creds
    can_sign = creds is not None and bool(creds.secret and creds.memo)
    with session.reader() as client:
        return diagnose(
            client,
            target=target.name,
            base_url=target.base_url,
            masked_key=session.masked_key,
            can_sign=can_sign,
            real_key=target.kind is not ExchangeKind.PAPER,
            spot=target.spot_base_url is not None,
            symbols=symbols,
        )
