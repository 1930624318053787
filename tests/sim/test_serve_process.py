"""`bitmart-runner sim serve` as a subprocess: first line, a working API, clean SIGTERM/SIGINT.

The process runs the real CLI entry point (``tests.sim.fake_serve``) with the fake backend
injected: these tests are about the process, its output and its signals, not trading rules.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from runner.sim.auth import TEST_CREDENTIALS
from tests.processes import send_stop, stoppable

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def _serve(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.sim.fake_serve", "sim", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        **stoppable(),
    )
    try:
        assert proc.stdout is not None
        yield proc, proc.stdout.readline()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _stop(proc: subprocess.Popen, sig: int | None = None) -> tuple[int, str]:
    if sig is None:
        send_stop(proc)  # SIGTERM; Ctrl-Break on Windows
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    return proc.returncode, err


# how a user or a service manager stops it: on Windows only Ctrl-Break reaches a child process
STOPS = [signal.SIGTERM, signal.SIGINT] if os.name == "posix" else [None]


@pytest.mark.parametrize("sig", STOPS)
def test_first_line_then_clean_stop(sig: int | None) -> None:
    with _serve("--port", "0") as (proc, first):
        assert first.startswith("listening on http://127.0.0.1:")
        url = first.strip().removeprefix("listening on ")
        with requests.Session() as http:
            response = http.get(
                url + "/contract/private/assets-detail",
                headers={"X-BM-KEY": TEST_CREDENTIALS.key},
                timeout=10,
            )
        assert response.json()["code"] == 1000
        code, err = _stop(proc, sig)
    assert code == 0
    assert "Traceback" not in err
    assert "80618...3e56" in err  # the test key, masked
    assert TEST_CREDENTIALS.secret not in err and TEST_CREDENTIALS.key not in err


def test_credentials_from_environment_are_masked(tmp_path: Path) -> None:
    env = {
        "BITMART_API_KEY": "envkey0123456789abcdef",
        "BITMART_API_SECRET": "s3cr3t-value",
        "BITMART_API_MEMO": "memo-value",
    }
    with _serve("--db", str(tmp_path / "sim.sqlite3"), env=env) as (proc, first):
        url = first.strip().removeprefix("listening on ")
        with requests.Session() as http:
            ok = http.get(
                url + "/contract/private/assets-detail",
                headers={"X-BM-KEY": env["BITMART_API_KEY"]},
                timeout=10,
            )
            refused = http.get(
                url + "/contract/private/assets-detail",
                headers={"X-BM-KEY": TEST_CREDENTIALS.key},
                timeout=10,
            )
        assert (ok.json()["code"], refused.json()["code"]) == (1000, 30002)
        code, err = _stop(proc)
    assert code == 0
    assert "envke...cdef" in err
    for secret in env.values():
        assert secret not in err


def test_corrupt_db_exits_with_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "broken.sqlite3"
    db.write_bytes(b"\x00garbage" * 100)
    with _serve("--db", str(db)) as (proc, first):
        _, err = proc.communicate(timeout=30)
    assert first == ""
    assert proc.returncode == 6
    assert "broken.sqlite3" in err and "Traceback" not in err


def test_partial_credentials_are_a_usage_error() -> None:
    with _serve(env={"BITMART_API_KEY": "only-a-key-here-123"}) as (proc, _first):
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 64
    assert "BITMART_API_SECRET" in err and "BITMART_API_MEMO" in err
