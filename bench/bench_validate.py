"""Validation speed: the CLI's cold start against `import ccxt`, and 1,000 plans in one process.

Cold start: ``python -m runner validate plans/examples/btc-long.yaml`` as a fresh process (byte
code cached, as after an install), the median of ``--runs`` after a warm-up, taking turns with
``python -c "import ccxt"`` run in a venv of its own that the bench creates under the cache
directory (``pip install ccxt==4.5.70``; if that fails the comparison is reported unavailable).
Also ``python -c pass`` for each interpreter, so the start-up both pay is visible.

In process: ``validate_source`` over 1,000 generated plans (load, schema, model, rules), the first
call included (it builds whatever is built lazily), in ``--runs`` fresh processes: the median,
with min and max.  A benchmark, not a test: nothing is asserted.

    python bench/bench_validate.py [--plans 1000] [--runs 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from simproc import REPO, cache_dir, runner_env, runner_venv_python, user_python  # noqa: E402

EXAMPLE = REPO / "plans" / "examples" / "btc-long.yaml"
SYMBOLS = {"BTCUSDT": 65000, "ETHUSDT": 3200, "SOLUSDT": 150}
CCXT_VERSION = "4.5.70"


def position_step(rng: random.Random, kind: str, targeted: set[str]) -> str:
    """A position target or an open; a symbol holds at most one target and nothing else trades
    it afterwards (two targets, or a target a later step trades, are contradictions)."""
    free = [(s, p) for s, p in SYMBOLS.items() if s not in targeted]
    if not free:
        return f"  - ensure_balance: {{min_available: {rng.randint(100, 5000)}}}\n"
    symbol, price = rng.choice(free)
    if kind == "position":
        targeted.add(symbol)
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


def other_step(rng: random.Random, index: int, targeted: set[str]) -> str:
    free = [(s, p) for s, p in SYMBOLS.items() if s not in targeted]
    if not free:
        return f"  - ensure_balance: {{min_available: {rng.randint(100, 5000)}}}\n"
    symbol, price = rng.choice(free)
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
        targeted: set[str] = set()
        for i in range(rng.randint(2, 12)):
            if rng.random() < 0.5:
                steps.append(position_step(rng, rng.choice(["position", "open"]), targeted))
            else:
                steps.append(other_step(rng, i, targeted))
        head = f"version: 1\nname: generated-{n}\npolicy: {{max_leverage: 25}}\nsteps:\n"
        plans.append((head + "".join(steps)).encode())
    return plans


def bench_in_process(count: int) -> dict[str, Any]:
    from runner.plan import validate_source

    plans = generated_plans(count)
    invalid = 0
    started = time.perf_counter()
    for i, source in enumerate(plans):
        plan, findings = validate_source(source, f"generated-{i}.yaml")
        invalid += plan is None or any(f.is_error for f in findings)
    elapsed = time.perf_counter() - started
    per_plan = elapsed / count * 1000
    print(f"validated {count} plans in one process: {elapsed:.3f} s ({per_plan:.2f} ms/plan)")
    if invalid:
        print(f"  note: {invalid} generated plans had errors")
    return {"plans": count, "seconds": round(elapsed, 4), "invalid": invalid}


def bench_in_processes(count: int, runs: int) -> dict[str, Any]:
    """``bench_in_process`` in ``runs`` fresh processes on the user's interpreter (the runner-deps
    venv, as in the cold start): each process imports the runner, then times ``count`` plans,
    its first call included.  One process's figure moves with what else the machine runs; the
    median of several, with their spread, is what a rerun reproduces."""
    python = user_python()[0]
    command = [python, str(Path(__file__).resolve()), "--one-process", str(count)]
    times: list[float] = []
    invalid = 0
    for _ in range(runs):
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, env=runner_env(), check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr}")
        figures = json.loads(done.stdout.splitlines()[-1])
        times.append(figures["seconds"])
        invalid = figures["invalid"]
    result = {"plans": count, **spread(times), "times_s": times, "invalid": invalid}
    result["seconds"] = result["median_s"]
    print(
        f"validated {count} plans in one process, {runs} processes: median "
        f"{result['seconds']:.3f} s (min {result['min_s']:.3f}, max {result['max_s']:.3f})"
    )
    return result


def ccxt_python() -> tuple[Path | None, str]:
    """The interpreter of a venv holding ccxt (created and installed once), or why there is none."""
    venv = cache_dir() / f"ccxt-{CCXT_VERSION}"
    python = venv / "bin" / "python"
    check = [str(python), "-c", f"import ccxt; assert ccxt.__version__ == '{CCXT_VERSION}'"]
    if python.exists() and subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return python, f"ccxt {CCXT_VERSION} in {venv}"
    print(f"creating a venv with ccxt=={CCXT_VERSION} in {venv} (once) ...")
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "-q", f"ccxt=={CCXT_VERSION}"],
        check,
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            why = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["failed"]
            return None, f"could not install ccxt=={CCXT_VERSION}: {why[0]}"
    return python, f"ccxt {CCXT_VERSION} in {venv}"


def _once(command: Sequence[str], env: dict[str, str] | None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, cwd=REPO, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()}")
    return elapsed


def spread(values: Sequence[float]) -> dict[str, Any]:
    return {
        "runs": len(values),
        "median_s": round(statistics.median(values), 4),
        "min_s": round(min(values), 4),
        "max_s": round(max(values), 4),
    }


def taking_turns(commands: dict[str, list[str]], runs: int) -> dict[str, dict[str, Any]]:
    """A warm-up of each, then ``runs`` rounds in which every command runs once."""
    env = runner_env()
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        _once(command, env)
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(_once(command, env))
    return {name: spread(values) for name, values in times.items()}


def bench_cold_start(runs: int) -> dict[str, Any]:
    commands = {
        "validate": [sys.executable, "-m", "runner", "validate", str(EXAMPLE)],
        "help": [sys.executable, "-m", "runner", "--help"],
        "python": [sys.executable, "-c", "pass"],
    }
    runner_python, runner_about = runner_venv_python()
    if runner_python is not None:
        commands["validate_venv"] = [str(runner_python), "-m", "runner", "validate", str(EXAMPLE)]
        commands["runner_venv_python"] = [str(runner_python), "-c", "pass"]
    ccxt, about = ccxt_python()
    if ccxt is not None:
        commands["import_ccxt"] = [str(ccxt), "-c", "import ccxt"]
        commands["ccxt_venv_python"] = [str(ccxt), "-c", "pass"]
    figures: dict[str, Any] = taking_turns(commands, runs)
    figures["ccxt"] = about
    figures["runner_venv"] = runner_about if runner_python is not None else None
    ratio = raw_ratio = None
    if ccxt is not None:
        ccxt_s = figures["import_ccxt"]["median_s"]
        # like for like: both from a venv of their own, as installed
        same = "validate_venv" if runner_python is not None else "validate"
        ratio = round(figures[same]["median_s"] / ccxt_s, 3)
        raw_ratio = round(figures["validate"]["median_s"] / ccxt_s, 3)
    figures["validate_to_import_ccxt"] = ratio
    figures["dev_interpreter_validate_to_import_ccxt"] = raw_ratio
    for name in commands:
        f = figures[name]
        print(
            f"cold start {name:>16}: median {f['median_s'] * 1000:6.0f} ms "
            f"(min {f['min_s'] * 1000:.0f}, max {f['max_s'] * 1000:.0f}, {f['runs']} runs)"
        )
    if ratio is None:
        print(f"import ccxt: comparison unavailable ({about})")
    else:
        print(f"cold validate / import ccxt = {ratio} (both in a venv of their own)")
        print(f"  with this development interpreter instead: {raw_ratio}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--one-process", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_process is not None:  # a child of bench_in_processes: the figures as JSON
        with contextlib.redirect_stdout(sys.stderr):
            figures = bench_in_process(args.one_process)
        print(json.dumps(figures))
        return
    results = {
        "in_process": bench_in_processes(args.plans, args.runs),
        "cold_start": bench_cold_start(args.runs),
    }
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
