"""Saved plans (``plan --out FILE``): the approved actions plus the facts they were computed from.

``apply FILE`` re-reads the account and refuses (exit 3) when the plan expired or any fingerprinted
fact changed: positions, orders, plan and TP/SL orders, balances, mode, leverage settings, contract
specs.  Prices are not fingerprinted (they move every second); the live checks run again instead.
Nothing secret is stored: the key appears only masked.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from runner.compiler import actions as act
from runner.compiler.guard import DEFAULT_MAX_PRICE_MOVE, saved_prices_moved
from runner.compiler.result import PlanResult
from runner.compiler.snapshot import Snapshot, fingerprint
from runner.compiler.snapshot import from_jsonable as snapshot_from_json
from runner.compiler.snapshot import to_jsonable as snapshot_to_json
from runner.domain import PriceSource
from runner.errors import ConfigError, PlanInvalid, SavedPlanStale, UsageError

KIND = "bitmart-runner-saved-plan"
# 2: actions and snapshots name order sides (open_long...), not BitMart's codes; the plan
# source, the client-order-id nonce, the plan-order registry and the account id are stored, so
# apply recomputes the actions instead of believing the file.  Format 1 files (which expire
# after 10 minutes anyway) are refused with a message to make them again.
FORMAT_VERSION = 2
DEFAULT_TTL = timedelta(minutes=10)

_ACTION_TYPES: dict[str, type[act.Action]] = {
    cls.__name__: cls
    for cls in (
        act.Transfer,
        act.SetPositionMode,
        act.SetLeverage,
        act.SubmitOrder,
        act.SubmitTpSl,
        act.ModifyTpSl,
        act.CancelTrigger,
        act.CancelOrder,
        act.CancelTrailing,
        act.SubmitTrailing,
        act.SubmitPlanOrder,
        act.ModifyLimitOrder,
        act.ModifyPreset,
        act.ModifyPlanOrder,
    )
}
# enum types by the name their fields are annotated with (``from __future__`` makes
# annotations text: "OrderSide", "Margin | None", ...), resolved where the annotations are
# written: the enums ``actions`` defines or imports
_ENUMS: dict[str, type[Enum]] = {
    name: value
    for name, value in vars(act).items()
    if isinstance(value, type) and issubclass(value, Enum) and value.__members__
}


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, act.Protection):
        percent = None if value.percent is None else str(value.percent)
        return {"trigger": str(value.trigger), "source": value.source.value, "percent": percent}
    return value


def action_to_json(action: act.Action) -> dict[str, Any]:
    data = {f.name: _encode(getattr(action, f.name)) for f in fields(action)}
    return {"type": type(action).__name__, **data}


def action_from_json(data: object) -> act.Action:
    if not isinstance(data, Mapping):
        raise ValueError(f"an action must be an object, got {type(data).__name__}")
    cls = _ACTION_TYPES.get(str(data.get("type")))
    if cls is None:
        raise ValueError(f"unknown action type {data.get('type')!r}")
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        raw = data[f.name]
        kwargs[f.name] = _decode(f.name, str(f.type), raw)
    return cls(**kwargs)


def _decode(name: str, type_text: str, raw: Any) -> Any:
    if raw is None:
        return None
    enum = _ENUMS.get(type_text.split(" | ")[0].strip())
    if enum is not None:
        return enum(raw)
    if "Protection" in type_text:
        percent = raw.get("percent")
        return act.Protection(
            _finite("trigger", raw["trigger"]),
            PriceSource(raw["source"]),
            None if percent is None else _finite("percent", percent),
        )
    if "Decimal" in type_text:
        return _finite(name, raw)
    return raw


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise TypeError(f"expected text, got {type(raw).__name__}")
    return raw


def _finite(name: str, raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ValueError(f"{name} must be a decimal string")
    value = Decimal(str(raw))  # InvalidOperation is a ValueError
    if not value.is_finite():
        raise ValueError(f"{name} is not a finite number ({raw})")
    return value


def _aware(name: str, raw: Any) -> datetime:
    value = datetime.fromisoformat(str(raw))
    if value.tzinfo is None:
        raise ValueError(f"{name} has no time zone ({raw})")
    return value


def read_plan_source(path: Path, plan_hash: str) -> bytes:
    """The plan file's bytes, as they were when the plan was computed (else an error)."""
    import hashlib

    try:
        source = path.read_bytes()
    except OSError as exc:
        raise PlanInvalid(
            f"{path}: cannot read the plan again to save it ({exc.strerror})"
        ) from None
    if hashlib.sha256(source).hexdigest() != plan_hash:
        raise PlanInvalid(
            f"{path} changed while the plan was computed: nothing was saved",
            hint="run `plan --out` again",
        )
    return source


def check_out_path(path: Path) -> None:
    """`plan --out` writes only a new file or over an earlier saved plan, never over anything
    else (the plan YAML itself, a config file, a directory)."""
    if not path.parent.is_dir():
        raise UsageError(
            f"cannot write {path}: the directory {path.parent} does not exist",
            hint="create it first, or choose another file for --out",
        )
    if not path.exists() and not path.is_symlink():
        return
    if path.is_file() and not path.is_symlink() and _is_saved_plan_file(path):
        return
    raise UsageError(
        f"refusing to overwrite {path}: it exists and is not a saved plan",
        hint="choose a new file name for --out (e.g. plan.json)",
    )


def _is_saved_plan_file(path: Path) -> bool:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and document.get("kind") == KIND


