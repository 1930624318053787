"""One run per account: an operating-system file lock under the runner home.

The lock is taken with ``filelock`` (the library pip, tox and virtualenv rely on), which uses
``fcntl.flock`` on Linux and macOS and ``msvcrt.locking`` on Windows. Both are released by the
operating system when the holding process dies, however it dies, so a lock "left behind" by a
crashed or killed run is never an obstacle: the next run simply gets it. (Only where the OS offers
neither does filelock fall back to a lock file of its own, which it takes over once the process
that wrote it is gone.)

Who holds the lock (pid, run id, start time) is written to a separate holder file next to it, so
the refusal message can say so: on Windows a locked file cannot be read by anyone else.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from runner.errors import LockHeld
from runner.values import value

if TYPE_CHECKING:
    from filelock import BaseFileLock


@value
class LockInfo:
    pid: int
    run_id: str
    started: str


def lock_path(home: Path, account_id: str) -> Path:
    return home / "locks" / f"{account_id}.lock"


def holder_path(path: Path) -> Path:
    """Where the holder of the lock at ``path`` says who it is."""
    return path.with_name(f"{path.name}.holder.json")


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
        self._lock: BaseFileLock | None = None

    def acquire(self) -> None:
        with warnings.catch_warnings():
            # where the OS has no file locks filelock says so on import and uses a lock file
            warnings.filterwarnings("ignore", message="only soft file lock is available")
            from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = FileLock(str(self.path), mode=0o600, thread_local=False)
        deadline = self._clock() + self.timeout
        announced = False
        while True:
            try:
                lock.acquire(blocking=False)
                break
            except Timeout:
                holder = read_lock_info(self.path)
                if self._clock() >= deadline:
                    raise LockHeld(
                        f"another run holds the lock for this account ({describe(holder)})",
                        hint="wait for it to finish, or pass --lock-timeout SECONDS to wait",
                    ) from None
                if not announced:
                    self._notify(f"waiting for the account lock ({describe(holder)})")
                    announced = True
                self._sleep(self._poll)
        self._lock = lock
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        info = {"pid": os.getpid(), "run_id": self.run_id, "started": started}
        _write_holder(holder_path(self.path), info)

    def release(self) -> None:
        if self._lock is None:
            return
        try:
            with suppress(OSError):  # advisory only: the next holder overwrites it
                holder_path(self.path).unlink(missing_ok=True)
        finally:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> AccountLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _write_holder(path: Path, info: dict[str, object]) -> None:
    """Best effort: the holder file only improves the refusal message; the lock is the OS's."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(info))
        os.replace(tmp, path)
    except OSError:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def read_lock_info(path: Path) -> LockInfo | None:
    """Who holds the lock at ``path``, as its holder wrote it (None if unknown)."""
    try:
        raw = json.loads(holder_path(path).read_text("utf-8") or "null")
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
