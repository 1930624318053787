"""Every error code of the facts' section 6, mapped to a named error and what to do about it.

Branch on codes, never on messages (facts 6.3: messages have typos and change).  Codes the table
does not know become a plain ``ApiError`` (or ``AccountLayerError`` in the 60000-61008 range).
"""

from __future__ import annotations

from runner.exchange import errors as e
from runner.values import value


@value
class CodeInfo:
    error: type[e.ApiError]
    remediation: str


_KEY = "check BITMART_API_KEY: it must be an existing, active (not frozen or expired) API key"
_SIGN = (
    "the signature was rejected: check BITMART_API_SECRET and BITMART_API_MEMO (the memo chosen "
    "when the key was created) belong to BITMART_API_KEY"
)
_CLOCK = (
    "this computer's clock differs from BitMart's by more than a minute: enable automatic time "
    "sync (NTP) and retry"
)
_BUG = "the exchange rejected the request's parameters; please report this with the trace id"
_LEVERAGE = (
    "inherit the open position's leverage and margin mode (leave them out of the plan, or match "
    "the position), or close the position first"
)
_RANGE = "choose a leverage within the contract's range and the bracket for this notional"
_LIQ = "the order would bring the position to liquidation: reduce the size or add margin"
_POSITION = "re-read the positions: the position does not allow this size or operation"
_BALANCE = (
    "not enough available balance: move USDT to the futures wallet (ensure_balance / transfer) "
    "or reduce size or leverage"
)
_PLAN = "the plan order was refused: check its trigger price, count and life time"
_UNAVAILABLE = "BitMart is unavailable or in maintenance: retry later"
_ACCOUNT = "the account/transfer service refused the request"

