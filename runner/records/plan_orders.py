"""Which plan order each plan step placed, per account.

Plan orders accept no client order id (facts §11.1), so the runner remembers the exchange's id for
the order a ``plan_order`` step created; the next plan of the same step compares against that order
instead of guessing from parameters.  One small JSON file per account, replaced atomically.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path


def registry_path(home: Path, account_id: str) -> Path:
    return home / "plan-orders" / f"{account_id}.json"


def _set_aside(path: Path) -> None:
    """A damaged registry only costs recognition (compile then matches plan orders by their
    parameters); it is moved aside, kept for a bug report, and rebuilt by the next runs."""
    aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
    try:
        os.replace(path, aside)
    except OSError:
        return
    print(f"warning: {path} was damaged; set aside as {aside.name} and rebuilt", file=sys.stderr)


def _read(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, RecursionError):
        _set_aside(path)
        return {}
    except OSError:
        return {}  # unreadable (a directory?): the broken-home check names it on apply
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        _set_aside(path)
        return {}
    return {
        str(plan): {str(k): str(v) for k, v in steps.items()}
        for plan, steps in data.items()
        if isinstance(steps, dict)
    }


def load_plan_orders(home: Path, account_id: str, plan_name: str) -> dict[str, str]:
    return _read(registry_path(home, account_id)).get(plan_name, {})


def record_plan_orders(
    home: Path, account_id: str, plan_name: str, placed: Mapping[str, str]
) -> None:
    """Remember step key -> plan order id for the orders this run placed."""
    if not placed:
        return
    path = registry_path(home, account_id)
    data = _read(path)
    data.setdefault(plan_name, {}).update(placed)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def ladder_key(step_key: str, level: int) -> str:
    """Where the registry remembers the order a ladder level placed (step ids have no "/")."""
    return f"{step_key}/tp{level}"
