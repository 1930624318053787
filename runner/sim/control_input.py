"""Reading /sim/* control bodies, and running a control operation on the backend.

Every problem is a ``ControlError`` (answered 400 with its message): bad JSON shapes and numbers
here, the backend's own refusals (its ``SimError`` or ``ValueError``) in ``backend_call``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from runner.sim.control_port import SimHandler
from runner.sim.errors import ControlError
from runner.sim.facade import Exchange, error_fields
from runner.sim.wire import decimal_problem

T = TypeVar("T")


def backend_call(sim: SimHandler, action: Callable[[Exchange], T]) -> T:
    """Run ``action`` on the backend (saved only when it succeeded); refusals -> ControlError."""
    problem: str | None = None
    result: Any = None
    with sim.host.use(lambda _: problem is None) as exchange:
        try:
            result = action(exchange)
        except sim.backend.error as exc:
            problem = error_fields(exc)[1]
        except (ValueError, KeyError) as exc:  # the backend's own argument checks
            problem = f"rejected by the simulator: {exc}"
        sim.remember_offset(exchange)
    if problem is not None:
        raise ControlError(problem)
    return result


def number(raw: Any, name: str) -> Decimal:
    """A finite decimal from a JSON number or string (never a bool)."""
    if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
        raise ControlError(f"{name!r} must be a decimal number (JSON number or string)")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ControlError(f"{name!r} must be a decimal number, got {raw!r}") from None
    if not value.is_finite():
        raise ControlError(f"{name!r} must be a finite number, got {raw!r}")
    return value


def decimal_field(
    body: dict[str, Any], name: str, *, required: bool, allow_zero: bool
) -> Decimal | None:
    """A price or amount: at least 0 (or above it), within the control number limits."""
    raw = body.get(name)
    if raw is None:
        if required:
            raise ControlError(f"{name!r} is required")
        return None
    value = number(raw, name)
    problem = decimal_problem(value, allow_zero=allow_zero)
    if problem is not None:
        raise ControlError(f"{name!r} {problem}, got {raw!r}")
    return value


def string_field(body: dict[str, Any], name: str) -> str:
    raw = body.get(name)
    if not isinstance(raw, str) or not raw:
        raise ControlError(f"{name!r} is required and must be a non-empty string")
    return raw


def whole_number(raw: Any, name: str) -> int:
    """A whole number of contracts or milliseconds: a JSON integer, or a string of one."""
    if isinstance(raw, bool):
        raise ControlError(f"{name} must be a whole number, got {raw!r}")
    if isinstance(raw, int):
        return raw
    value = number(raw, name)
    if value != value.to_integral_value():
        raise ControlError(f"{name} must be a whole number, got {raw!r}")
    return int(value)
