"""Time limits: one for the whole command (``CommandDeadline``, --timeout) and one per request
(``Deadline``: connection, headers and body together, --request-timeout).

The command's limit covers every request, every wait (rate limits, Cloudflare back-off, waiting
for a signature to expire) and every re-read; each request gets the smaller of its own limit and
the time the command has left.  A wait that would pass the limit is not started: ``TimeUp`` is
raised at once, naming the limit.

``requests`` only has per-read timeouts, so a reply trickling one byte every few seconds never
times out.  Here every connection the client opens is watched while a request is in flight: when
the request's deadline passes, a timer shuts the socket down, the blocked read returns at once, and
the request fails as a network error the retry layer already knows how to treat (a read is not
retried; a write's outcome is unknown and reconciled).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from runner.exchange.errors import TimeUp


class DeadlineExceeded(requests.Timeout):
    """The request's total time limit passed (connection, headers and body together)."""


class CommandDeadline:
    """The whole command's time for talking to the exchange, on the policy's clock.

    ``cut()`` records that a request was ended because the command's time ran out (its own timer
    used the time left): from then on the limit has passed, whatever the clock says.  Time spent
    at the CONFIRM prompt does not count (``paused``)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._at = clock() + seconds
        self._cut = False

    def left(self) -> float:
        return 0.0 if self._cut else max(0.0, self._at - self._clock())

    @property
    def passed(self) -> bool:
        return self.left() <= 0

    def cut(self) -> None:
        self._cut = True

    def check(self, doing: str) -> None:
        """Raise ``TimeUp`` when the limit has passed (``doing``: what is therefore not done)."""
        if self.passed:
            raise TimeUp(self.seconds, doing)

    def allow_wait(self, seconds: float, reason: str) -> None:
        """Raise ``TimeUp`` when a wait of ``seconds`` would end after the limit."""
        left = self.left()
        if seconds > left:
            raise TimeUp(
                self.seconds,
                f"not waiting {seconds:.0f} s ({reason}): {left:.0f} s left",
            )

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time in here (a person at the CONFIRM prompt) is not the exchange's time."""
        started = self._clock()
        try:
            yield
        finally:
            self._at += self._clock() - started


def timed_sleep(
    sleep: Callable[[float], None], command: CommandDeadline | None
) -> Callable[..., None]:
    """``sleep`` that refuses (``TimeUp``) a wait the command's limit cannot hold."""

    def wait(seconds: float, reason: str = "waiting") -> None:
        if command is not None:
            command.allow_wait(seconds, reason)
        sleep(seconds)

    return wait


class Deadline:
    """One request's time limit; ``expired`` once the timer fired."""

    def __init__(self, seconds: float, clock: Any = time.monotonic) -> None:
        self.seconds = seconds
        self._at = clock() + seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._timers: list[threading.Timer] = []
        self.expired = False

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        left = max(0.0, self._at - self._clock())
        timer = threading.Timer(left, self._fire, args=(sock,))
        timer.daemon = True
        with self._lock:
            self._timers.append(timer)
        timer.start()

    def _fire(self, sock: socket.socket) -> None:
        self.expired = True
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # the blocked recv returns now

    def cancel(self) -> None:
        with self._lock:
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()


_CURRENT: ContextVar[Deadline | None] = ContextVar("runner_request_deadline", default=None)


@contextmanager
def within(deadline: Deadline) -> Iterator[Deadline]:
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)
        deadline.cancel()


def _watch(sock: socket.socket | None) -> None:
    deadline = _CURRENT.get()
    if deadline is not None:
        deadline.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a kept-alive connection: connect() is not called again
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections honour the current request's ``Deadline``."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }
