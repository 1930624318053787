"""End-to-end: the CLI as a user runs it, against `SimServer` over real HTTP on 127.0.0.1.

`Cli.run` invokes the real command (same process, real sockets); the server's request log is the
witness for what was sent.  Waits are made instant through the one retry-policy seam, so Cloudflare
back-off and 429s cost nothing and no test depends on wall-clock time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import runner.session
from runner import cli
from runner.exchange import RetryPolicy
from runner.exchange.limits import SHARED
from runner.sim.server import SimServer
from tests.fakes import FakeTime
from tests.simfixtures import make_sim_server  # noqa: F401


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Cli:
    server: SimServer
    capsys: pytest.CaptureFixture[str]
    home: Path

    def run(self, *args: str, base_url: bool = True) -> Outcome:
        self.capsys.readouterr()
        argv = [*args, "--base-url", self.server.url] if base_url else list(args)
        code = cli.run(argv)
        captured = self.capsys.readouterr()
        return Outcome(int(code), captured.out, captured.err)

    def writes(self) -> list[Any]:
        return self.server.writes()

    def write_paths(self) -> list[str]:
        return [entry.path for entry in self.server.writes()]




@pytest.fixture(autouse=True)
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    start = time.time()
    fake = FakeTime(now=start, wall=int(start * 1000))
    policy = RetryPolicy(sleep=fake.sleep, clock=fake.clock, wall_ms=fake.wall_ms)
    monkeypatch.setattr(runner.session, "retry_policy", lambda: policy)
    SHARED.clear()
    return fake


@pytest.fixture
def sim_shape(request: pytest.FixtureRequest) -> str:
    """``pytest --sim-shape sparse``: the e2e suite against replies shaped like the real
    exchange's (runner/sim/shape.py), over HTTP and on the paper exchange alike."""
    return str(request.config.getoption("--sim-shape"))


@pytest.fixture(autouse=True)
def _paper_shape(sim_shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BITMART_SIM_SHAPE", sim_shape)


@pytest.fixture
def server(
    make_sim_server: Callable[..., SimServer],  # noqa: F811
    fake_time: FakeTime,
    sim_shape: str,
) -> SimServer:
    return make_sim_server(rate_limit=True, clock=fake_time.wall_ms, shape=sim_shape)


@pytest.fixture
def runner_cli(
    server: SimServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> Cli:
    creds = server.credentials
    monkeypatch.setenv("BITMART_API_KEY", creds.key)
    monkeypatch.setenv("BITMART_API_SECRET", creds.secret)
    monkeypatch.setenv("BITMART_API_MEMO", creds.memo)
    home = tmp_path / "home"
    monkeypatch.setenv("BITMART_RUNNER_HOME", str(home))
    return Cli(server, capsys, home)


def write_plan(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path
