"""One command run under `--notify`: remember positions, run, tee the output, send if needed."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from runner.errors import ExitCode, RunnerError
from runner.notify import (
    ENV,
    F,
    Outcome,
    PositionMemory,
    Sender,
    apprise_sender,
    captured,
    closed_since,
    message,
    notify_urls,
    redactor,
    shown_url,
)
from runner.session import Session, local_now


def _session(kwargs: dict[str, Any]) -> Session | None:
    """The session the command opens (``account``: commands/common.ExchangeChoice)."""
    try:
        with redirect_stderr(io.StringIO()):  # the command prints its own warnings (.env mode)
            session: Session = kwargs["account"].open()
            return session
    except RunnerError:
        return None  # the command itself reports the same problem


def _positions(session: Session) -> dict[str, Decimal] | None:
    """Open positions as {"BTCUSDT long": size}, or None when the account cannot be read."""
    from runner.account import read_account

    try:
        with session.reader() as client:
            snapshot = read_account(
                client,
                target=session.target.name,
                spot=session.target.spot_base_url is not None,
                now=local_now,
            )
    except RunnerError:
        return None
    return {f"{p.symbol} {p.side.value}": p.size for p in snapshot.positions if p.size > 0}


def watched(
    command: str,
    send: Sender,
    urls: Sequence[str],
    func: Callable[..., Any],
    args: Sequence[Any],
    kwargs: dict[str, Any],
) -> Any:
    session = _session(kwargs)
    memory = PositionMemory(session.home, session.account_id) if session else None
    previous = memory.load() if memory else None
    # what the market did since the last run: read before this run acts (status reads anyway)
    wanted = session is not None and (previous is not None or command == "status")
    before = _positions(session) if session and wanted else None
    closed = closed_since(previous, before) if previous is not None and before is not None else []

    result: Any = None
    error: BaseException | None = None
    code = 0
    with captured() as copy:
        try:
            result = func(*args, **kwargs)
        except click.exceptions.Exit as exc:
            code, error = exc.exit_code, exc
        except RunnerError as exc:
            code, error = int(exc.exit_code), exc
            copy.write(f"error: {exc}\n")
        except KeyboardInterrupt as exc:
            code, error = int(ExitCode.INTERRUPTED), exc
        except Exception as exc:  # reported as exit 70 by the CLI; worth a notification too
            code, error = int(ExitCode.INTERNAL), exc
            copy.write(f"internal error: {type(exc).__name__}\n")
    output = copy.getvalue()

    if memory is not None and session is not None:
        reachable = code != ExitCode.EXCHANGE
        after = _positions(session) if command == "apply" and reachable else before
        if after is not None:
            memory.save(after)
    ctx = click.get_current_context(silent=True)
    applied = int(ctx.meta.get("runner.notify.applied", 0)) if ctx else 0
    target = session.target.name if session else str(kwargs["account"].exchange or "paper")
    outcome = Outcome(command, code, applied, closed, target, output)
    if outcome.events():
        _deliver(send, urls, outcome, _subject(kwargs), session)
    if error is not None:
        raise error
    return result


def _subject(kwargs: dict[str, Any]) -> str:
    plan = kwargs.get("plan_file")
    return str(plan) if isinstance(plan, Path | str) else ""


def _deliver(
    send: Sender, urls: Sequence[str], outcome: Outcome, subject: str, session: Session | None
) -> None:
    creds = session.creds if session else None
    clean = redactor(
        session.secrets() if session else (),  # the secret and memo (not paper's public ones)
        creds.key if creds else None,
        creds.masked_key if creds else None,
    )
    title, body = message(outcome, subject, clean)
    try:
        delivered = send(title, body, outcome.kind)
    except Exception:  # a notifier must never turn a finished run into a crash
        delivered = False
    if not delivered:
        where = ", ".join(shown_url(url) for url in urls)
        click.echo(f"warning: the notification could not be delivered ({where})", err=True)


def notify_option(command: str) -> Callable[[F], F]:
    """Adds `--notify URL` to a command and notifies after it runs (see the module docstring)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, notify: tuple[str, ...], **kwargs: Any) -> Any:
            urls = notify_urls(notify)
            if not urls:
                return func(*args, **kwargs)
            send = apprise_sender(urls)
            return watched(command, send, urls, func, args, kwargs)

        option = click.option(
            "--notify",
            multiple=True,
            metavar="URL",
            help=f"Notify through apprise (repeatable; or {ENV}, space/comma separated) when "
            "changes are applied, the run fails, or a position closed since the last run.",
        )
        return option(wrapper)  # type: ignore[return-value]

    return decorate
