"""`status`: the account as text, or the snapshot as a JSON document."""

from __future__ import annotations

from typing import Any

from runner import DISCLAIMER
from runner.compiler.snapshot import Snapshot, to_jsonable
from runner.render.reporter import View
from runner.render.state_text import render_state
from runner.render.style import Style


class StatusView(View[Snapshot]):
    kind = "status"

    def text(self, data: Snapshot, style: Style) -> str:
        return "\n".join([*render_state(data, style), DISCLAIMER])

    def document(self, data: Snapshot) -> dict[str, Any]:
        return to_jsonable(data)
