"""One command for every figure: prints a table and writes bench/results.json.

    python bench/run.py [--quick] [--docs [--earlier RESULTS.json]]

- plan and apply of the reference plan as separate processes against `sim serve` in its own
  process, at 0, 50 and 1000 ms of simulated latency: medians, min and max, round trips on the
  critical path against the floor, requests per endpoint (bench_apply.py);
- 30 applies back to back, one process each, with rate limits on, against what the published
  limits allow (bench_apply.py);
- cold `validate` against `import ccxt` (in a venv of its own), 1,000 plans in one process
  (bench_validate.py);
- simulator throughput (sim_throughput.py).

``--docs`` also regenerates docs/performance.md from the figures (bench/report.py).  Not part of
CI's pass/fail: it measures, it does not judge.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_apply  # noqa: E402
import bench_validate  # noqa: E402
import report  # noqa: E402
import sim_throughput  # noqa: E402


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": _cpu_model(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def headline(results: dict[str, Any]) -> dict[str, Any]:
    apply = results["apply"]["reference"]["apply"]
    cold = results["validate"]["cold_start"]
    b2b = results["apply"]["back_to_back"]
    inproc = results["validate"]["in_process"]
    slowest = apply[f"at_{apply['latencies_ms'][-1]}ms"]
    return {
        "apply_round_trips": {
            f"{lat}ms": apply[f"at_{lat}ms"]["round_trips"] for lat in apply["latencies_ms"][1:]
        },
        "apply_round_trips_between": apply.get("between"),
        "apply_rounds_in_log": len(slowest["rounds"]),
        "apply_floor_round_trips": apply["floor_round_trips"],
        "cold_validate_to_import_ccxt": cold["validate_to_import_ccxt"],
        "validate_1000_plans_s": inproc["seconds"],
        "validate_1000_plans_spread_s": [inproc.get("min_s"), inproc.get("max_s")],
        "back_to_back_s": b2b["seconds"],
        "back_to_back_to_other_endpoints_floor": b2b["ratio_to_other_endpoints_floor"],
    }


def print_headline(head: dict[str, Any]) -> None:
    print("\n== summary")
    trips = ", ".join(f"{v} at {k}" for k, v in head["apply_round_trips"].items())
    print(f"apply reference plan: {trips} round trips; floor {head['apply_floor_round_trips']}")
    between = head["apply_round_trips_between"]
    if between:
        print(
            f"  between {between['from_ms']} and {between['to_ms']} ms: "
            f"{between['round_trips']} round trips; {head['apply_rounds_in_log']} rounds in the "
            "simulator's request log"
        )
    ratio = head["cold_validate_to_import_ccxt"]
    print(
        "cold validate / import ccxt: "
        + ("unavailable (ccxt could not be installed)" if ratio is None else f"{ratio}")
    )
    low, high = head["validate_1000_plans_spread_s"]
    print(
        f"1,000 plans in one process: {head['validate_1000_plans_s']:.3f} s "
        f"(median of fresh processes; min {low}, max {high})"
    )
    print(
        f"30 applies back to back: {head['back_to_back_s']:.2f} s = "
        f"x{head['back_to_back_to_other_endpoints_floor']} of what the other endpoints' "
        "published limits allow"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--docs", action="store_true", help="regenerate docs/performance.md")
    parser.add_argument(
        "--earlier", type=Path, default=None, help="an earlier results.json to show beside"
    )
    args = parser.parse_args(argv)
    runs, plans, validate_count, seconds = (2, 3, 100, 0.5) if args.quick else (7, 30, 1000, 3.0)

    results: dict[str, Any] = {"machine": machine()}
    print("== apply and plan (separate processes against sim serve)")
    results["apply"] = bench_apply.run(runs, bench_apply.LATENCIES_MS, plans)
    bench_apply.print_table(results["apply"])

    print("\n== validate")
    results["validate"] = {
        "in_process": bench_validate.bench_in_processes(validate_count, runs),
        "cold_start": bench_validate.bench_cold_start(runs),
    }

    print("\n== simulator throughput")
    with tempfile.NamedTemporaryFile("r", suffix=".json") as figures:
        sim_throughput.main(["--seconds", str(seconds), "--json", figures.name])
        results["simulator"] = json.loads(Path(figures.name).read_text() or "{}")

    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["summary"] = headline(results)
    print_headline(results["summary"])
    args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"\nwrote {args.out}")
    if args.docs:
        earlier = json.loads(args.earlier.read_text("utf-8")) if args.earlier else None
        print(f"wrote {report.write(results, earlier=earlier)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
