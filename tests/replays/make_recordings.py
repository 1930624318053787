"""Make the recordings in this folder (run by hand: ``python tests/replays/make_recordings.py``).

Each scenario starts the simulator, brings the account into a state, then runs the real CLI's
``plan --json --record`` against it; the recording becomes ``<name>.jsonl``, the plan is copied to
``<name>.plan.yaml``, and what the plan decided to ``<name>.decisions.json``.  ``test_replays.py``
serves each recording back and checks the runner decides the same.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from runner.exchange.replay import decisions  # noqa: E402
from runner.sim.server import SimServer  # noqa: E402

EXAMPLES = REPO / "plans" / "examples"


def _cli(server: SimServer, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    creds = server.credentials
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BITMART_API_KEY": creds.key,
        "BITMART_API_SECRET": creds.secret,
        "BITMART_API_MEMO": creds.memo,
        "BITMART_RUNNER_HOME": str(home),
    }
    command = [sys.executable, "-m", "runner", *args, "--base-url", server.url]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def record(
    name: str, plan: Path, prepare: Callable[[SimServer, Path], None], **sim: object
) -> None:
    with tempfile.TemporaryDirectory() as tmp, SimServer(rate_limit=False, **sim) as server:  # type: ignore[arg-type]
        home, rec = Path(tmp) / "home", Path(tmp) / "rec"
        prepare(server, home)
        done = _cli(server, home, "plan", str(plan), "--json", "--record", str(rec))
        if done.returncode not in (0, 1):
            raise SystemExit(f"{name}: plan exited {done.returncode}: {done.stderr}")
        (recording,) = rec.glob("*.jsonl")
        shutil.copy(recording, HERE / f"{name}.jsonl")
        shutil.copy(plan, HERE / f"{name}.plan.yaml")
        decided = decisions(json.loads(done.stdout))
        (HERE / f"{name}.decisions.json").write_text(json.dumps(decided, indent=2) + "\n")
        print(f"{name}: {len(recording.read_text().splitlines()) - 1} exchanges")


def fresh(server: SimServer, home: Path) -> None:
    pass


def applied(plan: Path) -> Callable[[SimServer, Path], None]:
    def prepare(server: SimServer, home: Path) -> None:
        done = _cli(server, home, "apply", str(plan), "--yes")
        if done.returncode != 0:
            raise SystemExit(f"apply exited {done.returncode}: {done.stderr}")
        server.set_price("BTCUSDT", "65500")

    return prepare


def main() -> None:
    record("btc-long-fresh", EXAMPLES / "btc-long.yaml", fresh)
    record("btc-long-applied", EXAMPLES / "btc-long.yaml", applied(EXAMPLES / "btc-long.yaml"))
    record("eth-dip-buy-fresh", EXAMPLES / "eth-dip-buy.yaml", fresh)
    record("btc-long-sparse", EXAMPLES / "btc-long.yaml", fresh, shape="sparse")


if __name__ == "__main__":
    main()
