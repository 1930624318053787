"""A plan rejected by the offline checks, before the account was read (plan and apply)."""

from __future__ import annotations

from runner.errors import ExitCode
from runner.pipeline import PlanRejected
from runner.render.reporter import Reporter
from runner.render.views.error import ErrorView, Failure


def report_rejection(reporter: Reporter, command: str, rejected: PlanRejected) -> None:
    failure = Failure(command, type(rejected).__name__, rejected.message, None, rejected.findings)
    reporter.report(ErrorView(), failure, exit_code=ExitCode.INVALID)
