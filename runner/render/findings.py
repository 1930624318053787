"""Findings as text, JSON or GitHub Actions annotations (rendering only, no decisions).

Text is the compiler convention editors and terminals link on:
``path:line:col: error: message`` with an indented ``hint:`` line when there is one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from runner.findings import Finding

FORMATS = ("text", "json", "github")


def text_lines(findings: Iterable[Finding]) -> list[str]:
    lines = []
    for finding in findings:
        where = f"{finding.location}: " if finding.location else ""
        lines.append(f"{where}{finding.severity.value}: {finding.message}")
        if finding.hint:
            lines.append(f"  hint: {finding.hint}")
    return lines


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


def json_text(records: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(records), indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(findings: Iterable[Finding]) -> list[str]:
    """GitHub workflow commands: `::error file=F,line=L,col=C::message` (warnings as ::warning)."""
    lines = []
    for finding in findings:
        properties = ""
        loc = finding.location
        if loc is not None:
            properties = f" file={_escape_property(loc.path)},line={loc.line},col={loc.col}"
        message = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
        lines.append(f"::{finding.severity.value}{properties}::{_escape_data(message)}")
    return lines


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(files: int, invalid: int, errors: int, warnings: int) -> str:
    """`2 files checked, 1 invalid, 3 errors` (plus warnings when there are any)."""
    text = f"{_count(files, 'file')} checked, {invalid} invalid, {_count(errors, 'error')}"
    return text + (f", {_count(warnings, 'warning')}" if warnings else "")
