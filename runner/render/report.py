"""The end of an apply: what was applied, verified, skipped or not run, and the account now."""

from __future__ import annotations

from collections.abc import Sequence

from runner.compiler import actions as act
from runner.execute.executor import ApplyReport, Status
from runner.render.state_text import render_state
from runner.render.style import Style

_MARKS = {Status.APPLIED: ("✓", "green"), Status.FAILED: ("✗", "red"), Status.NOT_RUN: ("-", "dim")}


def render_report(
    report: ApplyReport,
    style: Style,
    *,
    symbols: Sequence[str],
    skipped: Sequence[tuple[int, act.Action, str]] = (),
) -> list[str]:
    lines = ["", style("Apply report", "bold")]
    for _number, action, reason in skipped:
        lines.append(f"  = {action.summary}: {reason}")
    for outcome in report.outcomes:
        mark, color = _MARKS[outcome.status]
        if outcome.status is Status.APPLIED and outcome.verified is False:
            mark, color = "?", "yellow"
        verified = {True: ", verified", False: ", NOT verified", None: ""}[outcome.verified]
        trace = f" (trace {outcome.trace})" if outcome.trace else ""
        lines.append(
            f"  {style(mark, color)} {outcome.action.summary}: {outcome.detail}{verified}{trace}"
        )
    if report.verify_error:
        lines.append(style(f"Could not read the account to verify: {report.verify_error}", "red"))
    lines.append("")
    if report.final is not None:
        # the whole account: a position on another symbol is part of the risk the trader holds
        lines.extend(render_state(report.final, style))
        lines.append("")
    applied = len(report.applied)
    total = len(report.outcomes)
    if report.interrupted:
        lines.append(style(f"Interrupted: {applied} of {total} change(s) applied.", "red", "bold"))
    elif report.complete:
        lines.append(style(f"Applied and verified {applied} change(s).", "green", "bold"))
    else:
        lines.append(
            style(
                f"Stopped part-way: {applied} of {total} change(s) applied. Re-running apply on "
                "the same plan converges without repeating what was done.",
                "red",
                "bold",
            )
        )
    return lines
