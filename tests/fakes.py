"""Test doubles shared across the suite."""

from __future__ import annotations

import threading

START_MS = 1_700_000_000_000  # a fixed Unix time in ms, for X-BM-TIMESTAMP and server time


class FakeTime:
    """A clock that moves only when slept on: waits cost nothing, yet the runner and the
    simulator agree they happened (rate-limit windows, request timestamps). ``now`` is the
    monotonic clock in seconds, ``wall`` the Unix time in ms; thread-safe for the e2e tests."""

    def __init__(self, *, now: float = 1000.0, wall: int = START_MS) -> None:
        self.now = now
        self.wall = wall
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def wall_ms(self) -> int:
        with self._lock:
            return self.wall

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds
            self.wall += int(seconds * 1000)
