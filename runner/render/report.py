"""The end of an apply: what was applied, verified, skipped or not run, and the account now."""

from __future__ import annotations

from collections.abc import Sequence

from runner.compiler import actions as act
from runner.execute.executor import ApplyReport, Status
from runner.render.state_text import render_state
from runner.render.style import Style

_MARKS = {
    Status.APPLIED: ("✓", "green"),
    Status.FAILED: ("✗", "red"),
    Status.UNKNOWN: ("?", "yellow"),
    Status.NOT_RUN: ("-", "dim"),
}


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
    if report.complete:
        lines.append(style(f"Applied and verified {applied} change(s).", "green", "bold"))
        return lines
    head = "Interrupted" if report.interrupted else "Stopped part-way"
    if report.time_up:
        head = "Stopped at the time limit"
        lines.append(style(f"{report.time_up}; no further write was started.", "red"))
    if report.changed_nothing:
        stopped = (
            "Stopped: the exchange refused the first write; nothing was applied."
            if report.sent
            else "Stopped before any write: nothing was applied."
        )
        lines.append(style(stopped, "red", "bold"))
    else:
        lines.append(style(f"{head}: {applied} of {total} change(s) applied.", "red", "bold"))
    lines.extend(rerun_promise(report))
    return lines


def rerun_promise(report: ApplyReport) -> list[str]:
    """Exactly what the next `apply` of this plan will and will not do (exit 4 and 130)."""
    count = {status: sum(o.status is status for o in report.outcomes) for status in Status}
    lines = ["Re-running apply on this plan (also after editing it):"]
    if count[Status.APPLIED]:
        lines.append(
            f"  - will not send again the {count[Status.APPLIED]} change(s) applied here "
            "(action steps are skipped from this run's journal; targets are already met)"
        )
    if count[Status.UNKNOWN]:
        lines.append(
            f"  - will first wait until the {count[Status.UNKNOWN]} change(s) whose outcome is "
            "unknown can no longer reach the exchange (their signature expires 60 s after "
            "sending), then ask the exchange, and send one again only if it did not happen"
        )
    lines.append("  - re-plans every target step against the account as it is then")
    retry = count[Status.FAILED] + count[Status.NOT_RUN]
    if retry:
        lines.append(
            f"  - will send the {retry} failed or not-run change(s) if they are still needed "
            "(a rejected one is rejected again until its cause is fixed)"
        )
    return lines
