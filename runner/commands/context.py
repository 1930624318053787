"""What every exchange-facing command resolves first: target, credentials, home, output style."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from runner.config import Credentials, Target, load_credentials, resolve_target, runner_home
from runner.render.style import Style, color_enabled

if TYPE_CHECKING:
    from runner.exchange import ReadClient, TradeClient


def notify(line: str) -> None:
    """Progress and waits go to stderr, so stdout stays the diff / the JSON document."""
    click.echo(line, err=True)


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Session:
    target: Target
    creds: Credentials | None
    home: Path
    style: Style

    @property
    def account_id(self) -> str:
        if self.creds is None or not self.creds.key:
            return "anonymous"
        return self.creds.account_id

    @property
    def masked_key(self) -> str | None:
        return self.creds.masked_key if self.creds is not None and self.creds.key else None

    def secrets(self) -> tuple[str, ...]:
        """Values that must never be written anywhere (journal redaction)."""
        if self.creds is None:
            return ()
        return tuple(v for v in (self.creds.secret, self.creds.memo) if v)

    def reader(self) -> ReadClient:
        from runner.exchange import open_read_client

        return open_read_client(self.target, self.creds, notify=notify)

    def trader(self) -> TradeClient:
        from runner.exchange import open_trade_client

        return open_trade_client(self.target, self.creds, notify=notify)


def open_session(
    exchange: str | None, base_url: str | None, env_file: Path | None, *, no_color: bool
) -> Session:
    target = resolve_target(exchange, base_url)
    creds = load_credentials(target, env_file)
    return Session(
        target, creds, runner_home(), Style(color_enabled(sys.stdout, no_color=no_color))
    )
