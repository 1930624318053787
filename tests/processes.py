"""Stopping a child process the way a scheduler or a user at the console does, on any platform.

POSIX: SIGTERM (systemd stop, launchd unload, kill). Windows has no SIGTERM between processes:
Ctrl-Break (CTRL_BREAK_EVENT, SIGBREAK in the child) is what reaches a console program there, and
only for a child started in its own process group.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any


def stoppable() -> dict[str, Any]:
    """Extra Popen arguments so that ``send_stop`` can reach the child."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {}


def send_stop(proc: subprocess.Popen[Any]) -> None:
    if sys.platform == "win32":
        proc.send_signal(signal.CTRL_BREAK_EVENT)
    else:
        proc.send_signal(signal.SIGTERM)
