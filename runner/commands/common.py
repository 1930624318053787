"""Options shared by the commands that talk to an exchange."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def exchange_options(func: F) -> F:
    """--exchange / --base-url / --env-file, read by every command that reaches an exchange."""
    func = click.option(
        "--env-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Read BITMART_API_* from this file (default: ./.env if present).",
    )(func)
    func = click.option(
        "--base-url",
        default=None,
        help="Any BitMart-compatible server, e.g. one started by `bitmart-runner sim serve` "
        "(or BITMART_BASE_URL; giving it with --exchange/BITMART_EXCHANGE is an error).",
    )(func)
    func = click.option(
        "--exchange",
        type=click.Choice(["paper", "demo", "live"], case_sensitive=False),
        default=None,
        help="paper (default, built-in simulator), demo or live (or BITMART_EXCHANGE).",
    )(func)
    return func


def output_options(func: F) -> F:
    """--json / --no-color (NO_COLOR is honoured too)."""
    func = click.option("--no-color", is_flag=True, help="Plain output (also: NO_COLOR=1).")(func)
    func = click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(
        func
    )
    return func


DEFAULT_TIMEOUT_S = 30.0


def timeout_option(func: F) -> F:
    """--timeout: the total time limit of each request to the exchange (plan and apply)."""
    return click.option(
        "--timeout",
        "timeout_s",
        type=click.FloatRange(min=1, max=600),
        default=DEFAULT_TIMEOUT_S,
        show_default=True,
        help="Seconds each request to the exchange may take in total (connection, headers and "
        "body); a slower reply is a network error.",
    )(func)
