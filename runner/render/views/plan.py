"""`plan`: the dry-run diff (text), the plan document (JSON), annotations + Markdown (GitHub)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runner.compiler.result import PlanResult
from runner.findings import Finding
from runner.render.findings import github_lines
from runner.render.plan_json import plan_document
from runner.render.plan_markdown import render_markdown
from runner.render.plan_text import render_plan
from runner.render.reporter import View
from runner.render.style import Style


class PlanView(View[PlanResult]):
    kind = "plan"

    def findings(self, data: PlanResult) -> Sequence[Finding]:
        return data.findings

    def text(self, data: PlanResult, style: Style) -> str:
        return render_plan(data, style)

    def github(self, data: PlanResult, style: Style) -> str:
        """Annotations (lines starting `::`), then a Markdown summary for the job summary."""
        return "\n".join([*github_lines(data.findings), render_markdown(data)])

    def document(self, data: PlanResult) -> dict[str, Any]:
        return plan_document(data)
