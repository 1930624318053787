"""What every exchange-facing command resolves first: target, credentials, runner home; the
read-only client and the rate-limit memory that goes with them."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from runner.config import (
    PAPER_MEMO,
    PAPER_SECRET,
    Credentials,
    ExchangeKind,
    Target,
    load_credentials,
    paper_db_path,
    resolve_target,
    runner_home,
)

if TYPE_CHECKING:
    import requests

    from runner.exchange import ReadClient, Recorder, RetryPolicy


def notify(line: str) -> None:
    """Progress and waits go to stderr, so stdout stays the diff / the JSON document."""
    click.echo(line, err=True)


def progress_sleep(
    stream_is_tty: Callable[[], bool] = lambda: sys.stderr is not None and sys.stderr.isatty(),
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


def _wall_s(policy: RetryPolicy) -> float:
    return policy.wall_ms() / 1000


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Session:
    target: Target
    creds: Credentials | None
    home: Path
    record_dir: Path | None = None  # --record DIR
    command: str = "run"
    _recorder: list[Recorder] = field(default_factory=list, compare=False, repr=False)

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
        # the paper exchange's fixed credentials are public (and "paper" is a common word)
        public = {PAPER_SECRET, PAPER_MEMO}
        return tuple(v for v in (self.creds.secret, self.creds.memo) if v and v not in public)

    def http(self) -> requests.Session | None:
        """The transport: the in-process simulator for paper, else None (a fresh HTTP session)."""
        if self.target.kind is not ExchangeKind.PAPER:
            return None
        from runner.sim.adapter import paper_session

        return paper_session(paper_db_path())

    @contextmanager
    def reader(self) -> Iterator[ReadClient]:
        """A read-only client (it has no write method). The write-capable client is opened in
        the write path only (``runner.execute.flow.open_trader``)."""
        from runner.exchange import open_read_client

        policy = retry_policy()
        with (
            self.shared_limits(policy),
            open_read_client(
                self.target,
                self.creds,
                notify=notify,
                retry=policy,
                http=self.http(),
                recorder=self.recorder(),
            ) as client,
        ):
            yield client

    def recorder(self) -> Recorder | None:
        """With ``--record DIR``: the run's one recording (shared by its read and write
        clients, so a run is one file); None otherwise."""
        if self.record_dir is None:
            return None
        if not self._recorder:
            from runner.exchange import Recorder

            self._recorder.append(
                Recorder(
                    self.record_dir,
                    masked_key=self.masked_key or "-",
                    hidden=self.secrets(),
                    key=self.creds.key if self.creds is not None else None,
                    target=self.target.name,
                    command=self.command,
                    on_failure=notify,
                )
            )
            notify(f"recording requests and replies to {self._recorder[0].path}")
        return self._recorder[0]

    @contextmanager
    def shared_limits(self, policy: RetryPolicy) -> Iterator[None]:
        """Carry the client's rate-limit windows from one run to the next on this account, so
        runs started back to back (cron, CI, scripts) wait instead of collecting 429s."""
        from runner.exchange.limits import SHARED

        if self.target.kind is ExchangeKind.PAPER:
            yield  # in-process, no rate limits to respect
            return
        path = self.home / "ratelimits" / f"{self.account_id}.json"
        # first run, or unreadable: the exchange's headers and 429 handling still protect
        with suppress(OSError, ValueError):
            saved = json.loads(path.read_text("utf-8"))
            SHARED.restore(saved, now=policy.clock(), wall_s=_wall_s(policy))
        try:
            yield
        finally:
            state = SHARED.export(now=policy.clock(), wall_s=_wall_s(policy))
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
                tmp.write_text(json.dumps(state), "utf-8")
                os.replace(tmp, path)
            except OSError:
                pass  # best effort: losing it costs at most a wait or a retried 429


def open_session(exchange: str | None, base_url: str | None, env_file: Path | None) -> Session:
    target = resolve_target(exchange, base_url)
    creds = load_credentials(target, env_file)
    context = click.get_current_context(silent=True)
    record_dir = context.meta.get(RECORD_KEY) if context is not None else None
    return Session(
        target,
        creds,
        runner_home(),
        record_dir=record_dir,
        command=(context.info_name or "run") if context is not None else "run",
    )


# click context meta key where the --record option (commands/common.py) leaves its directory
RECORD_KEY = "runner.record_dir"
