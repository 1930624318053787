from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from runner.errors import ExitCode, LockHeld
from runner.execute.lock import AccountLock, read_lock_info

HOLDER = """
import sys, time
from pathlib import Path
from runner.execute.lock import AccountLock
lock = AccountLock(Path(sys.argv[1]), "holder-run")
lock.acquire()
print("locked", flush=True)
sys.stdin.read()   # hold until stdin closes or the process is killed
"""


def _start_holder(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()


def test_second_run_is_refused_with_exit_7_and_names_holder(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "acct.lock"
    proc = _start_holder(path)
    try:
        with pytest.raises(LockHeld) as info:
            AccountLock(path, "second").acquire()
        assert info.value.exit_code == ExitCode.LOCKED
        assert f"pid {proc.pid}" in info.value.message
        assert "holder-run" in info.value.message
    finally:
        _stop(proc)


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "acct.lock"
    proc = _start_holder(path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _stop(proc)
    with AccountLock(path, "after-crash"):
        info = read_lock_info(path)
        assert info is not None
        assert info.run_id == "after-crash"
        assert info.pid == os.getpid()


def test_waits_with_timeout_then_gives_up(tmp_path: Path) -> None:
    path = tmp_path / "acct.lock"
    proc = _start_holder(path)
    now = [0.0]
    notes: list[str] = []

    def fake_sleep(seconds: float) -> None:
        now[0] += seconds

    try:
        lock = AccountLock(
            path,
            "waiter",
            timeout=1.0,
            poll=0.25,
            clock=lambda: now[0],
            sleep=fake_sleep,
            notify=notes.append,
        )
        with pytest.raises(LockHeld):
            lock.acquire()
        assert now[0] >= 1.0  # it really waited (on the injected clock) before giving up
        assert len(notes) == 1
        assert "waiting for the account lock" in notes[0]
    finally:
        _stop(proc)


def test_wait_succeeds_when_holder_finishes(tmp_path: Path) -> None:
    path = tmp_path / "acct.lock"
    proc = _start_holder(path)
    sleeps = 0

    def release_on_first_sleep(_: float) -> None:
        nonlocal sleeps
        sleeps += 1
        if sleeps == 1:
            _stop(proc)  # the holder goes away while we wait

    lock = AccountLock(
        path, "waiter", timeout=60, sleep=release_on_first_sleep, notify=lambda _: None
    )
    with lock:
        assert read_lock_info(path) is not None
    assert sleeps >= 1


def test_release_clears_holder_and_allows_reacquire(tmp_path: Path) -> None:
    path = tmp_path / "acct.lock"
    with AccountLock(path, "one"):
        pass
    assert read_lock_info(path) is None
    with AccountLock(path, "two"):
        info = read_lock_info(path)
        assert info is not None
        assert info.run_id == "two"
