"""Validation speed: 1,000 generated plans in one process, and the CLI's cold start.

Prints how long ``validate_source`` takes over 1,000 varied plans (load, schema, model, rules),
the cold-start time of ``python -m runner validate plans/examples/btc-long.yaml`` (best of 5,
each a fresh interpreter), and for comparison ``python -c "import ccxt"`` when ccxt is
installed.  A benchmark, not a test: nothing is asserted.

    python bench/bench_validate.py [--plans 1000] [--runs 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from runner.plan import validate_source

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "plans" / "examples" / "btc-long.yaml"
SYMBOLS = {"BTCUSDT": 65000, "ETHUSDT": 3200, "SOLUSDT": 150}


def position_step(rng: random.Random, kind: str) -> str:
    symbol, price = rng.choice(list(SYMBOLS.items()))
    side = rng.choice(["long", "short"])
    up, down = ("+", "-") if side == "long" else ("-", "+")
    return (
        f"  - {kind}:\n"
        f"      symbol: {symbol}\n"
        f"      side: {side}\n"
        f"      size: {rng.randint(1, 50)}\n"
        f"      leverage: {rng.randint(1, 20)}\n"
        f"      margin: {rng.choice(['isolated', 'cross'])}\n"
        f"      entry: {{type: limit, price: {price}, mode: gtc}}\n"
        f'      take_profit: {{trigger: "{up}{rng.randint(2, 9)}%", price_type: last}}\n'
        f'      stop_loss: {{trigger: "{down}{rng.randint(1, 5)}.5%", price_type: mark}}\n'
    )


def other_step(rng: random.Random, index: int) -> str:
    symbol, price = rng.choice(list(SYMBOLS.items()))
    return rng.choice(
        [
            f"  - ensure_balance: {{min_available: {rng.randint(100, 5000)}}}\n",
            f"  - transfer: {{to_futures: {rng.randint(1, 900)}.25}}\n",
            f"  - leverage: {{symbol: {symbol}, leverage: 5, margin: cross}}\n",
            f"  - cancel: {{symbol: {symbol}, what: orders}}\n",
            f"  - close: {{symbol: {symbol}, side: long, size: all}}\n",
            f"  - id: po-{index}\n    plan_order: {{symbol: {symbol}, side: long, size: 2,"
            f" trigger: {price}, order: {{type: market}}, stop_loss: {price // 2}}}\n",
        ]
    )


def generated_plans(count: int, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    plans = []
    for n in range(count):
        steps = ["  - position_mode: hedge\n"]
        for i in range(rng.randint(2, 12)):
            if rng.random() < 0.5:
                steps.append(position_step(rng, rng.choice(["position", "open"])))
            else:
                steps.append(other_step(rng, i))
        head = f"version: 1\nname: generated-{n}\npolicy: {{max_leverage: 25}}\nsteps:\n"
        plans.append((head + "".join(steps)).encode())
    return plans


def bench_in_process(count: int) -> dict[str, float]:
    plans = generated_plans(count)
    started = time.perf_counter()
    invalid = 0
    for i, source in enumerate(plans):
        plan, findings = validate_source(source, f"generated-{i}.yaml")
        invalid += plan is None or any(f.is_error for f in findings)
    elapsed = time.perf_counter() - started
    print(f"validated {count} plans in {elapsed:.3f} s ({elapsed / count * 1000:.2f} ms/plan)")
    if invalid:
        print(f"  note: {invalid} generated plans had errors")
    return {"plans": count, "seconds": elapsed, "ms_per_plan": elapsed / count * 1000}


def best_of(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True, cwd=REPO)
        times.append(time.perf_counter() - started)
    return min(times)


def bench_cold_start(runs: int) -> dict[str, float | None]:
    validate = best_of([sys.executable, "-m", "runner", "validate", str(EXAMPLE)], runs)
    print(
        f"cold start: python -m runner validate btc-long.yaml: {validate * 1000:.0f} ms"
        f" (best of {runs})"
    )
    baseline = best_of([sys.executable, "-c", "pass"], runs)
    print(f"cold start: python -c pass: {baseline * 1000:.0f} ms (best of {runs})")
    ccxt: float | None = None
    if importlib.util.find_spec("ccxt") is not None:
        ccxt = best_of([sys.executable, "-c", "import ccxt"], runs)
        print(f'cold start: python -c "import ccxt": {ccxt * 1000:.0f} ms (best of {runs})')
    else:
        print("ccxt is not installed here: no import-time comparison")
    return {"validate_seconds": validate, "python_seconds": baseline, "ccxt_seconds": ccxt}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    results = {
        "in_process": bench_in_process(args.plans),
        "cold_start": bench_cold_start(args.runs),
    }
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
