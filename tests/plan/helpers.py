"""Shared helpers for plan tests: check YAML text in memory, summarise findings."""

from __future__ import annotations

from textwrap import dedent

from runner.findings import Finding
from runner.plan import validate_source
from runner.plan.model import Plan

PATH = "plans/test.yaml"


def check(text: str, *, target_kind: str | None = None) -> tuple[Plan | None, list[Finding]]:
    return validate_source(dedent(text).encode(), PATH, target_kind=target_kind)


def where(findings: list[Finding]) -> list[tuple[str, int, int]]:
    """(rule, line, col) of each finding, in order."""
    return [(f.rule, f.location.line, f.location.col) for f in findings if f.location]


def plan_of(text: str) -> Plan:
    plan, findings = check(text)
    assert plan is not None, findings
    assert findings == [], findings
    return plan


def with_steps(steps: str, *, head: str = "") -> str:
    """A complete plan around the given `steps:` items (already indented by two spaces)."""
    return f"version: 1\nname: t\n{dedent(head)}steps:\n{steps}"
