"""A saved plan is believed only as far as it can be recomputed.

The file carries its plan's source, the facts it was computed from, the client-order-id nonce and
the plan-order registry.  ``saved_source`` checks the source against the file's hash and name
before anything is read; the caller then reads the live account and checks the fingerprint and
the account; ``verify_saved`` compiles the source again on the saved facts (with the steps'
memory of this account, as ``plan`` did) and refuses the file (exit 3) unless that gives exactly
the stored actions — what would be sent, not the estimates or the summaries — so an edited
action, an injected transfer or a changed leverage is caught.  ``recompute`` on the live
account is the live check: the policy and live checks run again, and every risk-raising change is
classified (intent or drift) as ``apply PLAN.yaml`` would, so drift needs the same consent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from runner import pipeline
from runner.compiler import actions as act
from runner.compiler.ctx import EdgeFacts
from runner.compiler.lifecycle import Lifecycle
from runner.compiler.result import PlanResult
from runner.compiler.snapshot import Snapshot
from runner.config import Target
from runner.errors import SavedPlanStale
from runner.saved_plan import SavedPlan, action_to_json

# Estimates and texts are derived for display; they are not what is sent.
_DISPLAY_ONLY = ("summary", "est_price")


def _sent(actions: Sequence[act.Action]) -> list[dict[str, Any]]:
    out = []
    for action in actions:
        data = action_to_json(action)
        for name in _DISPLAY_ONLY:
            data.pop(name, None)
        out.append(data)
    return out


def _first_difference(stored: list[dict[str, Any]], computed: list[dict[str, Any]]) -> str:
    if len(stored) != len(computed):
        return f"it holds {len(stored)} action(s), its plan computes {len(computed)}"
    for number, (mine, theirs) in enumerate(zip(stored, computed, strict=True), 1):
        if mine != theirs:
            fields = sorted(k for k in {*mine, *theirs} if mine.get(k) != theirs.get(k))
            return f"action {number} differs in {', '.join(fields)}"
    return "its actions differ"


def saved_source(saved: SavedPlan, target: Target) -> pipeline.LoadedPlan:
    """The plan the file carries; ``SavedPlanStale`` unless it is the one it names."""
    if not saved.source:
        raise SavedPlanStale(
            f"{saved.path} carries no plan source, so its actions cannot be checked",
            hint="run `plan --out` again",
        )
    loaded = pipeline.load_source(saved.source.encode("utf-8"), saved.plan_path, target)
    if loaded.intents.plan_hash != saved.plan_hash or loaded.intents.name != saved.name:
        raise SavedPlanStale(
            f"{saved.path}: the plan source it carries does not match its hash or name",
            hint="the file was edited; run `plan --out` again and review the new diff",
        )
    return loaded


def verify_saved(
    saved: SavedPlan,
    loaded: pipeline.LoadedPlan,
    target: Target,
    *,
    lifecycle: Lifecycle,
    edge: EdgeFacts | None,
) -> PlanResult:
    """The result recomputed on the saved facts; ``SavedPlanStale`` if its actions are not what
    the file says."""
    result = recompute(saved, loaded, saved.facts, target, lifecycle=lifecycle, edge=edge)
    stored, computed = _sent(saved.actions), _sent(result.actions)
    if stored != computed:
        raise SavedPlanStale(
            f"{saved.path}: its actions are not what its plan computes from its own facts "
            f"({_first_difference(stored, computed)})",
            hint="the file was edited or damaged; run `plan --out` again and review the new diff",
        )
    return result


def recompute(
    saved: SavedPlan,
    loaded: pipeline.LoadedPlan,
    facts: Snapshot,
    target: Target,
    *,
    lifecycle: Lifecycle,
    edge: EdgeFacts | None,
) -> PlanResult:
    """The file's plan compiled on ``facts`` as ``plan --out`` compiled it.  On the live account
    it is the live check: its findings are the policy and live checks of now (a stop that would
    fire at once at today's price is an error again), and its risks say which changes raise risk
    now and why (drift against the steps' memory)."""
    return pipeline.compute(
        loaded,
        facts,
        target,
        nonce=saved.nonce,
        plan_orders=saved.plan_orders,
        lifecycle=lifecycle,
        allow_risk_increase=saved.allow_risk_increase,
        edge=edge,
    )


def with_live_risks(stored: PlanResult, checked: PlanResult, allowed: bool) -> PlanResult:
    """The saved result to show and send, with the risk classification made on the live account
    and whether this run may make drift (``allowed``: the plan's policy or
    ``--allow-risk-increase`` given to apply, not the flag the file was made with)."""
    steps = tuple(
        replace(step, risks=live.risks)
        for step, live in zip(stored.steps, checked.steps, strict=True)
    )
    return replace(stored, steps=steps, allow_risk_increase=allowed)
