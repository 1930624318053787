"""`validate` without click: the checking and reporting behind the command, and a reader for
its plain command lines, so that a cold `bitmart-runner validate PLAN...` imports neither click
nor anything else it does not need.

``plain_validate`` takes only what it can read exactly as click would: ``validate`` followed by
existing, readable plan files and ``--format X`` / ``--format=X``, ``--json``, ``--no-color``,
``--exchange X`` / ``--exchange=X``, each at most once, with valid values.  Anything else
(``--help``, ``--``, an unknown option, a missing file, a bad value, shell completion) is left to
the click command (``runner.commands.validate``), which reads it and reports the usage error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from runner.errors import ExitCode
from runner.render.reporter import FORMATS, make_reporter

EXCHANGES = ("paper", "demo", "live")
_VALUED = {"--format": FORMATS, "--exchange": EXCHANGES}
_FLAGS = ("--json", "--no-color")


def validate_files(
    plans: Sequence[Path], exchange: str | None, fmt: str, as_json: bool, no_color: bool
) -> int:
    """Check the plan files, report the result, and return the exit code (1 when any error)."""
    from runner.plan import validate_file
    from runner.render.views.validate import Checked, ValidateView, Validation

    target_kind = exchange.lower() if exchange else None
    checked = []
    for path in plans:
        _, findings = validate_file(path, target_kind=target_kind)
        checked.append(Checked(path, tuple(findings)))
    result = Validation(tuple(checked))
    code = ExitCode.INVALID if result.errors else ExitCode.OK
    reporter = make_reporter("json" if as_json else fmt, no_color=no_color)
    reporter.report(ValidateView(), result, exit_code=code)
    return code


def plain_validate(args: Sequence[str]) -> Callable[[], int] | None:
    """The whole run of ``args`` when it is a plain `validate`, else None (click reads it)."""
    if not args or args[0] != "validate" or sys.platform == "win32":
        return None  # (on Windows click also expands wildcards in the arguments)
    if "_BITMART_RUNNER_COMPLETE" in os.environ:  # click's shell completion
        return None
    values: dict[str, str] = {}
    flags: set[str] = set()
    plans: list[Path] = []
    rest = list(args[1:])
    while rest:
        token = rest.pop(0)
        name, equals, value = token.partition("=")
        if name in _VALUED and name not in values:
            if not equals:
                if not rest:
                    return None
                value = rest.pop(0)
            values[name] = value
        elif token in _FLAGS and token not in flags:
            flags.add(token)
        elif token.startswith("-") or not _readable_file(token):
            return None
        else:
            plans.append(Path(token))
    exchange = values.get("--exchange", os.environ.get("BITMART_EXCHANGE"))
    fmt = values.get("--format", "text")
    if not plans or fmt not in FORMATS:
        return None
    if exchange is not None and exchange.lower() not in EXCHANGES:
        return None  # (an empty BITMART_EXCHANGE too: click decides what it means)
    return lambda: validate_files(
        plans, exchange, fmt, as_json="--json" in flags, no_color="--no-color" in flags
    )


def _readable_file(token: str) -> bool:
    return bool(token) and os.path.isfile(token) and os.access(token, os.R_OK)
