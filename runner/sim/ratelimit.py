"""Fixed-window rate limits per (endpoint, target) as in facts section 5, on an injected clock.

A window opens at the first request after the previous one expired and lasts the route's window;
the count includes the current request.  The headers report the USED count as
``X-BM-RateLimit-Remaining`` (the exchange's own, misleading, naming).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from runner.sim.routes import RateLimit


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    used: int
    limit: RateLimit

    def headers(self) -> dict[str, str]:
        return {
            "X-BM-RateLimit-Remaining": str(self.used),
            "X-BM-RateLimit-Limit": str(self.limit.count),
            "X-BM-RateLimit-Reset": str(self.limit.window_s),
            "X-BM-RateLimit-Mode": self.limit.target.value,
        }


class RateLimiter:
    """Thread-safe counters; ``enforce=False`` still counts (for the headers) but never rejects."""

    def __init__(self, *, enforce: bool = True) -> None:
        self.enforce = enforce
        self._lock = threading.Lock()
        # (bucket name, target value) -> (window start ms, used)
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}

    def hit(self, bucket: str, subject: str, limit: RateLimit, now_ms: int) -> Verdict:
        """Count one request; rejected requests do not consume budget."""
        with self._lock:
            start, used = self._current(bucket, subject, limit, now_ms)
            if self.enforce and used >= limit.count:
                return Verdict(False, used, limit)
            self._windows[(bucket, subject)] = (start, used + 1)
            return Verdict(True, used + 1, limit)

    def peek(self, bucket: str, subject: str, limit: RateLimit, now_ms: int) -> Verdict:
        """The current window's state, for headers on requests rejected before counting."""
        with self._lock:
            _, used = self._current(bucket, subject, limit, now_ms)
            return Verdict(True, used, limit)

    def _current(self, bucket: str, subject: str, limit: RateLimit, now_ms: int) -> tuple[int, int]:
        window = self._windows.get((bucket, subject))
        if window is None or now_ms >= window[0] + limit.window_s * 1000 or now_ms < window[0]:
            return now_ms, 0
        return window
