"""`bitmart-runner status`: what is on the account now (read-only)."""

from __future__ import annotations

from pathlib import Path

import click

from runner.account import read_account
from runner.commands.common import (
    EXCHANGE_ENV,
    epilog,
    exchange_options,
    output_format,
    output_options,
    reporter_for,
)
from runner.errors import ExitCode
from runner.notify_run import notify_option
from runner.records.activity import last_apply_ms, read_activity
from runner.render.views.status import AccountStatus, StatusView
from runner.session import local_now, open_session

EXAMPLES = (
    "bitmart-runner status",
    "bitmart-runner status --exchange live --env-file ~/.config/bitmart/live.env",
    "bitmart-runner status --format json | jq '.positions'",
)


@click.command("status", epilog=epilog(EXAMPLES, EXCHANGE_ENV))
@exchange_options
@output_options
@notify_option("status")
def status(
    exchange: str | None,
    base_url: str | None,
    env_file: Path | None,
    fmt: str,
    as_json: bool,
    no_color: bool,
) -> None:
    """Positions, open orders, TP/SL and plan orders, balances and position mode."""
    fmt = output_format(fmt, as_json)
    reporter = reporter_for(fmt, as_json, no_color)
    session = open_session(exchange, base_url, env_file)
    with session.reader() as client:
        snapshot = read_account(
            client,
            target=session.target.name,
            spot=session.target.spot_base_url is not None,
            now=local_now,
        )
        activity = read_activity(client, last_apply_ms(session.home, session.account_id))
    reporter.report(StatusView(), AccountStatus(snapshot, activity), exit_code=ExitCode.OK)
