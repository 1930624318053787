"""`bitmart-runner sim serve` with the real backend, as a subprocess: trade, move the price over
the control API, stop with SIGINT, start again on the same database and find the account."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from runner.sim.auth import TEST_CREDENTIALS
from tests.processes import send_stop, stoppable
from tests.sim.helpers import SUBMIT, TRANSFER, get_keyed, post_signed

REPO = Path(__file__).resolve().parents[3]


@contextmanager
def _serve(db: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "sim", "serve", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        **stoppable(),
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("listening on http://127.0.0.1:"), proc.stderr
        yield proc, first.strip().removeprefix("listening on ")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _positions(http: requests.Session, url: str) -> list[dict[str, str]]:
    reply = get_keyed(http, url, "/contract/private/position-v2", TEST_CREDENTIALS)
    return reply.json()["data"]


def test_serve_trade_stop_and_resume(tmp_path: Path) -> None:
    db = tmp_path / "sim.sqlite3"
    order = {
        "symbol": "BTCUSDT",
        "side": 1,
        "type": "market",
        "size": 3,
        "leverage": "5",
        "open_type": "cross",
        "client_order_id": "served1",
    }
    with _serve(db) as (proc, url), requests.Session() as http:
        details = http.get(url + "/contract/public/details?symbol=BTCUSDT", timeout=10).json()
        assert details["data"]["symbols"][0]["last_price"] == "65000"
        transfer = {"currency": "USDT", "amount": "1000", "type": "spot_to_contract"}
        assert post_signed(http, url, TRANSFER, transfer, TEST_CREDENTIALS).json()["code"] == 1000
        assert post_signed(http, url, SUBMIT, order, TEST_CREDENTIALS).json()["code"] == 1000
        moved = http.post(
            url + "/sim/price", json={"symbol": "BTCUSDT", "price": "66000"}, timeout=10
        )
        assert moved.json() == {"ok": True}
        (held,) = _positions(http, url)
        # (66000 - 65000) * 3 * 0.001 = 3
        assert (held["current_amount"], held["unrealized_pnl"]) == ("3", "3")
        if os.name == "posix":
            proc.send_signal(signal.SIGINT)  # Ctrl-C
        else:
            send_stop(proc)  # Ctrl-Break: Ctrl-C cannot be sent to one child on Windows
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0 and "Traceback" not in err
    with _serve(db) as (proc, url), requests.Session() as http:
        (held,) = _positions(http, url)
        assert held["mark_price"] == "66000"
        again = post_signed(http, url, SUBMIT, order, TEST_CREDENTIALS).json()
        assert again["code"] == 40050
        send_stop(proc)
        proc.communicate(timeout=30)
        assert proc.returncode == 0
