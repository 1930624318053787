"""`bitmart-runner sim serve` in its own process, and the CLI run as separate processes.

This is how a user runs the tool: one process per command, the exchange (here the simulator)
somewhere else on the network.  Nothing is shared between the runner and the simulator but HTTP,
so every figure includes interpreter start-up, imports and the GIL of one process only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# The simulator's own default credentials would do as well; explicit ones make the bench
# independent of whatever BITMART_API_* the caller has set.
CREDENTIALS = {
    "BITMART_API_KEY": "bench0key00000000000000000000000000000000",
    "BITMART_API_SECRET": "bench-secret-not-a-real-one-000000000000000000000000000000000000",
    "BITMART_API_MEMO": "bench",
}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bitmart-runner-bench"


def _pinned_runtime_deps() -> list[str]:
    """The runtime dependencies from pyproject.toml, pinned to the versions installed here."""
    import tomllib
    from importlib import metadata

    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = []
    for requirement in declared:
        name = re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0]
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pins.append(requirement)
    return pins


def runner_venv_python() -> tuple[Path | None, str]:
    """A venv holding only the runner's runtime dependencies (the runner itself comes from this
    checkout through PYTHONPATH): the runner installed as a user would have it, without what the
    development interpreter loads at every start-up (editable finders, .pth hooks)."""
    pins = _pinned_runtime_deps()
    venv = cache_dir() / "runner-deps"
    python = venv / "bin" / "python"
    marker = venv / "requirements.txt"
    if python.exists() and marker.exists() and marker.read_text() == "\n".join(pins):
        return python, f"a venv with {', '.join(pins)}"
    print(f"creating a venv with the runner's runtime dependencies in {venv} (once) ...")
    for step in (
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "-q", *pins],
    ):
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return None, f"could not install {' '.join(pins)}"
    marker.write_text("\n".join(pins))
    return python, f"a venv with {', '.join(pins)}"


_USER_PYTHON: list[tuple[str, str]] = []


def user_python() -> tuple[str, str]:
    """The interpreter the CLI processes run on, and what it is: the runner-deps venv (only the
    runtime dependencies, as after ``pip install``) when it can be made, else this interpreter."""
    if not _USER_PYTHON:
        python, about = runner_venv_python()
        if python is None:
            _USER_PYTHON.append((sys.executable, f"the development interpreter ({about})"))
        else:
            _USER_PYTHON.append((str(python), about))
    return _USER_PYTHON[0]


def runner_env(home: Path | None = None) -> dict[str, str]:
    """The environment for a runner or simulator process: this checkout, the bench's keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BITMART_")}
    # as installed: byte code is cached (pip compiles it; a checkout's first run writes it)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(CREDENTIALS)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["NO_COLOR"] = "1"
    if home is not None:
        env["BITMART_RUNNER_HOME"] = str(home)
    return env


@dataclass
class SimProcess:
    url: str
    process: subprocess.Popen[str]
    log_seen: int = field(default=0)

    def control(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read() or b"{}")

    def reset(self, **balances: str) -> None:
        self.control("POST", "/sim/reset", balances)

    def fund(self, wallet: str, amount: str) -> None:
        self.control("POST", "/sim/fund", {"wallet": wallet, "amount": amount})

    def new_requests(self) -> list[dict[str, Any]]:
        """The request-log entries since the last call (the control requests are not logged)."""
        log: list[dict[str, Any]] = self.control("GET", "/sim/state")["request_log"]
        fresh = log[self.log_seen :]
        self.log_seen = len(log)
        return fresh


@contextmanager
def sim_serve(latency_ms: int, *, rate_limit: bool) -> Iterator[SimProcess]:
    """Start the simulator in its own process; its first stdout line names the address."""
    command = [user_python()[0], "-m", "runner", "sim", "serve", "--port", "0"]
    command += ["--latency-ms", str(latency_ms)]
    if not rate_limit:
        command.append("--no-rate-limit")
    process = subprocess.Popen(
        command, env=runner_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        if not first.startswith("listening on "):
            raise SystemExit(f"sim serve did not start: {first!r}")
        yield SimProcess(first.removeprefix("listening on "), process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


@dataclass(frozen=True)
class Ran:
    code: int
    seconds: float
    output: str


def run_cli(args: Sequence[str], *, home: Path, ok: Sequence[int] = (0,)) -> Ran:
    """`python -m runner ARGS` as its own process, timed from spawn to exit."""
    started = time.perf_counter()
    done = subprocess.run(
        [user_python()[0], "-m", "runner", *args],
        env=runner_env(home),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=REPO,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(
            f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return Ran(done.returncode, elapsed, done.stdout + done.stderr)
