"""`bitmart-runner status`: what is on the account now (read-only)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from runner import DISCLAIMER
from runner.account import read_account
from runner.commands.common import exchange_options, output_options
from runner.compiler.snapshot import to_jsonable
from runner.records.activity import last_apply_ms, read_activity
from runner.render.activity_text import activity_json, render_activity
from runner.render.state_text import render_state
from runner.session import local_now, open_session


@click.command("status")
@exchange_options
@output_options
def status(
    exchange: str | None,
    base_url: str | None,
    env_file: Path | None,
    as_json: bool,
    no_color: bool,
) -> None:
    """Positions, open orders, TP/SL and plan orders, balances and position mode."""
    session = open_session(exchange, base_url, env_file, no_color=no_color or as_json)
    with session.reader() as client:
        snapshot = read_account(
            client,
            target=session.target.name,
            spot=session.target.spot_base_url is not None,
            now=local_now,
        )
        activity = read_activity(client, last_apply_ms(session.home, session.account_id))
    if as_json:
        document = {
            "format_version": 1,
            **to_jsonable(snapshot),
            "activity": activity_json(activity),
        }
        click.echo(json.dumps(document, indent=2))
        return
    click.echo("\n".join(render_state(snapshot, session.style)))
    click.echo("\n".join(render_activity(activity)))
    click.echo(DISCLAIMER)
