"""Errors as output documents: a plan rejected by the offline checks, or any error that stopped a
command (exchange, credentials, lock, usage, not confirmed, interrupted, internal).

Under ``--format json`` every failing run still prints exactly one JSON document on stdout (kind
``error``: exit code, message, hint, findings); under ``github`` an ``::error::`` annotation.  The
human message stays on stderr in every format.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runner import DISCLAIMER
from runner.findings import Finding
from runner.render.findings import annotation, finding_record, github_lines, plural, text_lines
from runner.render.reporter import FORMATS, View, documents_written, make_reporter
from runner.render.style import Style
from runner.values import value


@value
class Failure:
    command: str | None  # "plan", "sim state", ... (None when the command line did not say)
    error: str  # what kind of error: the error class, e.g. "ExchangeUnavailable", "UsageError"
    message: str
    hint: str | None = None
    findings: tuple[Finding, ...] = ()


class ErrorView(View[Failure]):
    kind = "error"

    def findings(self, data: Failure) -> Sequence[Finding]:
        return data.findings

    def text(self, data: Failure, style: Style) -> str:
        if not data.findings:
            return f"error: {data.message}" + (f"\nhint: {data.hint}" if data.hint else "")
        errors = sum(1 for f in data.findings if f.is_error)
        invalid = style(f"Plan is invalid: {plural(errors, 'error')}.", "red")
        return "\n".join([*text_lines(data.findings, style), invalid, DISCLAIMER])

    def github(self, data: Failure, style: Style) -> str:
        if not data.findings:
            hint = f" (hint: {data.hint})" if data.hint else ""
            return annotation("error", data.message + hint)
        return "\n".join([*github_lines(data.findings), self.text(data, style)])

    def document(self, data: Failure) -> dict[str, Any]:
        return {
            "command": data.command,
            "error": data.error,
            "message": data.message,
            "hint": data.hint,
            "findings": [finding_record(f) for f in data.findings],
        }


def requested_format(args: Sequence[str]) -> str:
    """The output format asked for on a command line that may not have parsed (a usage error):
    the last ``--format X`` / ``--format=X`` / ``--json`` before ``--``; text otherwise."""
    fmt = "text"
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--json":
            fmt = "json"
        elif arg == "--format" and index + 1 < len(args) and args[index + 1] in FORMATS:
            fmt = args[index + 1]
        elif arg.startswith("--format=") and arg.split("=", 1)[1] in FORMATS:
            fmt = arg.split("=", 1)[1]
    return fmt


def command_name(args: Sequence[str], commands: Sequence[str]) -> str | None:
    words = [a for a in args if not a.startswith("-")]
    for index, word in enumerate(words):
        if word in commands:
            if word == "sim" and index + 1 < len(words):
                return f"sim {words[index + 1]}"
            return word
    return None


def report_error(
    args: Sequence[str],
    commands: Sequence[str],
    *,
    exit_code: int,
    error: str,
    message: str,
    hint: str | None = None,
    already_written: int = 0,
) -> None:
    """Print the error document when JSON or GitHub output was asked for (text: the caller's
    stderr line is the whole output).  Never a second JSON document in one run."""
    fmt = requested_format(args)
    if fmt == "text" or (fmt == "json" and documents_written() > already_written):
        return
    failure = Failure(command_name(args, commands), error, message, hint)
    make_reporter(fmt).report(ErrorView(), failure, exit_code=exit_code)
