"""Step records on disk: one small JSON file per account and plan, replaced atomically.

``<home>/records/<account>/<plan>.json`` maps step keys to records (position steps) and to the
hash of what every other target step said when it was last applied in full (``definitions``).
Only ``apply`` writes it, under the account lock; ``plan`` reads it.  An unreadable file reads as
empty: the steps then act as they would without memory (the exchange's state alone), which is
how the runner behaved before records existed.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from runner.compiler.lifecycle import ClosedBy, Closure, Holding, StepRecord, TriggerRef
from runner.domain import PosSide

FORMAT_VERSION = 1


def records_path(home: Path, account_id: str, plan_name: str) -> Path:
    return home / "records" / account_id / f"{plan_name}.json"


def load_records(home: Path, account_id: str, plan_name: str) -> dict[str, StepRecord]:
    path = records_path(home, account_id, plan_name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {key: _record(key, raw) for key, raw in data["steps"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def load_definitions(home: Path, account_id: str, plan_name: str) -> dict[str, str]:
    """Step key -> the hash of what the step said when last applied (an unreadable or older file
    reads as empty: every step then counts as new, the author's)."""
    path = records_path(home, account_id, plan_name)
    try:
        raw = json.loads(path.read_text(encoding="utf-8")).get("definitions", {})
        return {str(key): str(value) for key, value in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_records(
    home: Path,
    account_id: str,
    plan_name: str,
    records: Mapping[str, StepRecord],
    definitions: Mapping[str, str] | None = None,
) -> None:
    path = records_path(home, account_id, plan_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    document = {
        "format_version": FORMAT_VERSION,
        "plan": plan_name,
        "steps": {key: _plain(record) for key, record in sorted(records.items())},
        "definitions": dict(sorted((definitions or {}).items())),
    }
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


# --- encoding ----------------------------------------------------------------------------------


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def _plain(record: StepRecord) -> dict[str, Any]:
    holding = record.holding
    closure = record.closure
    return {
        "step_hash": record.step_hash,
        "symbol": record.symbol,
        "side": record.side.value,
        "holding": None
        if holding is None
        else {
            "size": str(holding.size),
            "entry_price": str(holding.entry_price),
            "since_ms": holding.since_ms,
            "entry_orders": list(holding.entry_orders),
            "protections": [
                {"order_id": p.order_id, "kind": p.kind, "trigger": str(p.trigger)}
                for p in holding.protections
            ],
        },
        "closure": None
        if closure is None
        else {
            "by": closure.by.value,
            "at_ms": closure.at_ms,
            "price": _text(closure.price),
            "pnl": _text(closure.pnl),
            "size": _text(closure.size),
        },
    }


def _record(key: str, raw: Mapping[str, Any]) -> StepRecord:
    side = PosSide(raw["side"])
    held, closed = raw.get("holding"), raw.get("closure")
    holding = None
    if held is not None:
        holding = Holding(
            symbol=raw["symbol"],
            side=side,
            size=Decimal(held["size"]),
            entry_price=Decimal(held["entry_price"]),
            since_ms=int(held["since_ms"]),
            entry_orders=tuple(str(c) for c in held.get("entry_orders", [])),
            protections=tuple(
                TriggerRef(str(p["order_id"]), str(p["kind"]), Decimal(p["trigger"]))
                for p in held.get("protections", [])
            ),
        )
    closure = None
    if closed is not None:
        closure = Closure(
            by=ClosedBy(closed["by"]),
            at_ms=None if closed.get("at_ms") is None else int(closed["at_ms"]),
            price=_dec(closed.get("price")),
            pnl=_dec(closed.get("pnl")),
            size=_dec(closed.get("size")),
        )
    return StepRecord(key, str(raw["step_hash"]), str(raw["symbol"]), side, holding, closure)
