"""The plan as Markdown for a GitHub job summary (``$GITHUB_STEP_SUMMARY``).

Renders the same ``PlanResult`` as the text diff: a heading, the outcome, the diff in a fenced
block (no colour), the findings as a table, the disclaimer.
"""

from __future__ import annotations

from runner import DISCLAIMER
from runner.compiler.result import PlanResult
from runner.findings import Finding
from runner.render.findings import plural
from runner.render.plan_text import render_step, summary_line
from runner.render.style import Style

_PLAIN = Style(False)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _outcome(result: PlanResult) -> str:
    if result.has_errors:
        errors = sum(1 for f in result.findings if f.is_error)
        return f":x: **Plan is invalid: {plural(errors, 'error')}.** Nothing would be applied."
    if not result.has_changes:
        return ":white_check_mark: **No changes.** The account matches the plan."
    return f":warning: **{summary_line(result)}**"


def _finding_row(finding: Finding) -> str:
    where = _code(str(finding.location)) if finding.location else ""
    hint = f" (hint: {finding.hint})" if finding.hint else ""
    return (
        f"| {finding.severity.value} | {where} | {_cell(finding.message + hint)} | {finding.rule} |"
    )


def render_markdown(result: PlanResult) -> str:
    diff: list[str] = []
    for step in result.steps:
        diff.extend(render_step(step, _PLAIN))
    lines = [
        f"### bitmart-runner plan: {_cell(result.name)} ({_code(result.path)}) on {result.target}",
        "",
        _outcome(result),
        "",
    ]
    if diff:
        fence = "~~~~" if any("```" in line for line in diff) else "```"
        lines.extend([f"{fence}diff", *diff, fence, ""])
    if result.findings:
        lines.extend(["| severity | where | message | rule |", "|---|---|---|---|"])
        lines.extend(_finding_row(f) for f in result.findings)
        lines.append("")
    lines.append(f"_{DISCLAIMER}_")
    return "\n".join(lines)
