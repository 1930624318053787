"""One command for every figure: prints a table and writes bench/results.json.

    python bench/run.py [--quick]

- apply of the reference plan at 0 and 50 ms simulated latency (requests by endpoint, round trips
  on the critical path, wall time, ratio to the floor and to BitMart's sequential flow);
- 30 plans applied back to back on one account (429s, time against the rate-limit floor);
- validate: 1,000 plans in one process; cold start of `validate` and `--help` (and of
  `import ccxt` when it is installed);
- simulator throughput (reads and signed writes per second).

Not part of CI's pass/fail: it measures, it does not judge.  `docs/performance.md` carries the
latest figures with the machine they came from.
"""

from __future__ import annotations

import argparse
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
import sim_throughput  # noqa: E402


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    plans, validate_count, runs, seconds = (5, 100, 2, 0.5) if args.quick else (30, 1000, 5, 3.0)

    results: dict[str, Any] = {"machine": machine()}
    print("== apply (simulator over HTTP)")
    results["apply"] = bench_apply.run(50, plans)
    bench_apply.print_table(results["apply"])

    print("\n== validate")
    results["validate"] = {
        "in_process": bench_validate.bench_in_process(validate_count),
        "cold_start": bench_validate.bench_cold_start(runs),
    }
    help_s = bench_validate.best_of([sys.executable, "-m", "runner", "--help"], runs)
    results["validate"]["cold_start"]["help_seconds"] = help_s
    print(f"cold start: python -m runner --help: {help_s * 1000:.0f} ms (best of {runs})")

    print("\n== simulator throughput")
    with tempfile.NamedTemporaryFile("r", suffix=".json") as figures:
        sim_throughput.main(["--seconds", str(seconds), "--json", figures.name])
        results["simulator"] = json.loads(Path(figures.name).read_text() or "{}")

    args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
