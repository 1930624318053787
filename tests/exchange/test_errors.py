"""Every code of the facts' error table (section 6) becomes its named error with a remediation;
Cloudflare pages and other non-JSON bodies are recognised without ever being parsed as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses

from runner.errors import ExitCode
from runner.exchange import ReadClient, TradeClient, wire
from runner.exchange import errors as e
from runner.exchange.codes import CODES, code_info
from runner.exchange.wire import interpret
from tests.exchange.conftest import LIVE, envelope

# (code, HTTP status per facts section 6, the family the user acts on)
FACTS_TABLE: list[tuple[int, int, type[e.ApiError]]] = [
    (30000, 404, e.EndpointNotFound),
    (30001, 401, e.KeyRejected),
    (30002, 401, e.KeyRejected),
    (30003, 401, e.KeyRejected),
    (30004, 401, e.SignatureRejected),
    (30005, 401, e.SignatureRejected),
    (30006, 401, e.TimestampRejected),
    (30007, 401, e.ClockSkewError),
    (30008, 401, e.TimestampRejected),
    (30010, 403, e.IpForbidden),
    (30011, 403, e.KeyRejected),
    (30012, 403, e.PermissionDenied),
    (30013, 429, e.RateLimited),
    (30014, 503, e.ServiceUnavailable),
    (30016, 200, e.ServiceUnavailable),
    (30017, 418, e.Banned),
    (30018, 503, e.RequestRejected),
    (30019, 200, e.PermissionDenied),
    (30030, 200, e.EndpointDeprecated),
    (30031, 200, e.EndpointDeprecated),
    *[(code, 400, e.RequestRejected) for code in range(40001, 40012)],
    (40012, 400, e.LeverageConflict),
    (40013, 400, e.ClockSkewError),
    (40014, 400, e.ContractUnavailable),
    (40015, 400, e.ContractUnavailable),
    (40016, 400, e.LiquidationRisk),
    (40017, 400, e.PositionStateError),
    (40018, 400, e.PositionStateError),
    (40019, 400, e.LiquidationRisk),
    (40020, 400, e.PositionStateError),
    (40021, 400, e.PositionStateError),
    (40022, 400, e.PositionStateError),
    (40023, 400, e.LiquidationRisk),
    (40024, 400, e.LiquidationRisk),
    (40025, 400, e.LiquidationRisk),
    (40026, 400, e.LiquidationRisk),
    (40027, 400, e.InsufficientBalance),
    (40028, 400, e.PlanOrderRejected),
    (40029, 400, e.LeverageOutOfRange),
    (40030, 400, e.LeverageOutOfRange),
    (40031, 400, e.PlanOrderRejected),
    (40032, 400, e.PlanOrderRejected),
    (40033, 400, e.PlanOrderRejected),
    (40034, 400, e.UnknownSymbol),
    (40035, 400, e.OrderNotFound),
    (40036, 400, e.OrderStateInvalid),
    (40037, 400, e.OrderNotFound),
    (40038, 400, e.RequestRejected),
    (40039, 400, e.RequestRejected),
    (40040, 400, e.LeverageConflict),
    (40041, 400, e.RequestRejected),
    (40042, 400, e.RequestRejected),
    (40043, 400, e.OrderPrecisionError),
    (40044, 400, e.OrderSizeOutOfRange),
    (40045, 400, e.RequestRejected),
    (40046, 403, e.FuturesNotAvailable),
    (40047, 403, e.FuturesNotAvailable),
    (40048, 403, e.ClientOrderIdInvalid),
    (40049, 403, e.ClientOrderIdInvalid),
    (40050, 403, e.DuplicateClientOrderId),
    (40059, 400, e.PositionModeSwitchBlocked),
    (42000, 200, e.InsufficientBalance),
    (49998, 400, e.RequestRejected),
    (25601, 400, e.ServiceUnavailable),
    (60008, 400, e.InsufficientBalance),
    (61001, 400, e.InsufficientBalance),
    (61003, 400, e.AccountLayerError),
    (61004, 400, e.DuplicateRequestNo),
    (61006, 403, e.AccountLayerError),
    (61007, 403, e.AccountLayerError),
]


def _response(status: int, body: bytes, content_type: str = "application/json") -> Any:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["Content-Type"] = content_type
    return response


def test_the_table_covers_every_mapped_code() -> None:
    assert {code for code, _, _ in FACTS_TABLE} == set(CODES)


@pytest.mark.parametrize(("code", "status", "family"), FACTS_TABLE)
def test_code_becomes_its_named_error(code: int, status: int, family: type[e.ApiError]) -> None:
    body = json.dumps({"code": code, "message": "msg", "trace": "t-9", "data": None}).encode()
    with pytest.raises(e.ApiError) as caught:
        interpret(_response(status, body), "/contract/private/submit-order")
    error = caught.value
    assert type(error) is family
    assert (error.code, error.trace, error.http_status) == (code, "t-9", status)
    assert error.remediation and error.remediation in str(error)
    assert error.exit_code is ExitCode.EXCHANGE


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (40012, "inherit the open position's leverage and margin mode"),
        (40040, "inherit the open position's leverage and margin mode"),
        (40059, "close positions and cancel orders before switching mode"),
        (30005, "BITMART_API_SECRET"),
        (30007, "clock"),
    ],
)
def test_remediation_text(code: int, advice: str) -> None:
    assert advice in code_info(code).remediation


def test_unknown_codes_still_raise_api_errors() -> None:
    body = json.dumps({"code": 47777, "message": "new"}).encode()
    with pytest.raises(e.ApiError) as caught:
        interpret(_response(400, body), "/p")
    assert type(caught.value) is e.ApiError and caught.value.remediation
    assert code_info(60123).error is e.AccountLayerError


def test_affiliate_string_code_and_request_id() -> None:
    ok = {
        "code": "1000",
        "message": "OK",
        "success": True,
        "data": {"isInviteUser": True},
        "requestId": "abc",
        "trace": None,
    }
    answer = interpret(_response(200, json.dumps(ok).encode()), "/aff")
    assert answer.data == {"isInviteUser": True} and answer.trace == "abc"


def test_cancel_without_data_key_is_success() -> None:
    body = b'{"code":1000,"message":"Ok","trace":"t"}'
    answer = interpret(_response(200, body), "/contract/private/cancel-orders")
    assert answer.data is None and not answer.has_data


CLOUDFLARE = b"<!DOCTYPE html><html><title>Attention Required! | Cloudflare</title></html>"


@pytest.mark.parametrize("status", [403, 503])
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (CLOUDFLARE, "text/html; charset=UTF-8"),
        (b"error code: 1010", "text/plain"),
        (b'{"looks":"json"}', "text/html"),
    ],
)
def test_cloudflare_pages_are_never_parsed(
    monkeypatch: pytest.MonkeyPatch, status: int, body: bytes, content_type: str
) -> None:
    def no_json(*args: object, **kwargs: object) -> object:
        raise AssertionError("an HTML/non-JSON body was handed to the JSON parser")

    monkeypatch.setattr(wire.json, "loads", no_json)
    with pytest.raises(e.CloudflareBlocked) as caught:
        interpret(_response(status, body, content_type), "/contract/private/assets-detail")
    assert caught.value.http_status == status


def test_json_403_is_bitmart_not_cloudflare() -> None:
    body = json.dumps({"code": 30010, "message": "IP is forbidden"}).encode()
    with pytest.raises(e.IpForbidden):
        interpret(_response(403, body), "/p")


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, b"<html>oops</html>", e.ProtocolError),
        (200, b'{"message":"no code"}', e.ProtocolError),
        (200, b"[1,2]", e.ProtocolError),
        (500, b"<html>500</html>", e.ServerError),
        (502, b"", e.ServerError),
        (418, b"banned", e.Banned),
    ],
)
def test_other_unreadable_replies(status: int, body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        interpret(_response(status, body, "text/html"), "/p")


def test_read_error_end_to_end(mocked: responses.RequestsMock, reader: ReadClient) -> None:
    mocked.get(
        f"{LIVE}/contract/private/assets-detail",
        status=401,
        json=envelope(code=30002, message="Header X-BM-KEY not found"),
    )
    with pytest.raises(e.KeyRejected, match="30002") as caught:
        reader.assets()
    assert "BITMART_API_KEY" in str(caught.value)
    assert len(mocked.calls) == 1  # a definite rejection is not retried


def test_write_rejection_end_to_end(mocked: responses.RequestsMock, trader: TradeClient) -> None:
    mocked.post(
        f"{LIVE}/contract/private/submit-leverage",
        status=400,
        json=envelope(code=40012, message="System error"),
    )
    with pytest.raises(e.LeverageConflict) as caught:
        trader.submit_leverage("BTCUSDT", margin_mode="cross", leverage="20")
    assert caught.value.message == "System error"
    assert "inherit the open position's leverage and margin mode" in str(caught.value)
    assert len(mocked.calls) == 1
