"""Every way of stopping a run from outside reaches the one "interrupted" path.

Ctrl-C arrives as SIGINT, which Python already turns into ``KeyboardInterrupt``. A scheduler that
stops a job (systemd, launchd, ``kill``) sends SIGTERM, and Ctrl-Break in a Windows console sends
SIGBREAK; by default both end the process on the spot, with no journal entry and no report. Here
they raise ``KeyboardInterrupt`` too, so the executor stops sending writes, records the
interruption, prints the partial report and exits 130, whichever key or signal stopped it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, NoReturn

Handler = Callable[[int, FrameType | None], Any] | int | None

# SIGTERM exists everywhere (on Windows only raise_signal sends it); SIGBREAK only on Windows.
STOP_SIGNALS = ("SIGTERM", "SIGBREAK")


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def stop_signals() -> list[signal.Signals]:
    return [getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)]


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """While inside, SIGTERM and SIGBREAK raise ``KeyboardInterrupt`` like Ctrl-C does.

    Handlers can only be installed from the main thread; elsewhere (a test driving the CLI from a
    worker thread) this does nothing. The previous handlers come back on the way out.
    """
    previous: dict[signal.Signals, Handler] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in stop_signals():
            previous[sig] = signal.signal(sig, _interrupt)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
