"""Retry, wait and timeout settings of a client, with the clocks and sleep it uses.

Production values follow the facts (Cloudflare: 30-60 s waits, at most 3 tries; timeouts on every
request).  Tests pass a policy with a fake clock and a recording ``sleep``, so nothing waits for
real and no assertion depends on wall-clock timing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import field
from typing import TYPE_CHECKING

from runner.values import value

if TYPE_CHECKING:
    from runner.exchange.deadline import CommandDeadline


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@value
class RetryPolicy:
    tries: int = 3  # attempts of one read (and re-sends of a write proven not performed)
    backoff_s: tuple[float, ...] = (1.0, 2.0)  # before the 2nd, 3rd try after network/5xx
    cloudflare_waits_s: tuple[float, ...] = (30.0, 60.0)  # facts 6.4: wait 30-60 s
    rate_limit_wait_s: float = 2.0  # a 429 without X-BM-RateLimit-Reset: one 2 s window
    max_wait_s: float = 60.0  # cap on a server-announced wait
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 15.0
    total_timeout_s: float = 30.0  # one request: connect + headers + body (--request-timeout)
    # the whole command's time for the exchange (--timeout); None: no limit beyond each request's
    command: CommandDeadline | None = field(default=None, compare=False)
    notify_after_s: float = 1.0  # waits longer than this are announced, never silent
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic  # seconds, for rate-limit windows
    wall_ms: Callable[[], int] = wall_clock_ms  # Unix ms, for X-BM-TIMESTAMP

    def __post_init__(self) -> None:
        if self.tries < 1:
            raise ValueError("tries must be at least 1")

    @property
    def timeout(self) -> tuple[float, float]:
        total = self.total_timeout_s
        return (min(self.connect_timeout_s, total), min(self.read_timeout_s, total))

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (1-based)."""
        return _nth(self.backoff_s, attempt)

    def cloudflare_wait(self, attempt: int) -> float:
        return _nth(self.cloudflare_waits_s, attempt)


def _nth(waits: tuple[float, ...], attempt: int) -> float:
    if not waits:
        return 0.0
    return waits[min(attempt, len(waits)) - 1]
