"""`bitmart-runner status`: what is on the account now (read-only)."""

from __future__ import annotations

from runner.account import read_account
from runner.commands.common import (
    ExchangeChoice,
    Output,
    exchange_command,
    exchange_options,
    output_options,
)
from runner.errors import ExitCode
from runner.notify_run import notify_option
from runner.records.activity import last_apply_ms, read_activity
from runner.render.views.status import AccountStatus, StatusView
from runner.session import local_now

EXAMPLES = (
    "bitmart-runner status",
    "bitmart-runner status --exchange live --env-file ~/.config/bitmart/live.env",
    "bitmart-runner status --format json | jq '.positions'",
)


@exchange_command("status", EXAMPLES)
@exchange_options
@output_options
@notify_option("status")
def status(account: ExchangeChoice, output: Output) -> None:
    """Positions, open orders, TP/SL and plan orders, balances and position mode."""
    reporter = output.reporter()
    session = account.open()
    with session.reader() as client:
        snapshot = read_account(
            client,
            target=session.target.name,
            spot=session.target.spot_base_url is not None,
            now=local_now,
        )
        activity = read_activity(client, last_apply_ms(session.home, session.account_id))
    reporter.report(StatusView(), AccountStatus(snapshot, activity), exit_code=ExitCode.OK)
