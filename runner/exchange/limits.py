"""Client-side rate limiting: stay inside the published limits instead of collecting 429s.

One sliding window per (base URL, endpoint), in a registry shared by every client of the process
(``SHARED``), so parallel readers and a writer on the same account draw from one budget.  A
sliding window that admits at most N requests in any window-long span also never exceeds the
exchange's fixed windows.  The exchange's own counters (``X-BM-RateLimit-*``, where "Remaining" is
the USED count, facts 5.2 and 16 #26) can only make us wait longer, never shorter.

Clock and sleep are passed in by the caller, so tests drive the windows with a fake clock.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runner.values import value

Key = tuple[str, str]  # (base URL, endpoint path)

# Every wait this module imposes is capped: the exchange's windows are seconds long (facts 5), so a
# header or a saved file asking for more is broken or hostile, and obeying it would hold the
# account lock for days (X-BM-RateLimit-Reset: 1e9).  The 429 handling stays the backstop.
MAX_WAIT_S = 60.0
_MAX_LIMIT = 100_000


OWN_WINDOW_MARGIN_S = 0.05  # clock granularity and the server's own bookkeeping

@dataclass
class _Window:
    limit: int
    window_s: float
    stamps: deque[float] = field(default_factory=deque)
    blocked_until: float = -math.inf

    def reserve(self, now: float) -> float:
        """Take a slot and return 0, or return how long to wait for one."""
        if self.blocked_until > now:
            return self.blocked_until - now
        while self.stamps and self.stamps[0] <= now - self.window_s:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            self.stamps.append(now)
            return 0.0
        return self.stamps[0] + self.window_s - now


class LimiterRegistry:
    """Thread-safe windows keyed by (base URL, path); sleeping happens outside the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[Key, _Window] = {}

    def _window(self, key: Key, limit: int, window_s: float) -> _Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(limit, window_s)
        return window

    def acquire(
        self,
        key: Key,
        limit: int,
        window_s: float,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        on_wait: Callable[[float], None],
    ) -> float:
        """Block until a request may go out; return the seconds waited.

        ``on_wait(seconds)`` is called once, before the first wait, with the expected wait.
        """
        waited = 0.0
        while True:
            with self._lock:
                wait = self._window(key, limit, window_s).reserve(clock())
            if wait <= 0:
                return waited
            if waited == 0.0:
                on_wait(wait)
            sleep(wait)
            waited += wait

    def free(self, key: Key, limit: int, window_s: float, *, now: float) -> int:
        """How many requests of ``key`` would go out now without a wait (no slot is taken)."""
        with self._lock:
            window = self._windows.get(key)
            if window is None:
                return limit
            if window.blocked_until > now:
                return 0
            live = sum(1 for t in window.stamps if t > now - window.window_s)
            return max(0, window.limit - live)

    def block(self, key: Key, limit: int, window_s: float, seconds: float, *, now: float) -> None:
        """Hold every request of ``key`` back for ``seconds`` (a 429, or the server's counters)."""
        seconds = min(max(seconds, 0.0), MAX_WAIT_S)
        with self._lock:
            window = self._window(key, limit, window_s)
            window.blocked_until = max(window.blocked_until, now + seconds)

    def observe(
        self,
        key: Key,
        limit: int,
        window_s: float,
        headers: RateHeaders,
        *,
        now: float,
    ) -> None:
        """Respect the server's view: once its used count reaches its limit, wait out its window."""
        if headers.used is None or headers.limit is None:
            return
        if headers.used >= headers.limit:
            length = headers.reset_s if headers.reset_s is not None else window_s
            seconds = min(length, self._own_window_left(key, headers.used, length, now))
            self.block(key, limit, window_s, seconds, now=now)

    def _own_window_left(self, key: Key, used: int, length: float, now: float) -> float:
        """How long the server's window can still last when every request it counts is one of
        ours (the reset header gives the window's length, not its end).  Its oldest counted
        request left at our oldest stamp and arrived at most one round trip later (the newest
        request's took ``now - newest``), so the window ends by ``oldest + length + that round
        trip``, plus a margin.  Fewer stamps than ``used``: others share the key, so its whole
        length."""
        with self._lock:
            window = self._windows.get(key)
            stamps = [t for t in window.stamps if t > now - length] if window else []
        if not stamps or len(stamps) < used:
            return length
        round_trip = now - stamps[-1]
        return stamps[0] + length + round_trip + OWN_WINDOW_MARGIN_S - now

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()

    # -- across processes: cron runs back to back must not spend the exchange's windows twice --
    def export(self, *, now: float, wall_s: float) -> dict[str, Any]:
        """The windows still open at ``now``, as ages in seconds (a monotonic clock's readings
        mean nothing to another process); ``wall_s`` dates the snapshot."""
        windows = []
        with self._lock:
            for (base, path), window in self._windows.items():
                ages = [now - t for t in window.stamps if now - t < window.window_s]
                blocked = max(0.0, window.blocked_until - now)
                if ages or blocked:
                    windows.append(
                        {
                            "base": base,
                            "path": path,
                            "limit": window.limit,
                            "window_s": window.window_s,
                            "ages": ages,
                            "blocked_s": blocked,
                        }
                    )
        return {"wall_s": wall_s, "windows": windows}

    def restore(self, data: Mapping[str, Any], *, now: float, wall_s: float) -> bool:
        """Take over what an earlier process spent.  Returns False, restoring nothing, when the
        data is damaged or impossible (a limit of 0, an infinite block): the caller sets the file
        aside, and the exchange's own headers and 429 handling remain the backstop."""
        try:
            elapsed = max(0.0, wall_s - _finite(data["wall_s"]))
            entries = [_SavedWindow.parse(entry) for entry in list(data["windows"])]
        except (KeyError, TypeError, ValueError):
            return False
        with self._lock:
            for entry in entries:
                if entry.key in self._windows:
                    continue  # this process already counts that endpoint itself
                window = self._window(entry.key, entry.limit, entry.window_s)
                for age in sorted(entry.ages, reverse=True):
                    if age + elapsed < entry.window_s:
                        window.stamps.append(now - age - elapsed)
                blocked = entry.blocked_s - elapsed
                if blocked > 0:
                    window.blocked_until = max(window.blocked_until, now + blocked)
        return True


