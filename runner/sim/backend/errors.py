"""The backend's API errors: code, message and HTTP status as the facts publish them (3.3, 6).

Messages keep BitMart's published spelling (typos included); the two catch-all codes (40007
parse errors, 40012 "System error") carry a detail, as the real ones carry variable text.
"""

from __future__ import annotations

# code -> (HTTP status, published message)
CATALOGUE: dict[int, tuple[int, str]] = {
    30000: (404, "Not found"),
    40005: (400, "Transfer vol precision error"),
    40007: (400, "Parse parameter error"),
    40012: (400, "System error"),
    40014: (400, "This contract is offline"),
    40020: (400, "Your position volume is not enough"),
    40021: (400, "The position is not exsit"),
    40027: (400, "You contract account available balance not enough"),
    40028: (400, "Your plan order's count is more than system maximum limit"),
    40029: (400, "The order's leverage is too large"),
    40030: (400, "The order's leverage is too small"),
    40031: (400, "Deviation between current price and trigger price is too large"),
    40034: (400, "The Symbol is not exist"),
    40035: (400, "The order is not exist"),
    40036: (400, "The order status is invalid"),
    40038: (400, "The k-line step is invalid"),
    40039: (400, "The timestamp is invalid"),
    40040: (400, "The order leverage is invalid"),
    40041: (400, "The order side is invalid"),
    40042: (400, "The order type is invalid"),
    40043: (400, "The order precision is invalid"),
    40044: (400, "The order range is invalid"),
    40045: (400, "The order open type is invalid"),
    40048: (403, "ClientOrderId only allows a combination of numbers and letters"),
    40049: (403, "The maximum length of clientOrderId cannot exceed 32"),
    40050: (403, "Client OrderId duplicated with existing orders"),
    # Not in D's table; S gives the message; 400 is the 400xx pattern (facts 6.2).
    40059: (400, "Some positions exist and the mode switching fails."),
    42000: (200, "Insufficient balance"),
    # Account layer (facts 6.3); C records 400/403 for these, 403 fits a refused account type.
    60008: (400, "Balance not enough"),
    61006: (403, "Sub-account API is only available for organisation accounts"),
}

# Codes whose published text is a category: the detail says what exactly went wrong.
_DETAILED = frozenset({40007, 40012})


class SimError(Exception):
    """A business rejection: becomes ``{"code", "message"}`` with ``http_status``."""

    def __init__(self, code: int, message: str, http_status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


def reject(code: int, detail: str | None = None) -> SimError:
    """The error for ``code`` from the catalogue (a detail only where the text is variable)."""
    status, message = CATALOGUE[code]
    if detail and code in _DETAILED:
        message = detail if code == 40012 else f"{message}: {detail}"
    return SimError(code, message, status)