_TABLE: dict[int, tuple[type[e.ApiError], str]] = {
    30000: (e.EndpointNotFound, "the host does not serve this path: check --exchange/--base-url"),
    30001: (e.KeyRejected, _KEY),
    30002: (e.KeyRejected, _KEY),
    30003: (e.KeyRejected, "the API key is frozen: unfreeze it or create a new one"),
    30004: (e.SignatureRejected, _SIGN),
    30005: (e.SignatureRejected, _SIGN),
    30006: (e.TimestampRejected, "the timestamp header was missing: please report this"),
    30007: (e.ClockSkewError, _CLOCK),
    30008: (e.TimestampRejected, "the timestamp header was malformed: please report this"),
    30010: (e.IpForbidden, "the key only accepts whitelisted IPs: add this machine's IP to it"),
    30011: (e.KeyRejected, "the API key has expired: create a new one"),
    30012: (
        e.PermissionDenied,
        "the key lacks the permission for this endpoint: enable Future-Trade on the API key",
    ),
    30013: (e.RateLimited, "too many requests: wait for the rate-limit window to pass"),
    30014: (e.ServiceUnavailable, _UNAVAILABLE),
    30016: (e.ServiceUnavailable, "BitMart is in maintenance: retry when it has finished"),
    30017: (
        e.Banned,
        "temporarily banned after repeated rate-limit errors: stop sending and wait",
    ),
    30018: (e.RequestRejected, "the request body was not JSON: please report this"),
    30019: (e.PermissionDenied, "the account is not permitted to do this: contact BitMart"),
    30030: (e.EndpointDeprecated, "BitMart removed this endpoint: upgrade bitmart-runner"),
    30031: (e.EndpointDeprecated, "BitMart removed this endpoint: upgrade bitmart-runner"),
    **{code: (e.RequestRejected, _BUG) for code in range(40001, 40012)},
    40012: (
        e.LeverageConflict,
        "40012 is BitMart's catch-all (recorded with 'System error', 'Invalid order' and "
        "'balance not enough'): read the message above; most often " + _LEVERAGE,
    ),
    40013: (e.ClockSkewError, _CLOCK),
    40014: (e.ContractUnavailable, "the contract is offline: trade another symbol"),
    40015: (e.ContractUnavailable, "trading in this contract is paused: wait and retry"),
    40016: (e.LiquidationRisk, _LIQ),
    40017: (
        e.PositionStateError,
        "cannot open and close the same position at once: wait for the other order",
    ),
    40018: (e.PositionStateError, _POSITION),
    40019: (e.LiquidationRisk, "the position is being liquidated: wait until it has finished"),
    40020: (
        e.PositionStateError,
        "closing more than the position holds: re-read the position and close at most its size",
    ),
    40021: (e.PositionStateError, "there is no position to close or protect in this symbol"),
    40022: (e.PositionStateError, "the position is not isolated: this needs isolated margin"),
    40023: (e.LiquidationRisk, _LIQ),
    40024: (e.LiquidationRisk, _LIQ),
    40025: (e.LiquidationRisk, "the position's margin would fall below its minimum"),
    40026: (e.LiquidationRisk, "the cross position is being liquidated: wait"),
    40027: (e.InsufficientBalance, _BALANCE),
    40028: (e.PlanOrderRejected, "too many plan orders: cancel some first"),
    40029: (e.LeverageOutOfRange, _RANGE),
    40030: (e.LeverageOutOfRange, _RANGE),
    40031: (e.PlanOrderRejected, "the trigger price is too far from the current price"),
    40032: (e.PlanOrderRejected, _PLAN),
    40033: (e.PlanOrderRejected, _PLAN),
    40034: (e.UnknownSymbol, "no such contract: futures symbols look like BTCUSDT (no '_')"),
    40035: (e.OrderNotFound, "no such order: it may be finished; re-read the orders"),
    40036: (e.OrderStateInvalid, "the order is already finished or not in a modifiable state"),
    40037: (e.OrderNotFound, "no such order id: re-read the orders"),
    40038: (e.RequestRejected, _BUG),
    40039: (e.RequestRejected, _BUG),
    40040: (e.LeverageConflict, _LEVERAGE),
    40041: (e.RequestRejected, _BUG),
    40042: (e.RequestRejected, _BUG),
    40043: (
        e.OrderPrecisionError,
        "prices must be multiples of the tick and sizes multiples of the step",
    ),
    40044: (
        e.OrderSizeOutOfRange,
        "size must be within min_volume..max_volume (market orders: market_max_volume)",
    ),
    40045: (e.RequestRejected, _BUG),
    40046: (e.FuturesNotAvailable, "open futures trading on this BitMart account first"),
    40047: (e.FuturesNotAvailable, "BitMart futures are not available in this country or region"),
    40048: (e.ClientOrderIdInvalid, "client order ids may only contain letters and digits"),
    40049: (e.ClientOrderIdInvalid, "client order ids may be at most 32 characters long"),
    40050: (
        e.DuplicateClientOrderId,
        "an order with this client order id exists: reconcile before sending again",
    ),
    40059: (
        e.PositionModeSwitchBlocked,
        "close positions and cancel orders before switching mode",
    ),
    42000: (e.InsufficientBalance, _BALANCE),
    49998: (e.RequestRejected, _BUG),
    25601: (e.ServiceUnavailable, "this function is suspended during an upgrade: retry later"),
    60008: (e.InsufficientBalance, _BALANCE),
    61001: (e.InsufficientBalance, _BALANCE),
    61003: (e.AccountLayerError, "no such sub-account: check the sub-account name"),
    61004: (
        e.DuplicateRequestNo,
        "a transfer with this requestNo exists: it was performed; do not send it again",
    ),
    61006: (e.AccountLayerError, "sub-account transfers are for organisation accounts only"),
    61007: (e.AccountLayerError, "this needs an institution-verified account"),
}

CODES: dict[int, CodeInfo] = {code: CodeInfo(*entry) for code, entry in _TABLE.items()}

_UNKNOWN = "see BitMart's error code list; quote the trace id when asking for help"


def code_info(code: int) -> CodeInfo:
    known = CODES.get(code)
    if known is not None:
        return known
    if 60000 <= code <= 61008:
        return CodeInfo(e.AccountLayerError, _ACCOUNT)
    return CodeInfo(e.ApiError, _UNKNOWN)


def api_error(
    code: int, message: str, *, trace: str, http_status: int | None, path: str
) -> e.ApiError:
    """The named error for ``code``, carrying its remediation."""
    info = code_info(code)
    return info.error(
        code,
        message,
        trace=trace,
        http_status=http_status,
        path=path,
        remediation=info.remediation,
    )
