"""What every exchange-facing command resolves first: target, credentials, home, output style."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from runner.config import Credentials, Target, load_credentials, resolve_target, runner_home
from runner.render.style import Style, color_enabled

if TYPE_CHECKING:
    from runner.exchange import ReadClient, RetryPolicy, TradeClient


def notify(line: str) -> None:
    """Progress and waits go to stderr, so stdout stays the diff / the JSON document."""
    click.echo(line, err=True)


def progress_sleep(
    stream_is_tty: Callable[[], bool] = lambda: sys.stderr.isatty(),
    write: Callable[[str], None] = lambda text: click.echo(text, err=True, nl=False),
    sleep: Callable[[float], None] = time.sleep,
) -> Callable[[float], None]:
    """A sleep that shows a countdown on a terminal during long waits (Cloudflare back-off, rate
    limits); elsewhere (cron, CI logs) the client's one plain "waiting N s: why" line is enough."""

    def wait(seconds: float) -> None:
        if seconds < 2 or not stream_is_tty():
            sleep(seconds)
            return
        left = seconds
        while left > 0:
            write(f"\r  ... {math.ceil(left):4d} s left ")
            step = min(1.0, left)
            sleep(step)
            left -= step
        write("\r" + " " * 20 + "\r")

    return wait


def retry_policy() -> RetryPolicy:
    """The client's retry/wait settings for a command run (tests swap this for instant waits)."""
    from runner.exchange import RetryPolicy

    return RetryPolicy(sleep=progress_sleep())


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

        return open_read_client(self.target, self.creds, notify=notify, retry=retry_policy())

    def trader(self) -> TradeClient:
        from runner.exchange import open_trade_client

        return open_trade_client(self.target, self.creds, notify=notify, retry=retry_policy())


def open_session(
    exchange: str | None, base_url: str | None, env_file: Path | None, *, no_color: bool
) -> Session:
    target = resolve_target(exchange, base_url)
    creds = load_credentials(target, env_file)
    return Session(
        target, creds, runner_home(), Style(color_enabled(sys.stdout, no_color=no_color))
    )