def write_saved_plan(
    path: Path,
    result: PlanResult,
    *,
    masked_key: str | None,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    source: bytes = b"",
    nonce: str = "",
    plan_orders: Mapping[str, str] | None = None,
    account: str | None = None,
    allow_risk_increase: bool = False,
) -> dict[str, Any]:
    """``source`` (the plan file's bytes), ``nonce``, ``plan_orders`` and
    ``allow_risk_increase`` (``plan --allow-risk-increase``: drift was computed, not kept) are
    what ``apply`` recomputes the actions from; ``account`` the account the facts were read
    from."""
    document = {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "plan": {
            "name": result.name,
            "path": result.path,
            "hash": result.plan_hash,
            "source": source.decode("utf-8", errors="replace"),
        },
        "target": result.target,
        "masked_key": masked_key,
        "account": account,
        "nonce": nonce,
        "plan_orders": dict(plan_orders or {}),
        "allow_risk_increase": allow_risk_increase,
        "created_at": now.astimezone(UTC).isoformat(),
        "expires_at": (now + ttl).astimezone(UTC).isoformat(),
        "fingerprint": fingerprint(result.before),
        "facts": snapshot_to_json(result.before),
        "actions": [action_to_json(a) for a in result.actions],
        "predicted": snapshot_to_json(result.predicted),
    }
    check_out_path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)  # never a half-written saved plan
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise ConfigError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint="choose a file in a directory you can write to for --out",
        ) from None
    return document


class SavedPlan:
    def __init__(self, document: Mapping[str, Any], path: Path) -> None:
        self.document = document
        self.path = path
        self.name: str = document["plan"]["name"]
        self.plan_hash: str = document["plan"]["hash"]
        self.plan_path: str = document["plan"]["path"]
        self.target: str = document["target"]
        self.source: str = _text(document["plan"].get("source", ""))
        self.account: str | None = document.get("account")
        self.masked_key: str | None = document.get("masked_key")
        self.nonce: str = _text(document.get("nonce", ""))
        self.plan_orders: dict[str, str] = {
            _text(k): _text(v) for k, v in dict(document.get("plan_orders") or {}).items()
        }
        self.allow_risk_increase = document.get("allow_risk_increase") is True
        self.fingerprint: str = document["fingerprint"]
        self.expires_at = _aware("expires_at", document["expires_at"])
        self.facts: Snapshot = snapshot_from_json(document["facts"])
        self.actions: tuple[act.Action, ...] = tuple(
            action_from_json(a) for a in document["actions"]
        )

    def check_fresh(
        self,
        live: Snapshot,
        *,
        target: str,
        now: datetime,
        account: str | None = None,
        max_price_move: Decimal = DEFAULT_MAX_PRICE_MOVE,
    ) -> None:
        """Raise ``SavedPlanStale`` (exit 3) if expired, for another target or account, the
        facts changed, or the prices it was made at no longer hold (``--max-price-move``,
        relative triggers). The account is part of what the plan relied on: the same URL and
        the same state on another account is another plan."""
        if account is not None and self.account != account:
            raise SavedPlanStale(
                f"{self.path} was made for the account with key {self.masked_key or '(none)'}, "
                "not this one",
                hint="run `plan --out` again with this account's credentials",
            )
        if target != self.target:
            raise SavedPlanStale(
                f"{self.path} was made for {self.target}, not {target}",
                hint="run `plan --out` again against this exchange",
            )
        if now >= self.expires_at:
            local = self.expires_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            raise SavedPlanStale(
                f"{self.path} expired at {local}",
                hint="run `plan --out` again and review the new diff",
            )
        if fingerprint(live) != self.fingerprint:
            changed = describe_changes(self.facts, live)
            raise SavedPlanStale(
                f"the account changed since {self.path} was made: {changed}",
                hint="run `plan --out` again and review the new diff",
            )
        moved = saved_prices_moved(self.facts, live, self.actions, max_price_move)
        if moved is not None:
            raise SavedPlanStale(
                f"{self.path} is stale: {moved}",
                hint="run `plan --out` again and review the new diff at today's prices",
            )


def describe_changes(old: Snapshot, new: Snapshot) -> str:
    before, after = snapshot_to_json(old), snapshot_to_json(new)
    names = {
        "positions": "positions",
        "open_orders": "open orders",
        "trigger_orders": "plan/TP-SL orders",
        "balances": "balances",
        "mode": "position mode",
        "settings": "leverage settings",
        "specs": "contract specs",
    }
    changed = [label for key, label in names.items() if before.get(key) != after.get(key)]
    return ", ".join(changed) or "account facts"


def load_saved_plan(path: Path) -> SavedPlan:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanInvalid(f"{path}: not a readable saved plan ({exc})") from None
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise PlanInvalid(f"{path}: not a bitmart-runner saved plan")
    if document.get("format_version") == 1:
        raise SavedPlanStale(
            f"{path} was saved by an older version (format 1, without its plan source), so its "
            "actions cannot be checked",
            hint="run `plan --out` again and review the new diff",
        )
    if document.get("format_version") != FORMAT_VERSION:
        raise PlanInvalid(
            f"{path}: saved plan format {document.get('format_version')} is not "
            f"supported (expected {FORMAT_VERSION})"
        )
    try:
        return SavedPlan(document, path)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise PlanInvalid(f"{path}: damaged saved plan ({exc})") from None


def looks_like_saved_plan(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    try:
        head = path.read_text(encoding="utf-8")[:4096]
    except OSError:
        return False
    return f'"{KIND}"' in head
