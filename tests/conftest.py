"""Safety fixtures for every test (autouse).

- The runner home points into tmp_path: nothing a test does can touch a real home.
- Sockets may only connect to loopback: no test can reach a real exchange.
- No BITMART_* variable from the developer's shell leaks into a test, and the working directory
  is a fresh temporary folder (so a developer's ./.env is never read).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _host_is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
    else:  # AF_UNIX paths are local by definition
        return isinstance(address, str | bytes)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _host_is_loopback(address):
        raise OSError(f"test tried to reach a non-loopback address: {address!r}")
    _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _host_is_loopback(address):
        raise OSError(f"test tried to reach a non-loopback address: {address!r}")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("BITMART_") or name in ("NO_COLOR", "FORCE_COLOR"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "runner-home"
    monkeypatch.setenv("BITMART_RUNNER_HOME", str(home))
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    return home


@pytest.fixture
def repo() -> Path:
    """The repository root (tests run in a temporary working directory)."""
    return REPO


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sim-shape",
        choices=["full", "sparse"],
        default="full",
        help="Reply shape of the simulator in tests/e2e (sparse: as the real exchange's "
        "recorded replies; .ci/run runs tests/e2e once more with it).",
    )
