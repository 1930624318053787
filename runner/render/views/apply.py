"""`apply`: the report of what ran (the diff before it is the plan view's job).

The JSON document holds each step's outcome, the verification and the account afterwards; not
the plan again (`plan --format json` is that document).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runner import DISCLAIMER
from runner.compiler import actions as act
from runner.compiler.snapshot import to_jsonable
from runner.execute.executor import ApplyReport, Outcome
from runner.findings import Finding
from runner.render.findings import finding_record
from runner.render.report import render_report
from runner.render.reporter import View
from runner.render.style import Style
from runner.values import value


@value
class Applied:
    """What an apply run ended with, as the command hands it to the reporter."""

    path: str
    source: str  # "plan" (a plan file) or "saved" (a saved plan from `plan --out`)
    name: str | None
    plan_hash: str | None
    target: str
    symbols: tuple[str, ...]
    planned: tuple[act.Action, ...]
    findings: tuple[Finding, ...]
    report: ApplyReport | None
    skipped: tuple[tuple[int, act.Action, str], ...] = ()

    @property
    def outcome(self) -> str:
        if any(f.is_error for f in self.findings):
            return "invalid"
        if self.report is None:
            return "no_changes"
        if self.report.interrupted:
            return "interrupted"
        return "applied" if self.report.complete else "stopped"


def _action_fields(action: act.Action) -> dict[str, Any]:
    return {
        "summary": action.summary,
        "op": action.op.value,
        "category": action.category.value,
        "plan_step": action.step_index + 1,
        "client_order_id": action.client_order_id,
    }


def _outcome_record(outcome: Outcome) -> dict[str, Any]:
    return {
        "number": outcome.number,
        **_action_fields(outcome.action),
        "status": outcome.status.name.lower(),
        "detail": outcome.detail,
        "verified": outcome.verified,
        "trace": outcome.trace,
        "at": outcome.at.isoformat() if outcome.at else None,
    }


def _skipped_record(number: int, action: act.Action, reason: str) -> dict[str, Any]:
    return {
        "number": number,
        **_action_fields(action),
        "status": "skipped",
        "detail": reason,
        "verified": None,
        "trace": None,
        "at": None,
    }


class ApplyView(View[Applied]):
    kind = "apply"

    def findings(self, data: Applied) -> Sequence[Finding]:
        return data.findings

    def text(self, data: Applied, style: Style) -> str:
        if data.report is None:
            return ""  # the diff shown before already ended with the outcome
        lines = render_report(data.report, style, symbols=data.symbols, skipped=data.skipped)
        return "\n".join([*lines, DISCLAIMER])

    def github(self, data: Applied, style: Style) -> str:
        return self.text(data, style)  # the findings were annotated with the diff

    def document(self, data: Applied) -> dict[str, Any]:
        report = data.report
        steps = [_skipped_record(*entry) for entry in data.skipped]
        steps += [_outcome_record(o) for o in report.outcomes] if report else []
        return {
            "plan": {"name": data.name, "path": data.path, "hash": data.plan_hash},
            "source": data.source,
            "target": data.target,
            "outcome": data.outcome,
            "changes": len(data.planned),
            "applied": len(report.applied) if report else 0,
            "steps": steps,
            "verification": None
            if report is None
            else {"complete": report.complete, "error": report.verify_error},
            "final": to_jsonable(report.final) if report and report.final else None,
            "findings": [finding_record(f) for f in data.findings],
        }
