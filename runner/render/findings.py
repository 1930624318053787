"""Findings as text, JSON or GitHub Actions annotations: the one place a finding is rendered.

Text is the compiler convention editors and terminals link on, with the rule in brackets as mypy
does: ``path:line:col: error: message [rule]`` and an indented ``hint:`` line when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runner.findings import Finding, Severity
from runner.render.style import Style


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def finding_lines(finding: Finding, style: Style) -> list[str]:
    color = "red" if finding.severity is Severity.ERROR else "yellow"
    where = f"{finding.location}: " if finding.location else ""
    severity = style(finding.severity.value, color, "bold")
    lines = [f"{where}{severity}: {finding.message} [{finding.rule}]"]
    if finding.hint:
        lines.append(f"  hint: {finding.hint}")
    return lines


def text_lines(findings: Iterable[Finding], style: Style) -> list[str]:
    return [line for finding in findings for line in finding_lines(finding, style)]


def finding_record(finding: Finding, path: str | None = None) -> dict[str, Any]:
    """The JSON shape of one finding; ``path`` names the file when the finding has no location."""
    loc = finding.location
    return {
        "path": loc.path if loc else path,
        "line": loc.line if loc else None,
        "column": loc.col if loc else None,
        "rule": finding.rule,
        "message": finding.message,
        "severity": finding.severity.value,
        "hint": finding.hint,
    }


def escape_data(text: str) -> str:
    """GitHub's escaping for a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub's escaping for a workflow command's property value (also ``:`` and ``,``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, finding: Finding | None = None) -> str:
    properties = ""
    loc = finding.location if finding is not None else None
    if loc is not None:
        properties = f" file={escape_property(loc.path)},line={loc.line},col={loc.col}"
    return f"::{level}{properties}::{escape_data(message)}"


def github_lines(findings: Iterable[Finding]) -> list[str]:
    """GitHub workflow commands: `::error file=F,line=L,col=C::message` (warnings as ::warning)."""
    lines = []
    for finding in findings:
        message = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
        lines.append(annotation(finding.severity.value, message, finding))
    return lines
