"""apply and plan as a user runs them: separate processes against `sim serve` in its own process.

For each latency (0, 50, 1000 and 2000 ms by default) a simulator is started with ``--latency-ms L``
(every request waits L before it is answered, as a network would make it); the command runs once
on each to warm up (disk caches, the runner home), then ``--runs`` times on each, taking turns,
each on a fresh account (``POST /sim/reset``), so every apply really has work to do.
The wall time of each run is taken from spawn to exit of
``python -m runner apply PLAN --yes --base-url URL``.  Every process (the commands and
``sim serve``) runs on the interpreter a user has after ``pip install``: a venv holding only
the runtime dependencies (``simproc.user_python``, shared with bench_validate.py), the runner
from this checkout; the development interpreter only if that venv cannot be made (the figures
say which).

Round trips on the critical path are measured, not counted from the code: at latency L every
sequential wait costs L, so (median wall at L - median wall at 0) / L is how many the run sat
through. A wait that is not a round trip distorts that: the transfer list allows one read per 2 s,
and a run that tops up reads it before the transfer and again to verify it, so at 0 ms the run sits
out most of those 2 s, and at high latency its rounds fill them. The difference between the two
highest latencies (1000 and 2000 ms, both past the 2 s) counts the round trips alone (``between``);
the rounds in the request log count them without the clock. The floor for the reference plan
(``bench/plans/reference.yaml``: ensure_balance, then a 3-contract BTCUSDT long with a take-profit
and a relative stop, from a fresh account) is 4: one parallel round of reads (the transfer list the
transfer is compared with among them), the transfer, the open (its margin needs the transfer; TP/SL
ride on it as preset fields), one parallel verification round. Requests per endpoint come from the
simulator's request log. The simulator runs without rate limits here (the runs follow each other
quickly; rate limits are what the back-to-back figure measures).

Back to back: ``--plans`` generated plans applied one after the other, each its own process, on one
account and one runner home, with the simulator's rate limits on; compared with the least time the
published limits allow for the requests that were sent (``rate_limit_floor``), both with and
without ``trade-fee-rate``.  A benchmark, not a test: it prints figures and asserts nothing.

    python bench/bench_apply.py [--runs 7] [--latency-ms 50 1000 2000] [--plans 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from simproc import SimProcess, run_cli, sim_serve, user_python  # noqa: E402

from runner.exchange.endpoints import ALL, TRADE_FEE_RATE  # noqa: E402

REFERENCE = HERE / "plans" / "reference.yaml"
FLOOR_ROUND_TRIPS = 4
PLAN_FLOOR_ROUND_TRIPS = 1
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
# 50 ms as on a network; 1000 and 2000 ms outlast the transfer list's 2 s window (see between())
LATENCIES_MS = (50, 1000, 2000)


def spread(values: Sequence[float]) -> dict[str, Any]:
    return {
        "runs": len(values),
        "median_s": round(statistics.median(values), 4),
        "min_s": round(min(values), 4),
        "max_s": round(max(values), 4),
    }


def _by_endpoint(entries: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts = Counter(f"{e['method']} {e['path']}" for e in entries)
    return dict(sorted(counts.items()))


def rounds(entries: Sequence[dict[str, Any]], latency_ms: int) -> list[list[str]]:
    """The requests grouped into sequential rounds: at latency L, a request that starts less than
    L/2 after the one before it was sent while that one was still waiting."""
    grouped: list[list[str]] = []
    last: int | None = None
    for entry in sorted(entries, key=lambda e: int(e["time"])):
        name = entry["path"].rsplit("/", 1)[-1]
        if last is None or int(entry["time"]) - last >= latency_ms / 2:
            grouped.append([])
        grouped[-1].append(name)
        last = int(entry["time"])
    return grouped


def _timed(sim: SimProcess, command: Sequence[str], home: Path, ok: Sequence[int]) -> Any:
    sim.reset()
    # a fresh account: the steps' records of the previous run would read its vanished position
    # as closed outside the runner, and a target does not re-enter then (reentry: never)
    shutil.rmtree(home / "records", ignore_errors=True)
    sim.new_requests()
    seconds = run_cli([*command, "--base-url", sim.url], home=home, ok=ok).seconds
    return seconds, sim.new_requests()


def _figures(times: list[float], requests: list[list[dict[str, Any]]]) -> dict[str, Any]:
    counts = [_by_endpoint(r) for r in requests]
    return {
        **spread(times),
        "times_s": [round(t, 4) for t in times],
        "requests": len(requests[0]),
        "writes": sum(1 for e in requests[0] if e["write"]),
        "by_endpoint": counts[0],
        "same_requests_every_run": all(c == counts[0] for c in counts),
    }


def latency_series(
    args: Sequence[str], runs: int, latencies: Sequence[int], *, ok: Sequence[int], floor: int
) -> dict[str, Any]:
    """One simulator per latency, each with its own runner home; a warm-up run on each, then
    ``runs`` timed runs on each, taking turns, so that load from elsewhere on the machine falls on
    every latency alike.  Every run starts from a fresh simulated account."""
    latencies = tuple(dict.fromkeys((0, *latencies)))
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-home-")))
        sims = {lat: stack.enter_context(sim_serve(lat, rate_limit=False)) for lat in latencies}
        homes = {lat: folder / f"home-{lat}" for lat in latencies}
        for lat in latencies:
            _timed(sims[lat], args, homes[lat], ok)  # warm-up
        times: dict[int, list[float]] = {lat: [] for lat in latencies}
        logs: dict[int, list[list[dict[str, Any]]]] = {lat: [] for lat in latencies}
        for _ in range(runs):
            for lat in latencies:
                seconds, log = _timed(sims[lat], args, homes[lat], ok)
                times[lat].append(seconds)
                logs[lat].append(log)
    figures: dict[str, Any] = {f"at_{lat}ms": _figures(times[lat], logs[lat]) for lat in latencies}
    zero = figures["at_0ms"]["median_s"]
    for lat in latencies[1:]:
        at = figures[f"at_{lat}ms"]
        at["round_trips"] = round((at["median_s"] - zero) / (lat / 1000), 2)
        at["ratio_to_floor"] = round(at["round_trips"] / floor, 2)
        at["rounds"] = rounds(logs[lat][0], lat)
    return {
        **figures,
        "latencies_ms": list(latencies),
        "floor_round_trips": floor,
        "between": between(figures, latencies, floor),
    }


def between(figures: dict[str, Any], latencies: Sequence[int], floor: int) -> dict[str, Any] | None:
    """Round trips from the two highest latencies: (median wall at H - median wall at L) / (H - L).
    A wait that is not a round trip (a rate limit's window, which a run at 0 ms sits out in
    full and one at high latency not at all) falls out of the difference once both latencies
    outlast it, so this counts the round trips alone, from the clock."""
    highest = sorted(latencies)[-2:]
    if len(highest) < 2 or not highest[0]:
        return None
    low, high = highest
    trips = (figures[f"at_{high}ms"]["median_s"] - figures[f"at_{low}ms"]["median_s"]) / (
        (high - low) / 1000
    )
    return {
        "from_ms": low,
        "to_ms": high,
        "round_trips": round(trips, 2),
        "ratio_to_floor": round(trips / floor, 2),
    }


def reference(runs: int, latencies: Sequence[int]) -> dict[str, Any]:
    """plan and apply of the reference plan at 0 ms and at each of ``latencies``."""
    plan_args = ["plan", str(REFERENCE), "--detailed-exitcode"]
    apply_args = ["apply", str(REFERENCE), "--yes"]
    return {
        "plan": latency_series(plan_args, runs, latencies, ok=(2,), floor=PLAN_FLOOR_ROUND_TRIPS),
        "apply": latency_series(apply_args, runs, latencies, ok=(0,), floor=FLOOR_ROUND_TRIPS),
    }


def generated_plan(folder: Path, index: int) -> Path:
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


def rate_limit_floor(by_path: Counter[str], *, without: Sequence[str] = ()) -> float:
    """The least time the published limits allow for these requests: per endpoint (each has its
    own budget per key, IP or account, facts §2 and §5.1), the number of full windows its count
    needs (the first window is free), the slowest endpoint deciding.  Windows are taken as
    sliding, as the client keeps them: the exchange does not say how its windows are aligned,
    and a fixed-window exchange could let a burst straddle a boundary (one window less)."""
    worst = 0.0
    for endpoint in ALL:
        sent = by_path.get(endpoint.path, 0)
        if sent and endpoint.limit and endpoint.path not in without:
            windows = max(0, -(-sent // endpoint.limit) - 1)
            worst = max(worst, windows * endpoint.window_s)
    return worst


def pacing_endpoint(
    by_path: Counter[str], runs: int, *, without: Sequence[str] = ()
) -> dict[str, Any] | None:
    """The endpoint whose limit sets the steady pace of back-to-back runs: the most seconds of
    its window per run (requests per run x window / limit)."""
    best: dict[str, Any] | None = None
    for endpoint in ALL:
        sent = by_path.get(endpoint.path, 0)
        if not sent or not endpoint.limit or endpoint.path in without:
            continue
        pace = sent / runs * endpoint.window_s / endpoint.limit
        if best is None or pace > best["seconds_per_run"]:
            best = {
                "endpoint": endpoint.path,
                "requests_per_run": round(sent / runs, 2),
                "limit": endpoint.limit,
                "window_s": endpoint.window_s,
                "seconds_per_run": round(pace, 3),
            }
    return best


def back_to_back(count: int) -> dict[str, Any]:
    """``count`` applies, one process each, on one account and one runner home, limits on."""
    with (
        sim_serve(0, rate_limit=True) as sim,
        tempfile.TemporaryDirectory(prefix="bench-home-") as folder,
    ):
        home = Path(folder)
        sim.reset(futures="100000")
        plans = [generated_plan(home, i) for i in range(count)]
        sim.new_requests()
        started = time.perf_counter()
        for plan in plans:
            run_cli(["apply", str(plan), "--yes", "--base-url", sim.url], home=home)
        elapsed = time.perf_counter() - started
        log = sim.new_requests()
    by_path = Counter(str(e["path"]) for e in log)
    floor_all = rate_limit_floor(by_path)
    floor_others = rate_limit_floor(by_path, without=(TRADE_FEE_RATE.path,))
    return {
        "plans": count,
        "requests": len(log),
        "http_429": sum(1 for e in log if e["status"] == 429),
        "seconds": round(elapsed, 3),
        "fee_rate_reads": by_path.get(TRADE_FEE_RATE.path, 0),
        "busiest_endpoints": dict(by_path.most_common(4)),
        "rate_limit_floor_s": floor_all,
        "rate_limit_floor_other_endpoints_s": floor_others,
        # None when the limits allow the whole series at once (too few runs to meet a limit)
        "ratio_to_other_endpoints_floor": (
            round(elapsed / floor_others, 2) if floor_others else None
        ),
        "pacing_endpoint": pacing_endpoint(by_path, count, without=(TRADE_FEE_RATE.path,)),
    }


def run(runs: int, latencies: Sequence[int], plans: int) -> dict[str, Any]:
    interpreter = user_python()[1]
    return {
        "interpreter": interpreter,
        "reference": reference(runs, latencies),
        "back_to_back": back_to_back(plans),
    }


def print_table(results: dict[str, Any]) -> None:
    print(f"interpreter: {results['interpreter']}")
    for command, figures in results["reference"].items():
        print(f"{command} bench/plans/reference.yaml (separate processes, sim serve):")
        for lat in figures["latencies_ms"]:
            f = figures[f"at_{lat}ms"]
            line = (
                f"  {lat:>4} ms latency: median {f['median_s'] * 1000:7.1f} ms "
                f"(min {f['min_s'] * 1000:.1f}, max {f['max_s'] * 1000:.1f}, {f['runs']} runs), "
                f"{f['requests']} requests ({f['writes']} writes)"
            )
            if lat:
                line += (
                    f" -> {f['round_trips']} round trips, floor {figures['floor_round_trips']}"
                    f" (x{f['ratio_to_floor']})"
                )
            print(line)
        if figures.get("between"):
            b = figures["between"]
            print(
                f"  between {b['from_ms']} and {b['to_ms']} ms: {b['round_trips']} round trips, "
                f"floor {figures['floor_round_trips']} (x{b['ratio_to_floor']})"
            )
        slowest = figures[f"at_{figures['latencies_ms'][-1]}ms"]
        print(
            f"  rounds in the request log ({len(slowest['rounds'])}): "
            + " | ".join(", ".join(r) for r in slowest["rounds"])
        )
        for name, count in slowest["by_endpoint"].items():
            print(f"    {count:3d}  {name}")
    b2b = results["back_to_back"]
    print(
        f"{b2b['plans']} applies back to back (one process each, rate limits on): "
        f"{b2b['seconds']:.2f} s, {b2b['requests']} requests, {b2b['http_429']} x 429, "
        f"{b2b['fee_rate_reads']} fee-rate reads"
    )
    ratio = b2b["ratio_to_other_endpoints_floor"]
    print(
        "  the published limits of the other endpoints allow "
        f"{b2b['rate_limit_floor_other_endpoints_s']:.1f} s -> "
        + (f"x{ratio}" if ratio is not None else "no limit is reached by so few runs")
        + f"; with trade-fee-rate {b2b['rate_limit_floor_s']:.1f} s"
    )
    pacing = b2b.get("pacing_endpoint")
    if pacing:
        print(
            f"  pace set by {pacing['endpoint']}: {pacing['requests_per_run']} per apply at "
            f"{pacing['limit']} per {pacing['window_s']:g} s = {pacing['seconds_per_run']} s "
            f"per apply; measured {b2b['seconds'] / b2b['plans']:.2f} s per apply"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--latency-ms", type=int, nargs="+", default=list(LATENCIES_MS))
    parser.add_argument("--plans", type=int, default=30)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    results = run(args.runs, args.latency_ms, args.plans)
    print_table(results)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
