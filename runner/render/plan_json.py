"""The body of ``plan --format json``, built from the same ``PlanResult`` as the text diff.

The reporter wraps it in the envelope (``format_version``, ``kind``, ``exit_code``).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from runner.compiler.result import PlanResult
from runner.compiler.snapshot import to_jsonable
from runner.exchange.requests import request_for
from runner.money import plain
from runner.render.findings import finding_record


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.name != "loc"}
    return value


def plan_document(result: PlanResult) -> dict[str, Any]:
    """Fields kept from format_version 1 of `plan --json` (the envelope adds kind, exit_code)."""
    return {
        "plan": {"name": result.name, "path": result.path, "hash": result.plan_hash},
        "target": result.target,
        "valid": not result.has_errors,
        "changes": result.has_changes and not result.has_errors,
        "summary": result.counts(),
        # fee rates reused from the runner home: symbol -> seconds since they were read
        "fee_tier_age_seconds": dict(sorted(result.fee_ages.items())),
        # fee rates not read this run (their limit was spent): the standard tier, in estimates
        "fee_tier_standard": sorted(result.fee_standard),
        "steps": [
            {
                "index": step.index + 1,
                "key": step.key,
                "kind": step.kind,
                "action_step": step.is_action,
                "status": step.status,
                "before": _plain(dict(step.before)),
                "after": _plain(dict(step.after)),
                "requests": [
                    {
                        "op": a.op.value,
                        "category": a.category.value,
                        "summary": a.summary,
                        **request_for(a).as_json(),
                    }
                    for a in step.actions
                ],
                "estimate": _plain(step.estimate) if step.estimate else None,
                "notes": list(step.notes),
                "risks": [
                    {"what": r.what, "why": r.why.value, "reason": r.reason} for r in step.risks
                ],
            }
            for step in result.steps
        ],
        "findings": [finding_record(f) for f in result.findings],
        "before": to_jsonable(result.before),
        "predicted": to_jsonable(result.predicted),
    }
