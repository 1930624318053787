"""`doctor`: one PASS / WARN / FAIL line per check, or the report as a JSON document."""

from __future__ import annotations

from typing import Any

from runner.doctor import Report, render_text
from runner.render.reporter import View
from runner.render.style import Style


class DoctorView(View[Report]):
    kind = "doctor"

    def text(self, data: Report, style: Style) -> str:
        return "\n".join(render_text(data))

    def document(self, data: Report) -> dict[str, Any]:
        document = data.to_json()
        document.pop("format_version", None)  # the reporter's envelope carries it
        return document
