"""One run per account: an advisory file lock under the runner home.

``fcntl.flock`` is released by the kernel when the holding process dies, however it dies, so a lock
"left behind" by a crashed or killed run is never an obstacle: the next run simply gets it. The file
also records who holds it (pid, run id, start time) so the refusal message can say so.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from runner.errors import LockHeld


@dataclass(frozen=True)
class LockInfo:
    pid: int
    run_id: str
    started: str


def lock_path(home: Path, account_id: str) -> Path:
    return home / "locks" / f"{account_id}.lock"


class AccountLock:
    """Exclusive lock for one account.  Use as a context manager."""

    def __init__(
        self,
        path: Path,
        run_id: str,
        *,
        timeout: float = 0.0,
        poll: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.run_id = run_id
        self.timeout = timeout
        self._poll = poll
        self._clock = clock
        self._sleep = sleep
        self._notify = notify or (lambda line: print(line, file=sys.stderr))
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = self._clock() + self.timeout
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = read_lock_info(self.path)
                if self._clock() >= deadline:
                    os.close(fd)
                    raise LockHeld(
                        f"another run holds the lock for this account ({describe(holder)})",
                        hint="wait for it to finish, or pass --lock-timeout SECONDS to wait",
                    ) from None
                if not announced:
                    self._notify(f"waiting for the account lock ({describe(holder)})")
                    announced = True
                self._sleep(self._poll)
        info = {
            "pid": os.getpid(),
            "run_id": self.run_id,
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> AccountLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def read_lock_info(path: Path) -> LockInfo | None:
    try:
        raw = json.loads(path.read_text() or "null")
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    try:
        return LockInfo(int(raw["pid"]), str(raw["run_id"]), str(raw["started"]))
    except (KeyError, TypeError, ValueError):
        return None


def describe(info: LockInfo | None) -> str:
    if info is None:
        return "holder unknown"
    return f"pid {info.pid}, run {info.run_id}, since {info.started}"
