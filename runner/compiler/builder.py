"""Collects one step's actions, findings and before/after while it compiles."""

from __future__ import annotations

from typing import Any

from runner.compiler.actions import Action
from runner.compiler.checks import Problem
from runner.compiler.intents import Intent, once_per_of
from runner.compiler.result import Estimate, StepResult
from runner.findings import Finding, Severity


class StepBuilder:
    def __init__(self, intent: Intent, *, is_action: bool) -> None:
        self.intent = intent
        self.is_action = is_action
        self.actions: list[Action] = []
        self.findings: list[Finding] = []
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}
        self.estimate: Estimate | None = None
        self.notes: list[str] = []

    def _finding(
        self, severity: Severity, rule: str, message: str, field: str, hint: str | None
    ) -> None:
        location = self.intent.loc(field) if field else self.intent.loc("")
        self.findings.append(
            Finding(rule=rule, severity=severity, message=message, location=location, hint=hint)
        )

    def error(self, rule: str, message: str, field: str = "", hint: str | None = None) -> None:
        self._finding(Severity.ERROR, rule, message, field, hint)

    def warn(self, rule: str, message: str, field: str = "", hint: str | None = None) -> None:
        self._finding(Severity.WARNING, rule, message, field, hint)

    def problems(self, problems: list[Problem], field: str) -> bool:
        """Record problems as errors at ``field``; True if there were none."""
        for rule, message, hint in problems:
            self.error(rule, message, field, hint)
        return not problems

    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def add(self, action: Action) -> None:
        self.actions.append(action)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def result(self) -> StepResult:
        return StepResult(
            index=self.intent.index,
            key=self.intent.key,
            kind=self.intent.kind,
            is_action=self.is_action,
            actions=tuple(self.actions) if not self.failed() else (),
            findings=tuple(self.findings),
            before=dict(self.before),
            after=dict(self.after),
            estimate=self.estimate,
            notes=tuple(self.notes),
            once_per=None if (period := once_per_of(self.intent)) is None else period.value,
        )
