"""Small documents: `init` (the file written) and the simulator's control commands."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from runner.render.reporter import View
from runner.render.style import Style
from runner.values import value


@value
class Initialised:
    path: str
    symbol: str
    schema: str


class InitView(View[Initialised]):
    kind = "init"

    def text(self, data: Initialised, style: Style) -> str:
        return (
            f"wrote {data.path}: a starter plan for {data.symbol} (long, take-profit, stop-loss)\n"
            f"next: bitmart-runner validate {data.path} && bitmart-runner plan {data.path}"
        )

    def document(self, data: Initialised) -> dict[str, Any]:
        return {"path": data.path, "symbol": data.symbol, "schema": data.schema}


def _strings(value: Any) -> Any:
    """Decimals as strings, as in every other document (JSON numbers would lose exactness)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v) for v in value]
    return value


def pretty_json(value: Any, depth: int = 0) -> str:
    """Indented JSON that writes Decimals back as JSON numbers (json.dumps would quote them)."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        items = [
            f"{inner}{json.dumps(str(k))}: {pretty_json(v, depth + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value:
        items = [f"{inner}{pretty_json(v, depth + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)


@value
class SimControl:
    """A `sim` control command (price, fund, reset, state, book, clock, funding) and what the
    simulator answered."""

    command: str  # "sim price", ...
    message: str  # the line the text format prints
    answer: dict[str, Any]


class SimView(View[SimControl]):
    kind = "sim"

    def text(self, data: SimControl, style: Style) -> str:
        if data.command == "sim state":
            return pretty_json(data.answer)  # the simulator's state, as it has always printed
        return data.message

    def document(self, data: SimControl) -> dict[str, Any]:
        return {"command": data.command, "message": data.message, "answer": _strings(data.answer)}
