"""The exchange client's one exception hierarchy (all exit code 6, via ``ExchangeUnavailable``).

``ApiError`` is a definite answer from BitMart (a JSON envelope with an error code); its named
subclasses group the codes of the facts' section 6 by what the user can do about them, and each
instance carries the remediation for its code (``runner.exchange.codes``).  The other errors are
about the path to the exchange: Cloudflare, the network, rate limits, a reply we cannot read.

``OutcomeUnknown`` is the one a writer must handle: a write may or may not have been performed,
so the caller reconciles before it sends anything again.  Messages are built from paths, codes
and the exchange's own text only; they never contain the secret or the memo.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

from runner.errors import ExchangeUnavailable


class ExchangeError(ExchangeUnavailable):
    """Base of every error the exchange client raises."""


class ApiDetails(TypedDict, total=False):
    """Where an error code came from, and what to do about it (``runner.exchange.codes``)."""

    trace: str
    http_status: int | None
    path: str
    remediation: str | None


class ApiError(ExchangeError):
    """BitMart answered with an error code (a definite rejection: nothing was performed)."""

    def __init__(self, code: int, message: str, **details: Unpack[ApiDetails]) -> None:
        path = details.get("path", "")
        remediation = details.get("remediation")
        where = f" on {path}" if path else ""
        super().__init__(f"BitMart error {code}{where}: {message}", hint=remediation)
        self.code = code
        self.message = message  # the exchange's own text (the summary is ``str(self)``)
        self.summary = f"BitMart error {code}{where}: {message}"
        self.trace = details.get("trace", "")
        self.http_status = details.get("http_status")
        self.path = path
        self.remediation = remediation

    def __str__(self) -> str:
        trace = f" (trace {self.trace})" if self.trace else ""
        hint = f"\nhint: {self.remediation}" if self.remediation else ""
        return f"{self.summary}{trace}{hint}"


# -- named families of section 6 (the code -> family table is in runner.exchange.codes) ----------


class EndpointNotFound(ApiError):
    """30000: the host does not serve this path."""


class EndpointDeprecated(ApiError):
    """30030/30031: BitMart removed the route."""


class KeyRejected(ApiError):
    """30001-30003, 30011: the API key is missing, unknown, frozen or expired."""


class SignatureRejected(ApiError):
    """30004/30005: the signature is missing or does not match (secret or memo wrong)."""


class TimestampRejected(ApiError):
    """30006/30008: the timestamp header is missing or malformed (a client bug)."""


class ClockSkewError(ApiError):
    """30007 (and 40013): the request's time is too far from the exchange's clock."""


class IpForbidden(ApiError):
    """30010: the key is bound to other IP addresses."""


class PermissionDenied(ApiError):
    """30012/30019: the key or account may not use this endpoint."""


class RateLimited(ApiError):
    """30013 / HTTP 429.  ``definite``: a JSON 30013 proves the request was not performed."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        retry_after_s: float | None = None,
        definite: bool = True,
        **details: Unpack[ApiDetails],
    ) -> None:
        super().__init__(code, message, **details)
        self.retry_after_s = retry_after_s
        self.definite = definite


class Banned(RateLimited):
    """30017 / HTTP 418: temporarily banned after repeated 429s; never retried."""


class ServiceUnavailable(ApiError):
    """30014, 30016, 25601: maintenance or an unavailable service."""


class RequestRejected(ApiError):
    """Parameter and format errors (30018, 40001-40011, 40038, 40039, 40041, 40042, 40045...)."""


class LeverageConflict(ApiError):
    """40012/40040: leverage or margin mode disagree with the open position or orders."""


class LeverageOutOfRange(ApiError):
    """40029/40030: leverage above the bracket's maximum or below the contract's minimum."""


class ContractUnavailable(ApiError):
    """40014/40015: the contract is offline or paused."""


class UnknownSymbol(ApiError):
    """40034: no such contract."""


class LiquidationRisk(ApiError):
    """40016, 40019, 40023-40026: the operation would (nearly) liquidate a position."""


class PositionStateError(ApiError):
    """40017, 40018, 40020-40022: the position cannot take this operation."""


