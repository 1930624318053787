"""`--notify URL` on `apply` and `status`: tell a person when an unattended run needs one.

Delivery is apprise's (Slack, Telegram, Discord, e-mail, webhooks ... one URL each), an optional
extra: `pip install "bitmart-runner[notify]"`.  A run notifies when

- `apply` applied changes;
- the run failed: exit 1 (the plan cannot be applied as it is) or 3 and above;
- a position that was open at the previous notifying run on this account is now smaller or gone.
  The exchange does not tell us cheaply *why* (stop-loss, take-profit, liquidation, or by hand),
  so the message says "closed since the last run" and lists what changed.  The last positions
  seen are kept under the runner home (`notify/<account>.json`).

The message is a one-line summary and the run's report.  Nothing secret leaves: the API secret and
memo are blanked as whole tokens, the key is shown masked, and notification URLs (which hold the
services' tokens) are never printed, only their scheme.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar

import click

from runner.errors import UsageError
from runner.redact import Redactor
from runner.values import value

ENV = "BITMART_RUNNER_NOTIFY"
MAX_BODY = 3500  # chat services cut long messages; the head of a report says the most
_SPLIT = re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")
F = TypeVar("F", bound=Callable[..., Any])


class Sender(Protocol):
    def __call__(self, title: str, body: str, kind: str) -> bool: ...


def notify_urls(given: Sequence[str], environ: dict[str, str] | None = None) -> list[str]:
    """--notify values, else BITMART_RUNNER_NOTIFY; each may hold several URLs (space or comma)."""
    env = os.environ if environ is None else environ
    raw = list(given) or [env.get(ENV, "")]
    return [url for value in raw for url in _SPLIT.split(value.strip()) if url]


def shown_url(url: str) -> str:
    """A notification URL without the tokens it carries: `slack://…`."""
    scheme, sep, _ = url.partition("://")
    return f"{scheme}://…" if sep else "(not a URL)"


def apprise_sender(urls: Sequence[str]) -> Sender:
    """A sender for these URLs, or UsageError (exit 64) when apprise is missing or a URL is bad."""
    try:
        with _quiet():
            import apprise  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise UsageError(
            "--notify needs apprise, which is not installed",
            hint='install the notify extra: pip install "bitmart-runner[notify]"',
        ) from None
    service = apprise.Apprise()
    for url in urls:
        with _quiet():
            known = service.add(url)
        if not known:
            raise UsageError(f"--notify: apprise does not understand the URL {shown_url(url)}")

    def send(title: str, body: str, kind: str) -> bool:
        with _quiet():
            return bool(service.notify(title=title, body=body, notify_type=kind))

    return send


@contextmanager
def _quiet() -> Iterator[None]:
    """apprise loads its plugins lazily; their imports' deprecations are not the user's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


@value
class Closed:
    position: str  # "BTCUSDT long"
    before: Decimal
    now: Decimal

    def __str__(self) -> str:
        return f"{self.position}: {self.before} -> {self.now} contracts"


def closed_since(previous: dict[str, Decimal], current: dict[str, Decimal]) -> list[Closed]:
    return [
        Closed(key, size, current.get(key, Decimal(0)))
        for key, size in sorted(previous.items())
        if current.get(key, Decimal(0)) < size
    ]


class PositionMemory:
    """The positions seen by the last notifying run on one account (a small JSON file)."""

    def __init__(self, home: Path, account_id: str) -> None:
        self.path = home / "notify" / f"{account_id}.json"

    def load(self) -> dict[str, Decimal] | None:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return {key: Decimal(size) for key, size in data["positions"].items()}
        except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
            return None  # first run, or an unreadable file: nothing to compare with

    def save(self, positions: dict[str, Decimal]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps({"positions": {k: str(v) for k, v in sorted(positions.items())}})
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(text, "utf-8")
        tmp.replace(self.path)


@dataclass
class Outcome:
    command: str
    code: int
    applied: int
    closed: list[Closed]
    target: str
    output: str

    @property
    def kind(self) -> str:
        """apprise's notification type: failure, warning (positions closed) or success."""
        if self.code == 1 or self.code >= 3:
            return "failure"
        return "warning" if self.closed else "success"

    def events(self) -> list[str]:
        found = []
        if self.applied:
            found.append(f"applied {self.applied} change{'s' if self.applied != 1 else ''}")
        if self.code == 1 or self.code >= 3:
            found.append(f"FAILED (exit {self.code}: {_MEANING.get(self.code, 'error')})")
        if self.closed:
            found.append(f"{len(self.closed)} position(s) closed since the last run")
        return found


_MEANING = {
    1: "plan invalid",
    3: "saved plan stale",
    4: "stopped part-way",
    5: "not confirmed",
    6: "exchange, network or credential error",
    7: "another run holds the lock",
    64: "usage error",
    70: "internal error",
    130: "interrupted",
}


def message(outcome: Outcome, subject: str, redact: Callable[[str], str]) -> tuple[str, str]:
    """(title, body): the one-line summary, then what closed and the run's report."""
    command = " ".join(part for part in ("bitmart-runner", outcome.command, subject) if part)
    title = f"{command} on {outcome.target}: " + "; ".join(outcome.events())
    lines = []
    if outcome.closed:
        lines.append(
            "Positions smaller or gone since the last run (stop-loss, take-profit, liquidation "
            "or by hand):"
        )
        lines += [f"  {closed}" for closed in outcome.closed]
        lines.append("")
    report = outcome.output.strip()
    if len(report) > MAX_BODY:
        report = report[:MAX_BODY] + "\n… (cut; the full report is in the run's log)"
    lines.append(report)
    return redact(title), redact("\n".join(lines))


class _Tee(io.TextIOBase):
    def __init__(self, inner: TextIO, copy: io.StringIO) -> None:
        self.inner, self.copy = inner, copy

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.inner.write(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")


@contextmanager
def captured() -> Iterator[io.StringIO]:
    """Everything the command prints, still printed, and copied for the notification."""
    copy = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Tee(saved[0], copy), _Tee(saved[1], copy)
    try:
        yield copy
    finally:
        sys.stdout, sys.stderr = saved


def note_applied(count: int) -> None:
    """Called by `apply` with the number of actions it applied (read by the notifier)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta["runner.notify.applied"] = count


def redactor(secrets: Sequence[str], key: str | None, masked: str | None) -> Callable[[str], str]:
    """Blanks the secret and memo (whole tokens) and shows the key only masked."""
    blank = Redactor([s for s in secrets if s])

    def clean(text: str) -> str:
        if key and masked:
            text = text.replace(key, masked)
        return blank(text)

    return clean
