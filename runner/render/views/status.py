"""`status`: the account as text, or the snapshot as a JSON document; then what happened on the
account since the last apply (``activity``)."""

from __future__ import annotations

from typing import Any

from runner import DISCLAIMER
from runner.compiler.snapshot import Snapshot, to_jsonable
from runner.records.activity import Activity
from runner.render.activity_text import activity_json, render_activity
from runner.render.reporter import View
from runner.render.state_text import render_state
from runner.render.style import Style
from runner.values import value


@value
class AccountStatus:
    snapshot: Snapshot
    activity: Activity | None = None


class StatusView(View[AccountStatus]):
    kind = "status"

    def text(self, data: AccountStatus, style: Style) -> str:
        lines = render_state(data.snapshot, style)
        if data.activity is not None:
            lines = [*lines, *render_activity(data.activity)]
        return "\n".join([*lines, DISCLAIMER])

    def document(self, data: AccountStatus) -> dict[str, Any]:
        document = to_jsonable(data.snapshot)
        if data.activity is not None:
            document["activity"] = activity_json(data.activity)
        return document