class InsufficientBalance(ApiError):
    """40027, 42000 (and 60008/61001): not enough available balance."""


class PlanOrderRejected(ApiError):
    """40028, 40031-40033: plan order count, trigger distance or life cycle."""


class OrderNotFound(ApiError):
    """40035/40037: no order with this id."""


class OrderStateInvalid(ApiError):
    """40036: the order is already finished (or otherwise in the wrong state)."""


class OrderPrecisionError(ApiError):
    """40043: price off the tick or size off the step."""


class OrderSizeOutOfRange(ApiError):
    """40044: size outside min/max volume."""


class FuturesNotAvailable(ApiError):
    """40046/40047: futures not opened on the account, or not offered in the region."""


class ClientOrderIdInvalid(ApiError):
    """40048/40049: client order id not alphanumeric or longer than 32."""


class DuplicateClientOrderId(ApiError):
    """40050: an order with this client order id exists."""


class PositionModeSwitchBlocked(ApiError):
    """40059: positions or open orders prevent a position-mode change."""


class AccountLayerError(ApiError):
    """60000-61008: the shared account/transfer layer."""


class DuplicateRequestNo(AccountLayerError):
    """61004: a sub-account transfer with this requestNo was already made."""


# -- the path to the exchange -----------------------------------------------------------------


class CloudflareBlocked(ExchangeError):
    """An HTML (non-JSON) 403/503: Cloudflare intercepted the request; not a BitMart answer."""

    def __init__(self, path: str, http_status: int) -> None:
        super().__init__(
            f"Cloudflare intercepted {path} (HTTP {http_status}, HTML page instead of JSON)",
            hint="not a BitMart error: wait a minute and retry; if it persists, check your "
            "network, VPN or proxy",
        )
        self.path = path
        self.http_status = http_status


class ServerError(ExchangeError):
    """HTTP 5xx from BitMart (with or without a JSON envelope)."""

    def __init__(
        self, path: str, http_status: int, code: int | None = None, trace: str = ""
    ) -> None:
        what = f"code {code}" if code is not None else "no error code"
        super().__init__(
            f"BitMart server error on {path}: HTTP {http_status} ({what})",
            hint="a problem on BitMart's side; retry later",
        )
        self.path = path
        self.http_status = http_status
        self.code = code
        self.trace = trace


class NetworkError(ExchangeError):
    """The request failed in the network.  ``sent=False``: it never left this machine."""

    def __init__(self, path: str, detail: str, *, sent: bool) -> None:
        state = "the request may have reached BitMart" if sent else "the request was not sent"
        super().__init__(
            f"network error on {path}: {detail} ({state})",
            hint="check the internet connection and the exchange's status, then retry",
        )
        self.path = path
        self.detail = detail
        self.sent = sent


class ProtocolError(ExchangeError):
    """A reply that does not have the documented shape (missing field, non-JSON body...)."""

    def __init__(self, endpoint: str, detail: str) -> None:
        super().__init__(
            f"unexpected reply from {endpoint}: {detail}",
            hint="the exchange's API may have changed; please report this with the command used",
        )
        self.endpoint = endpoint
        self.detail = detail


class NotSupported(ExchangeError):
    """The target does not offer this endpoint (e.g. the spot wallet on the demo exchange)."""


class OutcomeUnknown(ExchangeError):
    """A write may or may not have been performed: reconcile before sending anything again."""

    def __init__(self, path: str, client_order_id: str | None, detail: str) -> None:
        cid = f" (client order id {client_order_id})" if client_order_id else ""
        super().__init__(
            f"outcome unknown for {path}{cid}: {detail}",
            hint="the write may have been performed; the account must be read before retrying",
        )
        self.path = path
        self.client_order_id = client_order_id
        self.detail = detail


class TimeUp(ExchangeError):
    """The command's time limit (--timeout) passed: no further request or wait is started."""

    def __init__(self, limit_s: float, doing: str) -> None:
        super().__init__(
            f"the command's time limit passed (--timeout {limit_s:g} s): {doing}",
            hint="re-run with a larger --timeout (seconds) if the exchange is slow or rate-limits",
        )
        self.limit_s = limit_s
