"""The writing side of the trading client: the generic signed POST and the transfer list.

``post`` is the generic write the executor uses with bodies it built; the typed methods build the
documented bodies themselves.  Decimals go out as plain strings, sizes as whole contracts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from runner.exchange import endpoints as ep
from runner.exchange.endpoints import Endpoint
from runner.exchange.errors import OutcomeUnknown, ProtocolError
from runner.exchange.read_client import ReadClient
from runner.exchange.results import Accepted, Reply
from runner.exchange.signing import encode_body
from runner.exchange.transfers import TransferRecord, parse_transfer_records
from runner.exchange.transport import WriteTransport

T = TypeVar("T")
Price = Decimal | str


def accepted(reply: Reply, endpoint: str) -> Accepted:
    """Cancels answer ``"data":{}`` or no data at all (facts 16 #23): both mean accepted."""
    return Accepted(reply.trace)


def wire_decimal(value: object) -> str:
    """A price/amount as the wire wants it: a plain decimal string, never exponent notation."""
    if not isinstance(value, Decimal | str):  # the annotations exclude float; a caller may not
        raise TypeError("prices and amounts are Decimal or str, never float")
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value}")
    return format(number, "f")


def wire_size(size: object) -> int:
    """Sizes are whole contracts (facts 8.1)."""
    if isinstance(size, Decimal) and size == size.to_integral_value():
        return int(size)
    if isinstance(size, int) and not isinstance(size, bool):
        return size
    raise ValueError(f"size must be a whole number of contracts, got {size}")


def wire_order_id(order_id: str) -> int | str:
    """modify-limit-order documents an integer id; other endpoints take the string."""
    return int(order_id) if order_id.isdigit() else order_id


# The typed writes' keywords that BitMart spells differently (our names stay inside the runner).
WIRE_NAMES = {
    "margin_mode": "open_type",
    "preset_tp_price": "preset_take_profit_price",
    "preset_tp_price_type": "preset_take_profit_price_type",
    "preset_sl_price": "preset_stop_loss_price",
    "preset_sl_price_type": "preset_stop_loss_price_type",
}
# ...and those that are prices, rates or amounts: sent as plain decimal strings.
DECIMAL_FIELDS = frozenset(
    {
        "price",
        "leverage",
        "trigger_price",
        "executive_price",
        "preset_tp_price",
        "preset_sl_price",
        "activation_price",
        "callback_rate",
        "amount",
    }
)


def wire_body(**fields: object) -> dict[str, Any]:
    """A write's body from the typed writes' keywords: the ones left unset (None) out, our names
    as BitMart's (``margin_mode`` -> ``open_type``), prices as decimal strings (never a float),
    sizes as whole contracts."""
    body: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if name == "size":
            value = wire_size(value)
        elif name in DECIMAL_FIELDS or isinstance(value, Decimal):
            value = wire_decimal(value)
        body[WIRE_NAMES.get(name, name)] = value
    return body


class WriteBase(ReadClient):
    def __init__(self, transport: WriteTransport) -> None:
        super().__init__(transport)
        self._writer = transport

    @property
    def transport(self) -> WriteTransport:
        return self._writer

    def post(
        self, path: str, body: Mapping[str, Any], *, client_order_id: str | None = None
    ) -> Reply:
        """Send one signed write.  Raises ``ApiError`` (refused, nothing happened) or
        ``OutcomeUnknown`` (may have happened: reconcile before sending again)."""
        endpoint = ep.BY_PATH.get(path)
        if endpoint is None or path not in ep.WRITES:
            raise ValueError(f"not a write endpoint: {path}")
        if client_order_id is None and isinstance(body.get("client_order_id"), str):
            client_order_id = body["client_order_id"]
        return self._send(endpoint, body, client_order_id)

    def _send(
        self, endpoint: Endpoint, body: Mapping[str, Any], client_order_id: str | None = None
    ) -> Reply:
        answer = self._writer.post(endpoint, encode_body(body), client_order_id=client_order_id)
        return Reply(answer.data, answer.trace)

    def _typed(
        self,
        endpoint: Endpoint,
        body: Mapping[str, Any],
        parse: Callable[[Reply, str], T],
        client_order_id: str | None = None,
    ) -> T:
        """Write, then read the reply; an accepted write with an odd reply is not a failure to
        retry but an unknown outcome (it did happen; what it created must be read back)."""
        reply = self._send(endpoint, body, client_order_id)
        try:
            return parse(reply, endpoint.path)
        except ProtocolError as exc:
            detail = f"accepted (trace {reply.trace}) but {exc.detail}"
            raise OutcomeUnknown(endpoint.path, client_order_id, detail) from None

    def transfer_list(
        self,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        page: int = 1,
        limit: int = 100,
        currency: str | None = None,
    ) -> list[TransferRecord]:
        """Spot <-> futures transfer records; a read, though a signed POST, so retried as one."""
        body = wire_body(
            currency=currency, time_start=start_ms, time_end=end_ms, page=page, limit=limit
        )
        endpoint = ep.TRANSFER_CONTRACT_LIST
        answer = self._writer.post(endpoint, encode_body(body), retry_safe=True)
        return parse_transfer_records(answer.data, endpoint.path)
