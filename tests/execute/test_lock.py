from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runner.errors import ExitCode, LockHeld
from runner.execute.lock import AccountLock, holder_path, read_lock_info

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
    proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no chance to clean up
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


def test_a_second_lock_in_the_same_process_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "acct.lock"
    with AccountLock(path, "first"):
        with pytest.raises(LockHeld) as info:
            AccountLock(path, "second").acquire()
        assert "run first" in info.value.message
    with AccountLock(path, "third"):
        pass


def test_holder_is_written_beside_the_lock_not_into_it(tmp_path: Path) -> None:
    # On Windows a locked file cannot be read by another process, so the refusal message must
    # come from a file nobody locks.
    path = tmp_path / "acct.lock"
    with AccountLock(path, "writer"):
        assert holder_path(path).exists()
        info = read_lock_info(path)
        assert info is not None and info.run_id == "writer"
    assert not holder_path(path).exists()


def test_an_unreadable_holder_file_still_refuses_with_holder_unknown(tmp_path: Path) -> None:
    path = tmp_path / "acct.lock"
    with AccountLock(path, "first"):
        holder_path(path).write_text("{not json", "utf-8")
        with pytest.raises(LockHeld) as info:
            AccountLock(path, "second").acquire()
    assert "holder unknown" in info.value.message
