"""Which parser reads which endpoint's reply: the table the capture tests walk.

Each entry takes the envelope's ``data`` and the endpoint path and returns the parsed value (the
runner's own parser for that endpoint; a write's reply parser for a write).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from runner.exchange import account, market, orders, results, transfers
from runner.exchange.fields import Fields
from runner.exchange.results import Reply
from runner.exchange.write_base import accepted

CAPTURES = Path(__file__).parent / "captures"
Parser = Callable[[Any, str], Any]


def _write(parse: Callable[[Reply, str], Any]) -> Parser:
    return lambda data, path: parse(Reply(data, ""), path)


def _position_mode(data: Any, path: str) -> str:
    return Fields(data, path, "data").text("position_mode")


PARSERS: dict[str, Parser] = {
    "/contract/public/details": market.parse_contracts,
    "/contract/public/depth": market.parse_depth,
    "/contract/public/funding-rate": market.parse_funding_rate,
    "/contract/public/funding-rate-history": market.parse_funding_history,
    "/contract/public/kline": market.parse_candles,
    "/contract/public/open-interest": market.parse_open_interest,
    "/contract/public/leverage-bracket": market.parse_brackets,
    "/system/time": market.parse_server_time,
    "/system/service": market.parse_service,
    "/contract/private/assets-detail": account.parse_assets,
    "/contract/private/trade-fee-rate": account.parse_fee_rate,
    "/contract/private/position": account.parse_positions_v1,
    "/contract/private/position-v2": account.parse_positions_v2,
    "/contract/private/position-risk": account.parse_position_risk,
    "/contract/private/get-position-mode": _position_mode,
    "/contract/private/transaction-history": account.parse_ledger,
    "/contract/private/order": orders.parse_order,
    "/contract/private/order-history": orders.parse_orders,
    "/contract/private/get-open-orders": orders.parse_orders,
    "/contract/private/current-plan-order": orders.parse_plan_orders,
    "/contract/private/trades": orders.parse_trades,
    "/account/v1/transfer-contract-list": transfers.parse_transfer_records,
    "/account/v1/transfer-contract": _write(results.transferred),
    "/contract/private/submit-order": _write(results.submitted),
    "/contract/private/submit-plan-order": _write(results.order_ref),
    "/contract/private/submit-tp-sl-order": _write(results.order_ref),
    "/contract/private/modify-plan-order": _write(results.order_ref),
    "/contract/private/modify-preset-plan-order": _write(results.order_ref),
    "/contract/private/modify-tp-sl-order": _write(results.order_ref),
    "/contract/private/cancel-order": _write(accepted),
    "/contract/private/cancel-orders": _write(accepted),
    "/contract/private/cancel-all-after": _write(results.timer_set),
    "/contract/private/submit-leverage": _write(results.leverage_set),
    "/contract/private/set-position-mode": _write(results.mode_set),
    "/spot/v2/submit_order": lambda data, path: data,  # only its error envelopes are stored
}


def load(name: str) -> dict[str, Any]:
    """The capture, with ``raw_body``: the body's exact text (numbers as written, never via
    float), sliced out of the file."""
    text = (CAPTURES / name).read_text()
    loaded: dict[str, Any] = json.loads(text)
    start = text.index(":", text.rindex('"body"')) + 1
    while text[start].isspace():
        start += 1
    _, end = json.JSONDecoder().raw_decode(text, start)
    loaded["raw_body"] = text[start:end].encode()
    assert json.loads(loaded["raw_body"]) == loaded["body"], name
    return loaded


def as_response(capture: dict[str, Any]) -> requests.Response:
    """The capture as the HTTP response ``wire.interpret`` reads (status 200 when unknown,
    except errors, which get the status the facts give their code family)."""
    response = requests.Response()
    body = capture["body"]
    status = capture["http_status"]
    if status is None:
        code = str(body.get("code", "1000"))
        status = 200 if code in ("1000", "30019") else 401 if code.startswith("300") else 400
    response.status_code = status
    response._content = capture["raw_body"]
    response.headers["Content-Type"] = capture["content_type"]
    return response
