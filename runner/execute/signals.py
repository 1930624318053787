"""SIGTERM ends a run the way Ctrl-C does, while writes are being sent.

``kill``, systemd and container stops send SIGTERM; by default it ends the process at once, with
no chance to record that a write was in flight.  During execution it is turned into the same
``KeyboardInterrupt`` as SIGINT, so both give exit 130, a report that marks the write in flight
as "outcome unknown", and a journal the next apply reconciles.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
