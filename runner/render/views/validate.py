"""`validate`: every file's findings and one summary line, or one JSON document."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runner.findings import Finding
from runner.render.findings import finding_record, github_lines, plural, text_lines
from runner.render.reporter import View
from runner.render.style import Style
from runner.values import value


@value
class Checked:
    path: Path
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


@value
class Validation:
    files: tuple[Checked, ...]

    @property
    def invalid(self) -> int:
        return sum(1 for checked in self.files if checked.errors)

    @property
    def errors(self) -> int:
        return sum(checked.errors for checked in self.files)

    @property
    def warnings(self) -> int:
        return sum(checked.warnings for checked in self.files)


def summary_line(result: Validation) -> str:
    """`2 files checked, 1 invalid, 3 errors` (plus warnings when there are any)."""
    text = (
        f"{plural(len(result.files), 'file')} checked, {result.invalid} invalid, "
        f"{plural(result.errors, 'error')}"
    )
    return text + (f", {plural(result.warnings, 'warning')}" if result.warnings else "")


class ValidateView(View[Validation]):
    kind = "validate"

    def findings(self, data: Validation) -> Sequence[Finding]:
        return [f for checked in data.files for f in checked.findings]

    def text(self, data: Validation, style: Style) -> str:
        return "\n".join([*text_lines(self.findings(data), style), summary_line(data)])

    def github(self, data: Validation, style: Style) -> str:
        return "\n".join([*github_lines(self.findings(data)), summary_line(data)])

    def document(self, data: Validation) -> dict[str, Any]:
        return {
            "valid": data.invalid == 0,
            "summary": {
                "files": len(data.files),
                "invalid": data.invalid,
                "errors": data.errors,
                "warnings": data.warnings,
            },
            "files": [
                {
                    "path": str(checked.path),
                    "valid": checked.errors == 0,
                    "errors": checked.errors,
                    "warnings": checked.warnings,
                }
                for checked in data.files
            ],
            "findings": [
                finding_record(f, str(checked.path))
                for checked in data.files
                for f in checked.findings
            ],
        }
