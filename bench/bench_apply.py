"""apply against the simulator over HTTP: requests, round trips, wall time, and the floor.

Runs ``apply plans/examples/btc-long.yaml --yes`` (the reference plan: fund the futures wallet,
open 10 BTCUSDT at 10x isolated with TP and SL) on a fresh simulated account at 0 and at
``--latency-ms`` of simulated network latency, then 30 plans back to back on one account with the
simulator's rate limits on.  A benchmark, not a test: it prints figures and asserts nothing.

Round trips on the critical path are measured, not counted from the code: at latency L every
sequential round trip costs L, so (wall at L - wall at 0) / L is how many the run waited through.
The floor is what any correct client must wait for on this plan from a fresh account: one round
of reads (independent, so parallel), one round per dependent write (the transfer, then the open
that needs its margin, TP/SL riding on it as preset fields), one parallel round to verify: 4
round trips.  BitMart's own guidance (the agent skill "S" in the API facts, sections 10.1-10.4)
reads and writes one call at a time: details, assets, spot wallet, transfer, assets again,
position-v2 pre-check, submit-leverage, submit-order, position-v2 check, one submit-tp-sl-order
per leg, current-plan-order check: about 12 sequential round trips.

    python bench/bench_apply.py [--latency-ms 50] [--plans 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from runner import cli  # noqa: E402
from runner.exchange.limits import SHARED  # noqa: E402
from runner.sim.server import SimServer  # noqa: E402

REFERENCE = REPO / "plans" / "examples" / "btc-long.yaml"
FLOOR_ROUND_TRIPS = 4
GUIDE_ROUND_TRIPS = 12
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")


@contextmanager
def _account(server: SimServer) -> Iterator[Path]:
    creds = server.credentials
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        names = ("BITMART_API_KEY", "BITMART_API_SECRET", "BITMART_API_MEMO", "BITMART_RUNNER_HOME")
        saved = {k: os.environ.get(k) for k in names}
        os.environ.update(
            BITMART_API_KEY=creds.key,
            BITMART_API_SECRET=creds.secret,
            BITMART_API_MEMO=creds.memo,
            BITMART_RUNNER_HOME=home,
        )
        try:
            yield Path(home)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _cli(server: SimServer, *args: str, ok: tuple[int, ...] = (0,)) -> tuple[int, float]:
    SHARED.clear()  # as a new process would start: no memory of earlier calls
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.run([*args, "--base-url", server.url])
    elapsed = time.perf_counter() - started
    if code not in ok:
        raise SystemExit(f"{' '.join(args)} exited {code}:\n{out.getvalue()}")
    return int(code), elapsed


def _apply(server: SimServer, plan: Path) -> tuple[int, float]:
    return _cli(server, "apply", str(plan), "--yes")


def one_plan(latency_ms: int) -> dict[str, Any]:
    """`plan` on the reference plan: its reads should cost about one round trip (parallel)."""
    with SimServer(latency_ms=latency_ms) as server, _account(server):
        _, elapsed = _cli(server, "plan", str(REFERENCE), "--detailed-exitcode", ok=(2,))
        log = server.request_log()
    return {"latency_ms": latency_ms, "requests": len(log), "seconds": round(elapsed, 4)}


def one_apply(latency_ms: int) -> dict[str, Any]:
    with SimServer(latency_ms=latency_ms) as server, _account(server):
        _, elapsed = _apply(server, REFERENCE)
        log = server.request_log()
    by_endpoint = Counter(f"{e.method} {e.path}" for e in log)
    return {
        "latency_ms": latency_ms,
        "requests": len(log),
        "writes": sum(1 for e in log if e.write),
        "by_endpoint": dict(sorted(by_endpoint.items())),
        "seconds": round(elapsed, 4),
    }


def _generated_plan(folder: Path, index: int) -> Path:
    symbol = SYMBOLS[index % len(SYMBOLS)]
    side = "long" if index % 2 == 0 else "short"
    stop, take = ("-3%", "+5%") if side == "long" else ("+3%", "-5%")
    text = (
        f"version: 1\nname: bench-{index}\nsteps:\n"
        f"  - position:\n      symbol: {symbol}\n      side: {side}\n"
        f"      size: {1 + index % 5}\n      leverage: 5\n      margin: isolated\n"
        f"      take_profit: {{trigger: '{take}'}}\n      stop_loss: {{trigger: '{stop}'}}\n"
    )
    path = folder / f"bench-{index}.yaml"
    path.write_text(text, "utf-8")
    return path


def back_to_back(count: int) -> dict[str, Any]:
    with SimServer(latency_ms=0, rate_limit=True) as server, _account(server) as home:
        server.fund("futures", "100000")
        plans = [_generated_plan(home, i) for i in range(count)]
        started = time.perf_counter()
        for plan in plans:
            _apply(server, plan)
        elapsed = time.perf_counter() - started
        log = server.request_log()
    throttled = sum(1 for e in log if e.status == 429)
    by_path = Counter(e.path for e in log)
    return {
        "plans": count,
        "requests": len(log),
        "http_429": throttled,
        "seconds": round(elapsed, 3),
        "busiest_endpoints": dict(by_path.most_common(4)),
        "rate_limit_floor_seconds": _rate_limit_floor(by_path),
    }


def _rate_limit_floor(by_path: Counter[str]) -> float:
    """The least time the published limits allow for these requests: per endpoint, the number of
    full windows its count needs (the first window is free), the slowest endpoint deciding."""
    from runner.exchange.endpoints import ALL

    worst = 0.0
    for endpoint in ALL:
        sent = by_path.get(endpoint.path, 0)
        if sent and endpoint.limit:
            windows = max(0, -(-sent // endpoint.limit) - 1)
            worst = max(worst, windows * endpoint.window_s)
    return worst


def summarise(zero: dict[str, Any], slow: dict[str, Any]) -> dict[str, Any]:
    latency_s = slow["latency_ms"] / 1000
    trips = (slow["seconds"] - zero["seconds"]) / latency_s if latency_s else None
    floor_s = FLOOR_ROUND_TRIPS * latency_s
    return {
        "round_trips_measured": None if trips is None else round(trips, 2),
        "floor_round_trips": FLOOR_ROUND_TRIPS,
        "ratio_to_floor": None if not floor_s else round(slow["seconds"] / floor_s, 2),
        "guide_round_trips": GUIDE_ROUND_TRIPS,
        "ratio_to_guide": round(slow["seconds"] / (GUIDE_ROUND_TRIPS * latency_s), 2)
        if latency_s
        else None,
    }


def run(latency_ms: int, plans: int) -> dict[str, Any]:
    zero = one_apply(0)
    slow = one_apply(latency_ms)
    plan_zero, plan_slow = one_plan(0), one_plan(latency_ms)
    plan_trips = (plan_slow["seconds"] - plan_zero["seconds"]) / (latency_ms / 1000)
    results = {
        "plan_reference": {
            "at_0ms": plan_zero,
            f"at_{latency_ms}ms": plan_slow,
            "round_trips_measured": round(plan_trips, 2),
            "floor_round_trips": 1,
        },
        "apply_reference": {"at_0ms": zero, f"at_{latency_ms}ms": slow, **summarise(zero, slow)},
        "back_to_back": back_to_back(plans),
    }
    return results


def print_table(results: dict[str, Any]) -> None:
    plan = results["plan_reference"]
    for figures in plan.values():
        if isinstance(figures, dict):
            print(
                f"plan btc-long at {figures['latency_ms']:>3} ms latency: "
                f"{figures['seconds'] * 1000:8.1f} ms wall, {figures['requests']} requests (reads)"
            )
    print(f"  critical path: {plan['round_trips_measured']} round trips measured; floor 1")
    ref = results["apply_reference"]
    for figures in ref.values():
        if isinstance(figures, dict) and "requests" in figures:
            print(
                f"apply btc-long at {figures['latency_ms']:>3} ms latency: "
                f"{figures['seconds'] * 1000:8.1f} ms wall, {figures['requests']} requests "
                f"({figures['writes']} writes)"
            )
    print(
        f"  critical path: {ref['round_trips_measured']} round trips measured; floor "
        f"{ref['floor_round_trips']} -> x{ref['ratio_to_floor']} of the floor; BitMart's "
        f"sequential flow {ref['guide_round_trips']} -> x{ref['ratio_to_guide']} of it"
    )
    for name, count in next(iter(ref.values()))["by_endpoint"].items():
        print(f"    {count:3d}  {name}")
    b2b = results["back_to_back"]
    print(
        f"{b2b['plans']} plans back to back on one account: {b2b['seconds']:.2f} s, "
        f"{b2b['requests']} requests, {b2b['http_429']} x 429 "
        f"(rate-limit floor {b2b['rate_limit_floor_seconds']:.1f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--plans", type=int, default=30)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    results = run(args.latency_ms, args.plans)
    print_table(results)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
