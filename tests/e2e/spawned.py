"""Runners in processes of their own against the test's simulator: how the crash, signal and
concurrency tests start them, wait on them and read their journals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import runner.session
from runner.sim.server import SimServer
from tests.e2e.conftest import Cli, FakeTime
from tests.processes import stoppable

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    """Runners in other processes keep real time: so must the simulator here."""
    return make_sim_server(rate_limit=True)


@pytest.fixture(autouse=True)
def real_time(fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """In-process runs keep real clocks (the simulator and the spawned runners do) but do not
    sit out their waits: a re-run after a killed or interrupted write would otherwise wait a
    minute for that write's signature to expire, and these tests wait for the write to land
    themselves.  The waits asked for are returned (the signature wait has its own test)."""
    from runner.exchange import RetryPolicy

    waits: list[float] = []
    monkeypatch.setattr(runner.session, "retry_policy", lambda: RetryPolicy(sleep=waits.append))
    return waits


def spawn(cli: Cli, *args: str) -> subprocess.Popen[str]:
    creds = cli.server.credentials
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BITMART_API_KEY": creds.key,
        "BITMART_API_SECRET": creds.secret,
        "BITMART_API_MEMO": creds.memo,
        "BITMART_RUNNER_HOME": str(cli.home),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "runner", *args, "--base-url", cli.server.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        **stoppable(),
    )


def until(condition: Callable[[], bool], what: str, bound_s: float = 60.0) -> None:
    """A bounded poll on a condition another process makes true (no fixed sleep)."""
    deadline = time.monotonic() + bound_s
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def journal_events(home: Path) -> list[dict[str, object]]:
    events = []
    for path in sorted(home.rglob("*.jsonl")):
        events += [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
    return events
