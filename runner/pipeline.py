"""The `plan` pipeline, shared by `plan` and `apply`: load -> validate -> snapshot -> compile.

Only reads happen here, through a ``SnapshotSource`` (the read-only client has no write method),
so computing a plan cannot send a write whatever it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from runner.account import Needs, SnapshotSource, SymbolUnknown, read_snapshot
from runner.compiler.actions import OrderIds
from runner.compiler.compile import compile_plan
from runner.compiler.ctx import EdgeFacts
from runner.compiler.intents import PlanIntents
from runner.compiler.result import PlanResult
from runner.compiler.snapshot import Snapshot
from runner.config import ExchangeKind, Target
from runner.errors import PlanInvalid
from runner.findings import Finding, Severity


@dataclass(frozen=True)
class LoadedPlan:
    """A plan file that passed the offline checks (warnings may remain)."""

    intents: PlanIntents
    warnings: tuple[Finding, ...]

    @property
    def needs(self) -> Needs:
        return needs_of(self.intents)


class PlanRejected(PlanInvalid):
    """The offline checks failed: the findings say where and why."""

    def __init__(self, path: Path, findings: Sequence[Finding]) -> None:
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        super().__init__(f"{path}: {errors} error{'s' if errors != 1 else ''} in the plan")
        self.findings = tuple(findings)


def needs_of(intents: PlanIntents) -> Needs:
    return Needs(spot=intents.moves_funds, mode=intents.mode_sensitive)


def load(path: Path, target: Target) -> LoadedPlan:
    """Schema + static rules for this target; ``PlanRejected`` (exit 1) on any error."""
    from runner.compiler.adapt import from_plan
    from runner.plan import validate_file

    plan, findings = validate_file(path, target_kind=target.kind.value)
    if plan is None or any(f.severity is Severity.ERROR for f in findings):
        raise PlanRejected(path, findings)
    return LoadedPlan(from_plan(plan), tuple(findings))


def take_snapshot(
    source: SnapshotSource,
    intents: PlanIntents,
    target: Target,
    *,
    now: Callable[[], datetime],
) -> Snapshot:
    try:
        return read_snapshot(
            source, intents.symbols(), target=target.name, needs=needs_of(intents), now=now
        )
    except SymbolUnknown as exc:
        raise PlanInvalid(
            f"{intents.path}: the exchange lists no contract {', '.join(exc.symbols)}",
            hint="check the symbol's spelling (e.g. BTCUSDT)",
        ) from None


def compute(
    loaded: LoadedPlan,
    snapshot: Snapshot,
    target: Target,
    *,
    nonce: str,
    plan_orders: Mapping[str, str],
    edge: EdgeFacts | None = None,
) -> PlanResult:
    """The pure part: plan + snapshot -> actions, predicted state, findings."""
    result = compile_plan(
        loaded.intents,
        snapshot,
        OrderIds(loaded.intents.name, nonce, periods=edge.periods if edge else {}),
        transfers_supported=target.kind is not ExchangeKind.DEMO,
        plan_order_registry=plan_orders,
        ladder_fills=edge.ladder_fills if edge else None,
        once_done=edge.once_done if edge else None,
        transfers_checked=edge.transfers_checked if edge else True,
    )
    if loaded.warnings:
        result = replace(result, findings=(*loaded.warnings, *result.findings))
    return result
