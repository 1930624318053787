"""Request parameters read the way the exchange reads them (facts section 1).

GET parameters arrive as query strings; POST parameters as parsed JSON, where integers must be
JSON integers (``size``, ``side``, ``mode`` ...) and prices may be strings or numbers.  A value of
the wrong kind is a 40007 parse error unless the facts name a more specific code.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from runner.sim.backend.errors import reject
from runner.sim.backend.markets import ContractSpec, spec_of

_DIGITS = re.compile(r"-?[0-9]+")


class Params:
    def __init__(self, raw: dict[str, Any], *, from_query: bool) -> None:
        self.raw = raw
        self.from_query = from_query

    def has(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is not None and value != ""

    def spec(self) -> ContractSpec:
        return spec_of(self.text("symbol", required=True, code=40034))

    def optional_spec(self) -> ContractSpec | None:
        return self.spec() if self.has("symbol") else None

    def text(self, name: str, *, required: bool = False, code: int = 40007) -> str:
        value = self.raw.get(name)
        if value is None or value == "":
            if required:
                raise reject(code, f"{name} is required")
            return ""
        if not isinstance(value, str):
            raise reject(code, f"{name} must be a string")
        return value

    def integer(self, name: str, *, code: int = 40007, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or (self.from_query and value == ""):
            return default
        if self.from_query and isinstance(value, str) and _DIGITS.fullmatch(value):
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise reject(code, f"{name} must be an integer")

    def required_int(self, name: str, *, code: int = 40007) -> int:
        value = self.integer(name, code=code)
        if value is None:
            raise reject(code, f"{name} is required")
        return value

    def decimal(self, name: str, *, code: int = 40007) -> Decimal | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise reject(code, f"{name} must be a decimal string")
        try:
            parsed = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
        except InvalidOperation:
            raise reject(code, f"{name} must be a decimal string") from None
        if not parsed.is_finite():
            raise reject(code, f"{name} must be finite")
        return parsed

    def required_decimal(self, name: str, *, code: int = 40007) -> Decimal:
        value = self.decimal(name, code=code)
        if value is None:
            raise reject(code, f"{name} is required")
        return value

    def positive_price(self, name: str, spec: ContractSpec, *, required: bool) -> Decimal | None:
        """A price > 0 on the contract's tick (40043 when off the tick)."""
        value = self.required_decimal(name) if required else self.decimal(name)
        if value is None:
            return None
        if value <= 0:
            raise reject(40007, f"{name} must be greater than zero")
        if value % spec.tick != 0:
            raise reject(40043)
        return value

    def ident(self, name: str) -> str:
        """An order id sent as a string or a number (facts section 1)."""
        value = self.raw.get(name)
        if value is None or value == "":
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            return value.strip()
        raise reject(40007, f"{name} must be an order id")

    def choice(self, name: str, allowed: tuple[Any, ...], value: Any, code: int) -> Any:
        if value not in allowed:
            raise reject(code, f"{name} must be one of {allowed}")
        return value