def _finite(raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise TypeError("not a number")
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


@value
class _SavedWindow:
    key: Key
    limit: int
    window_s: float
    ages: tuple[float, ...]
    blocked_s: float

    @classmethod
    def parse(cls, entry: Mapping[str, Any]) -> _SavedWindow:
        limit = entry["limit"]
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= _MAX_LIMIT:
            raise ValueError("limit out of range")
        window_s = _finite(entry["window_s"])
        blocked_s = _finite(entry["blocked_s"])
        ages = tuple(_finite(a) for a in entry["ages"])
        if not 0 < window_s <= MAX_WAIT_S or not 0 <= blocked_s <= MAX_WAIT_S:
            raise ValueError("window or block out of range")
        if len(ages) > limit or any(not 0 <= age <= window_s for age in ages):
            raise ValueError("impossible request ages")
        return cls((str(entry["base"]), str(entry["path"])), limit, window_s, ages, blocked_s)


@value
class RateHeaders:
    used: int | None  # X-BM-RateLimit-Remaining: despite its name, the count already used
    limit: int | None
    reset_s: float | None  # the window's length in seconds (not a timestamp)


def _number(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)  # a header count or duration, never money
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def parse_rate_headers(headers: object) -> RateHeaders:
    """The three counters from a response's headers (any may be missing or garbled)."""
    get = getattr(headers, "get", None)
    if get is None:
        return RateHeaders(None, None, None)
    used = _number(get("X-BM-RateLimit-Remaining"))
    limit = _number(get("X-BM-RateLimit-Limit"))
    reset = _number(get("X-BM-RateLimit-Reset"))
    return RateHeaders(
        None if used is None else int(used), None if limit is None else int(limit), reset
    )


SHARED = LimiterRegistry()
