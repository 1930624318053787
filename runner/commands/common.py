"""Options shared by the commands that talk to an exchange."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _remember_record_dir(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    from runner.session import RECORD_KEY

    if value is not None:
        ctx.meta[RECORD_KEY] = value


def exchange_options(func: F) -> F:
    """--exchange / --base-url / --env-file / --record, read by every command that reaches an
    exchange (--record is picked up by ``open_session``, so commands need no parameter for it)."""
    func = click.option(
        "--record",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=_remember_record_dir,
        help="Write every request and reply (redacted: key masked, no secret, memo or "
        "signature) as JSON lines into this directory, e.g. for a bug report.",
    )(func)
    func = click.option(
        "--env-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Read BITMART_API_* from this file (default: ./.env if present).",
    )(func)
    func = click.option(
        "--base-url",
        default=None,
        envvar="BITMART_BASE_URL",
        help="Any BitMart-compatible server, e.g. one started by `bitmart-runner sim serve`.",
    )(func)
    func = click.option(
        "--exchange",
        type=click.Choice(["paper", "demo", "live"], case_sensitive=False),
        default=None,
        envvar="BITMART_EXCHANGE",
        help="paper (default, built-in simulator), demo or live.",
    )(func)
    return func


def output_options(func: F) -> F:
    """--json / --no-color (NO_COLOR is honoured too)."""
    func = click.option("--no-color", is_flag=True, help="Plain output (also: NO_COLOR=1).")(func)
    func = click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(
        func
    )
    return func
