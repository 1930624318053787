"""The exchange's clock as this client knows it: local wall time plus a measured offset.

Signed requests must be within a minute of BitMart's time (facts 4.4).  After a 30007, or when
asked at start, the client reads ``/system/time`` and keeps the offset, taking the midpoint of the
round trip as the moment the server read its clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class ExchangeClock:
    def __init__(self, wall_ms: Callable[[], int]) -> None:
        self._wall_ms = wall_ms
        self._offset_ms = 0
        self._lock = threading.Lock()

    @property
    def offset_ms(self) -> int:
        return self._offset_ms

    def wall_ms(self) -> int:
        return self._wall_ms()

    def now_ms(self) -> int:
        return self._wall_ms() + self._offset_ms

    def record(self, server_ms: int, sent_ms: int, received_ms: int) -> int:
        """Keep the offset measured by one ``/system/time`` round trip; return it."""
        midpoint = (sent_ms + received_ms) // 2
        with self._lock:
            self._offset_ms = server_ms - midpoint
            return self._offset_ms
