"""The plan language: load a YAML plan with locations, check it offline, and type it.

    plan, findings = validate_file(path, target_kind="paper")

``validate_file`` never raises for a bad plan: every problem is a located ``Finding``.
``load_plan`` is the strict form: it returns the ``Plan`` or raises ``InvalidPlanFile`` (exit 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from runner.errors import PlanInvalid
from runner.findings import Finding
from runner.plan.model import Plan


class InvalidPlanFile(PlanInvalid):
    """A plan with at least one error finding."""

    def __init__(self, path: str, findings: Sequence[Finding]) -> None:
        errors = [f for f in findings if f.is_error]
        first = errors[0] if errors else findings[0]
        where = f"{first.location}: " if first.location else f"{path}: "
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{where}{first.message}{more}", hint=first.hint)
        self.findings = tuple(findings)


def validate_source(
    source: bytes, path: str, *, target_kind: str | None = None
) -> tuple[Plan | None, list[Finding]]:
    """Check the bytes of a plan file; ``path`` is only used to name locations."""
    # imported here so that `runner.plan.model` (used by the compiler) does not pull in the YAML
    # loader and jsonschema
    from runner.plan.build import build_plan
    from runner.plan.load import PlanLoadError, load_document
    from runner.plan.rules import check_rules
    from runner.plan.schema import schema_findings

    try:
        document = load_document(source, path)
    except PlanLoadError as exc:
        return None, list(exc.findings)
    findings = schema_findings(document)
    if findings:
        return None, findings
    plan = build_plan(document)
    return plan, check_rules(plan, target_kind=target_kind)


def validate_file(
    path: Path | str, *, target_kind: str | None = None
) -> tuple[Plan | None, list[Finding]]:
    """Load and check one plan file: the plan (None when it could not be built) and findings."""
    from runner.plan.load import PlanLoadError, read_source

    try:
        source = read_source(Path(path))
    except PlanLoadError as exc:
        return None, list(exc.findings)
    return validate_source(source, str(path), target_kind=target_kind)


def load_plan(path: Path | str, *, target_kind: str | None = None) -> Plan:
    """The plan, or ``InvalidPlanFile`` if it has any error (warnings are allowed)."""
    plan, findings = validate_file(path, target_kind=target_kind)
    if plan is None or any(f.is_error for f in findings):
        raise InvalidPlanFile(str(path), findings)
    return plan


__all__ = ["InvalidPlanFile", "Plan", "load_plan", "validate_file", "validate_source"]
