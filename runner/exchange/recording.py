"""``--record DIR``: every request the runner sends and every reply it gets, as JSON lines.

The transport calls ``Recorder.exchange`` once per HTTP exchange (retries are separate exchanges,
each recorded once), so a recording is what went over the wire, in order.  It is meant to be
attached to a bug report, so it is redacted when written, not afterwards:

* ``X-BM-KEY`` is masked (first 5 + last 4); ``X-BM-SIGN`` is never written (a signature with its
  timestamp and body would let anyone check guesses of the secret); the secret and the memo are
  never sent and are blanked out of every written string all the same, in case a server echoes
  them back.
* Only the headers below are kept; cookies and anything else a proxy adds are dropped.

Line 1 describes the run (``"kind": "run"``); every other line is one exchange
(``"kind": "http"``) with ``request`` and ``response`` (or ``error`` when nothing came back).
``runner.exchange.replay`` serves such a file back.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from runner import __version__
from runner.errors import ConfigError

FORMAT_VERSION = 1
_REQUEST_HEADERS = ("X-BM-KEY", "X-BM-TIMESTAMP", "X-BM-BROKER-ID", "User-Agent", "Content-Type")
_RESPONSE_HEADERS = (
    "Content-Type",
    "X-BM-RateLimit-Remaining",
    "X-BM-RateLimit-Limit",
    "X-BM-RateLimit-Reset",
    "X-BM-RateLimit-Mode",
    "Retry-After",
)


def _text(data: bytes | str | None) -> str | None:
    if data is None:
        return None
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


class Recorder:
    """Appends redacted exchanges to ``DIR/<UTC time>-<pid>.jsonl``; thread-safe."""

    def __init__(
        self,
        directory: Path,
        *,
        masked_key: str,
        hidden: tuple[str, ...],
        key: str | None,
        target: str,
        command: str,
        now: Callable[[], float] = time.time,
        on_failure: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.failed: str | None = None
        self._on_failure = on_failure
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.path = directory / f"{command}-{stamp}-{os.getpid()}.jsonl"
        self._masked_key = masked_key
        # the full key is replaced by its masked form; the secret and memo by ***
        self._replace = tuple((v, "***") for v in hidden if v) + (
            ((key, masked_key),) if key else ()
        )
        self._now = now
        self._lock = threading.Lock()
        self._seq = 0
        try:
            directory.mkdir(parents=True, exist_ok=True)
            # created private: a recording holds the account's balances and orders
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        except OSError as exc:  # before any request: the run stops with nothing sent
            raise ConfigError(
                f"--record {directory}: cannot write a recording there: {exc.strerror or exc}",
                hint="give a directory you can write to (it is created if missing)",
            ) from None
        self._write(
            {
                "kind": "run",
                "format_version": FORMAT_VERSION,
                "runner_version": __version__,
                "command": command,
                "target": target,
                "key": masked_key,
                "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )

    def clean(self, text: str) -> str:
        for value, replacement in self._replace:
            text = text.replace(value, replacement)
        return text

    def _headers(self, headers: Mapping[str, str], keep: tuple[str, ...]) -> dict[str, str]:
        lowered = {name.lower(): value for name, value in headers.items()}
        kept = {}
        for name in keep:
            value = lowered.get(name.lower())
            if value is not None:
                kept[name] = self._masked_key if name == "X-BM-KEY" else self.clean(str(value))
        return kept

    def exchange(
        self,
        *,
        method: str,
        url: str,
        query: Mapping[str, str] | None,
        headers: Mapping[str, str],
        body: bytes | None,
        response: requests.Response | None,
        error: BaseException | None,
        elapsed_s: float,
    ) -> None:
        parts = urlsplit(url)
        request = {
            "method": method,
            "base_url": f"{parts.scheme}://{parts.netloc}",
            "path": parts.path,
            "query": dict(query) if query else None,
            "headers": self._headers(headers, _REQUEST_HEADERS),
            "body": self.clean(_text(body) or "") if body else None,
        }
        line: dict[str, Any] = {
            "kind": "http",
            "at": round(self._now(), 3),
            "elapsed_ms": round(elapsed_s * 1000, 1),
            "request": request,
        }
        if response is not None:
            line["response"] = {
                "status": response.status_code,
                "headers": self._headers(response.headers, _RESPONSE_HEADERS),
                "body": self.clean(_text(response.content) or ""),
            }
        if error is not None:
            line["error"] = self.clean(f"{type(error).__name__}: {error}")
        self._write(line)

    def _write(self, line: dict[str, Any]) -> None:
        with self._lock:
            if self.failed is not None:
                return
            if line.get("kind") == "http":
                self._seq += 1
                line = {"seq": self._seq, **line}
            try:
                # opened per line: nothing to close; a crash loses at most the line in flight
                with open(self.path, "a", encoding="utf-8") as file:
                    file.write(json.dumps(line, ensure_ascii=False) + "\n")
            except OSError as exc:
                # A full disk must never turn a write the exchange performed into a crash of
                # the run: the recording stops, the run goes on, and says so once.
                self.failed = f"{type(exc).__name__}: {exc.strerror or exc}"
                self._on_failure(f"recording stopped: cannot write {self.path}: {self.failed}")
