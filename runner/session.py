"""What every exchange-facing command resolves first: target, credentials, runner home; the
read-only client and the rate-limit memory that goes with them."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import field
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
    foreign_host_warning,
    load_credentials,
    paper_db_path,
    resolve_target,
    runner_home,
)
from runner.values import value

if TYPE_CHECKING:
    import requests

    from runner.exchange import ReadClient, Recorder, RetryPolicy
    from runner.exchange.deadline import CommandDeadline


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


@value
class Session:
    target: Target
    creds: Credentials | None
    home: Path
    record_dir: Path | None = None  # --record DIR
    command: str = "run"
    _recorder: list[Recorder] = field(default_factory=list, compare=False, repr=False)
    quiet: bool = False  # apply --quiet: no "waiting ... rate limit" lines (cron mails stay empty)
    timeout_s: float | None = None  # --timeout: the whole command's time for the exchange
    request_timeout_s: float | None = None  # --request-timeout: each request's (None: default)
    _deadline: list[CommandDeadline] = field(default_factory=list, compare=False, repr=False)

    def policy(self) -> RetryPolicy:
        """The command's retry policy; its --timeout starts with the first call (after the
        lock: waiting for another run is --lock-timeout's, not --timeout's)."""
        policy = retry_policy()
        if self.request_timeout_s is not None:
            policy = dataclasses.replace(policy, total_timeout_s=self.request_timeout_s)
        deadline = self.deadline(policy)
        return policy if deadline is None else dataclasses.replace(policy, command=deadline)

    def deadline(self, policy: RetryPolicy | None = None) -> CommandDeadline | None:
        """The command's one deadline (--timeout), shared by all its clients and waits."""
        if self.timeout_s is None:
            return None
        if not self._deadline:
            from runner.exchange.deadline import CommandDeadline

            clock = (policy or retry_policy()).clock
            self._deadline.append(CommandDeadline(self.timeout_s, clock))
        return self._deadline[0]

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

        policy = self.policy()
        with (
            self.shared_limits(policy),
            open_read_client(
                self.target,
                self.creds,
                notify=self.notify,
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

    def _set_aside(self, path: Path) -> None:
        """A damaged rate-limit file is moved out of the way (kept for a bug report) and rebuilt
        from the exchange's replies during this run."""
        aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
        try:
            os.replace(path, aside)
        except OSError as exc:
            from runner.errors import RunnerHomeBroken

            raise RunnerHomeBroken(
                f"the rate-limit file {path} is damaged and cannot be moved aside: {exc.strerror}",
                hint=f"remove {path} (it is rebuilt from the exchange's replies)",
            ) from None
        self.notify(f"warning: {path} was damaged; set aside as {aside.name} and rebuilt")

    def notify(self, line: str) -> None:
        """Progress lines; under --quiet the client's "waiting N s" lines are dropped."""
        if self.quiet and line.startswith("waiting "):
            return
        notify(line)

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
        saved: object = None
        with suppress(OSError, ValueError, RecursionError):
            saved = json.loads(path.read_text("utf-8"))
        if path.exists() and not (
            isinstance(saved, dict)
            and SHARED.restore(saved, now=policy.clock(), wall_s=_wall_s(policy))
        ):
            self._set_aside(path)
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
    context = click.get_current_context(silent=True)
    insecure = bool(context.meta.get(INSECURE_KEY)) if context is not None else False
    target = resolve_target(exchange, base_url, insecure=insecure)
    creds = load_credentials(target, env_file)
    if target.kind is ExchangeKind.CUSTOM and creds is not None and creds.key:
        warning = foreign_host_warning(target.base_url)
        if warning:
            notify(warning)
    record_dir = context.meta.get(RECORD_KEY) if context is not None else None
    return Session(
        target,
        creds,
        runner_home(),
        record_dir=record_dir,
        command=(context.info_name or "run") if context is not None else "run",
    )


# click context meta keys where --record and --insecure (commands/common.py) leave their values
RECORD_KEY = "runner.record_dir"
INSECURE_KEY = "runner.insecure"
