"""What the `sim` control commands share: decimal options, --base-url, and the call to the
control endpoints of the paper exchange (in-process) or of a running ``sim serve``."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import click
import requests

from runner.commands.common import Output
from runner.config import PAPER_URL, paper_db_path, resolve_target
from runner.errors import ExchangeUnavailable, ExitCode, UsageError
from runner.render.views.misc import SimControl, SimView
from runner.sim.wire import decimal_problem, parse_json

F = TypeVar("F", bound=Callable[..., Any])
CONTROL_TIMEOUT = (5, 60)
CONTROL_ENV = ("BITMART_BASE_URL", "BITMART_RUNNER_HOME", "NO_COLOR", "BITMART_RUNNER_DEBUG")


class DecimalParam(click.ParamType):  # type: ignore[type-arg]
    """A finite decimal (never a float); ``allow_zero`` decides whether 0 is accepted."""

    name = "decimal"

    def __init__(self, *, allow_zero: bool) -> None:
        self.allow_zero = allow_zero

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Decimal):
            return value
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(f"{value!r} is not a decimal number", param, ctx)
        problem = decimal_problem(number, allow_zero=self.allow_zero)
        if problem is not None:
            self.fail(f"{value!r} {problem}", param, ctx)
        return number


POSITIVE = DecimalParam(allow_zero=False)
NON_NEGATIVE = DecimalParam(allow_zero=True)


def base_url_option(func: F) -> F:
    return click.option(
        "--base-url",
        default=None,
        envvar="BITMART_BASE_URL",
        help="Act on a running `sim serve` (e.g. http://127.0.0.1:8080) instead of the paper file.",
    )(func)


def session_for(base_url: str | None) -> tuple[requests.Session, str]:
    if base_url:
        target = resolve_target(None, base_url, environ={})  # same URL rules as every command
        return requests.Session(), target.base_url
    from runner.sim.adapter import paper_session

    return paper_session(paper_db_path()), PAPER_URL


def control(base_url: str | None, method: str, path: str, payload: Any = None) -> Any:
    session, base = session_for(base_url)
    where = base_url or f"the paper exchange ({paper_db_path()})"
    with session:
        try:
            response = session.request(
                method,
                base + path,
                data=None if payload is None else json.dumps(payload),
                headers={"Content-Type": "application/json"},
                timeout=CONTROL_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise ExchangeUnavailable(f"cannot reach the simulator at {where}: {exc}") from None
    try:
        body = parse_json(response.content)
    except (ValueError, UnicodeDecodeError):
        body = None
    if response.status_code == 400 and isinstance(body, dict):
        raise UsageError(f"simulator refused: {body.get('error')}")
    if response.status_code != 200 or not isinstance(body, dict):
        raise ExchangeUnavailable(
            f"{where} answered {method} {path} with HTTP {response.status_code}",
            hint="is this a bitmart-runner simulator (`bitmart-runner sim serve`)?",
        )
    return body


def report_control(result: SimControl, output: Output) -> int:
    """Print a control command's outcome in the chosen format (text, json, github)."""
    output.reporter().report(SimView(), result, exit_code=ExitCode.OK)
    return ExitCode.OK
