"""Simulator throughput: position-v2 reads and signed submit-order writes over keep-alive HTTP.

Starts ``bitmart-runner sim serve --latency-ms 0 --no-rate-limit`` as a subprocess (its own
process, as in real use; ``--in-process`` runs a ``SimServer`` thread instead, sharing the GIL with
the clients), runs a few client threads, each on its own keep-alive connection, for a fixed time
per scenario, and prints requests/second (optionally also as JSON).

Clients: ``http.client`` keep-alive connections by default, because a ``requests.Session`` costs
about a millisecond of client CPU per call and on a 2-core machine the figure would then measure
``requests``, not the simulator; ``--client requests`` measures that end-to-end figure instead.
A benchmark, not a test: nothing is asserted.

    python bench/sim_throughput.py [--seconds 3] [--threads 4] [--client raw|requests]
                                   [--in-process] [--json FILE] [--serve-module MODULE]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from runner.sim.auth import TEST_CREDENTIALS, ApiCredentials

POSITION_V2 = "/contract/private/position-v2?symbol=BTCUSDT"
SUBMIT_ORDER = "/contract/private/submit-order"
# A far-from-market limit buy: accepted and resting, so every call runs the whole order path.
ORDER = {
    "symbol": "BTCUSDT",
    "side": 1,
    "type": "limit",
    "price": "1000",
    "size": 1,
    "leverage": "10",
    "open_type": "isolated",
    "mode": 1,
}


@dataclass(frozen=True)
class Target:
    url: str
    credentials: ApiCredentials


class RawClient:
    """One persistent HTTP/1.1 connection (keep-alive) via http.client."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        self._conn.request(method, path, body=body, headers=headers)
        response = self._conn.getresponse()
        data = response.read()
        return data if response.status == 200 else b""

    def close(self) -> None:
        self._conn.close()


class RequestsClient:
    """A requests.Session (keep-alive connection pool), as the runner itself would use."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._session = requests.Session()

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        response = self._session.request(
            method, self._url + path, data=body, headers=headers, timeout=10
        )
        return response.content if response.status_code == 200 else b""

    def close(self) -> None:
        self._session.close()


Client = RawClient | RequestsClient


def _sign(creds: ApiCredentials, timestamp: str, body: bytes) -> str:
    # Our own signing, straight from the facts (not the runner's client code).
    message = f"{timestamp}#{creds.memo}#".encode() + body
    return hmac.new(creds.secret.encode(), message, hashlib.sha256).hexdigest()


def _read(client: Client, target: Target) -> bool:
    body = client.send("GET", POSITION_V2, None, {"X-BM-KEY": target.credentials.key})
    return body.startswith(b'{"code":1000')


def _write(client: Client, target: Target) -> bool:
    body = json.dumps(ORDER, separators=(",", ":")).encode()
    ts = str(time.time_ns() // 1_000_000)
    headers = {
        "Content-Type": "application/json",
        "X-BM-KEY": target.credentials.key,
        "X-BM-TIMESTAMP": ts,
        "X-BM-SIGN": _sign(target.credentials, ts, body),
    }
    return client.send("POST", SUBMIT_ORDER, body, headers).startswith(b'{"code":1000')


@contextmanager
def subprocess_server(module: str) -> Iterator[Target]:
    command = [sys.executable, "-m", module, "sim", "serve", "--latency-ms", "0"]
    proc = subprocess.Popen(
        [*command, "--no-rate-limit"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        if not first.startswith("listening on "):
            raise SystemExit(f"sim serve did not start: {first!r}")
        yield Target(first.removeprefix("listening on "), TEST_CREDENTIALS)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


@contextmanager
def thread_server() -> Iterator[Target]:
    from runner.sim.server import SimServer

    with SimServer(rate_limit=False, latency_ms=0) as server:
        yield Target(server.url, server.credentials)


def _run(
    target: Target,
    call: Callable[[Client, Target], bool],
    make_client: Callable[[str], Client],
    threads: int,
    seconds: float,
) -> dict[str, float]:
    counts = [0] * threads
    failures = [0] * threads
    barrier = threading.Barrier(threads + 1)
    deadline: list[float] = []

    def worker(index: int) -> None:
        client = make_client(target.url)
        try:
            barrier.wait()
            while time.perf_counter() < deadline[0]:
                if call(client, target):
                    counts[index] += 1
                else:
                    failures[index] += 1
        finally:
            client.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    began = time.perf_counter()
    deadline.append(began + seconds)
    barrier.wait()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "requests": sum(counts),
        "failures": sum(failures),
        "seconds": round(elapsed, 3),
        "requests_per_second": round(sum(counts) / elapsed, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--client", choices=["raw", "requests"], default="raw")
    parser.add_argument("--in-process", action="store_true", help="server thread, shared GIL")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--serve-module",
        default="runner",
        help="module run as `python -m MODULE sim serve` (tests.sim.fake_serve: transport only)",
    )
    args = parser.parse_args(argv)
    make_client: Callable[[str], Client] = RawClient if args.client == "raw" else RequestsClient
    results: dict[str, dict[str, float]] = {}
    server = thread_server() if args.in_process else subprocess_server(args.serve_module)
    with server as target:
        funding = {"wallet": "futures", "amount": "100000000"}
        requests.post(target.url + "/sim/fund", json=funding, timeout=10).raise_for_status()
        for name, call in (("position-v2 (GET)", _read), ("submit-order (signed POST)", _write)):
            figures = _run(target, call, make_client, args.threads, args.seconds)
            results[name] = figures
            print(
                f"{name:28s} {figures['requests_per_second']:>9.1f} req/s "
                f"({figures['requests']} ok, {figures['failures']} failed; "
                f"{args.threads} threads, {args.client} client, {figures['seconds']} s)"
            )
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
