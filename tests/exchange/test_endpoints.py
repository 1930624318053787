"""Every one of the 53 endpoints plus the spot wallet: the typed method sends the right request
with the right auth, and parses the facts' own example into Decimals and milliseconds."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from runner.exchange import TradeClient
from runner.exchange import endpoints as ep
from runner.exchange.signing import Auth
from tests.exchange.conftest import LIVE, SPOT
from tests.exchange.examples import DATA, body_for

D = Decimal


@dataclass(frozen=True)
class Case:
    endpoint: ep.Endpoint
    call: Callable[[TradeClient], Any]
    check: Callable[[Any], None]
    sent: dict[str, Any] | None = None  # query or body parameters expected on the wire


def _first(result: Any) -> Any:
    assert isinstance(result, list) and result
    return result[0]


def _check_contract(rows: Any) -> None:
    c = _first(rows)
    assert (c.symbol, c.tick, c.step, c.contract_size) == ("BTCUSDT", D("0.1"), D(1), D("0.001"))
    assert (c.market_max_volume, c.max_leverage, c.status) == (D(50000), D(100), "Trading")
    assert c.delist_time_ms is None and c.funding_time_ms == 1773158400000


def _check_order(o: Any) -> None:
    assert (o.order_id, o.client_order_id, o.side, o.state) == ("3000013086011694", "", 1, 4)
    assert (o.avg_price, o.filled, o.price, o.margin_mode) == (
        D("58.45"),
        D(1),
        D("58.48"),
        "cross",
    )
    assert o.preset_tp_price is None and o.preset_tp_price_type == 0  # "" means unset
    assert o.activation_price is None and o.create_time_ms == 1723028432693


CASES = [
    Case(ep.DETAILS, lambda c: c.contracts("BTCUSDT"), _check_contract, {"symbol": "BTCUSDT"}),
    Case(
        ep.DEPTH,
        lambda c: c.depth("BTCUSDT"),
        lambda d: (
            (d.asks[1].total, d.bids[0].price, d.time_ms) == (D(470), D("67120.0"), 1709971200000)
        ),
    ),
    Case(
        ep.MARKET_TRADE,
        lambda c: c.market_trades("BTCUSDT", limit=10),
        lambda r: (_first(r).qty, _first(r).time_ms) == (D("0.037"), 1750347973000),
        {"symbol": "BTCUSDT", "limit": "10"},
    ),
    Case(
        ep.FUNDING_RATE,
        lambda c: c.funding_rate("BTCUSDT"),
        lambda f: (f.previous_rate, f.lower_limit) == (D("0.000164"), D("-0.0375")),
    ),
    Case(
        ep.FUNDING_RATE_HISTORY,
        lambda c: c.funding_rate_history("BTCUSDT"),
        lambda r: _first(r).time_ms == 1733979600000,  # a string of ms on the wire
    ),
    Case(
        ep.KLINE,
        lambda c: c.klines("BTCUSDT", start_s=1662518100, end_s=1662518200, step=5),
        lambda r: (_first(r).time_ms, _first(r).close) == (1662518160000, D(120)),
        {"symbol": "BTCUSDT", "step": "5", "start_time": "1662518100", "end_time": "1662518200"},
    ),
    Case(
        ep.MARKPRICE_KLINE,
        lambda c: c.mark_price_klines("BTCUSDT", start_s=1, end_s=2),
        lambda r: _first(r).volume == D(0),
    ),
    Case(
        ep.OPEN_INTEREST,
        lambda c: c.open_interest("BTCUSDT"),
        lambda o: o.open_interest == D("265231.721368593081729069"),
    ),
    Case(
        ep.LEVERAGE_BRACKET,
        lambda c: c.leverage_brackets("FUNUSDT"),
        lambda b: (
            [(x.bracket, x.max_leverage, x.cum) for x in b["FUNUSDT"]]
            == [(1, D(50), D(0)), (2, D(25), D(100))]
        ),
    ),
    Case(
        ep.ASSETS_DETAIL,
        lambda c: c.assets(),
        lambda r: (_first(r).currency, _first(r).position_margin) == ("USDT", D(100)),
    ),
    Case(
        ep.TRADE_FEE_RATE,
        lambda c: c.fee_rate("BTCUSDT"),
        lambda f: (f.taker, f.maker) == (D("0.0006"), D("0.0002")),
    ),
    Case(
        ep.POSITION,
        lambda c: c.positions_v1("BTCUSDT"),
        lambda r: (
            (_first(r).side, _first(r).margin_mode, _first(r).size) == ("short", "isolated", D(899))
        ),
    ),
    Case(
        ep.POSITION_V2,
        lambda c: c.positions_v2("BTCUSDT"),
        lambda r: (
            (_first(r).side, _first(r).size, _first(r).signed_size, _first(r).margin_mode)
            == ("long", D(100), D(100), "cross")
            and _first(r).liquidation_price == D("60500.0")
            and _first(r).open_time_ms == 1709942400000
        ),
    ),
    Case(
        ep.POSITION_RISK,
        lambda c: c.position_risk(),
        lambda r: (_first(r).side, _first(r).update_time_ms) == ("long", 1712390438000),
    ),
    Case(ep.GET_POSITION_MODE, lambda c: c.position_mode(), lambda m: m == "one_way_mode"),
    Case(
        ep.TRANSACTION_HISTORY,
        lambda c: c.transaction_history(flow_type=0, start_ms=1, end_ms=2),
        lambda r: (
            (_first(r).amount, _first(r).time_ms, _first(r).flow_type)
            == (D("-0.00008253"), 1734422402121, 3)
        ),
        {"flow_type": "0", "start_time": "1", "end_time": "2"},
    ),
    Case(
        ep.SUBMIT_ORDER,
        lambda c: c.submit_order(
            "BTCUSDT",
            side=1,
            size=2,
            price=D("25637.2"),
            leverage="10",
            margin_mode="isolated",
            client_order_id="abc1",
            preset_sl_price=D("25000"),
            preset_sl_price_type=2,
        ),
        lambda s: (s.order_id, s.price, s.trace) == ("220609666322019", "25637.2", "t1"),
        {
            "symbol": "BTCUSDT",
            "side": 1,
            "type": "limit",
            "price": "25637.2",
            "size": 2,
            "leverage": "10",
            "open_type": "isolated",
            "client_order_id": "abc1",
            "preset_stop_loss_price": "25000",
            "preset_stop_loss_price_type": 2,
        },
    ),
    Case(
        ep.CANCEL_ORDER,
        lambda c: c.cancel_order("BTCUSDT", client_order_id="abc1"),
        lambda a: a.trace == "t1",
        {"symbol": "BTCUSDT", "client_order_id": "abc1"},
    ),
    Case(ep.CANCEL_ORDERS, lambda c: c.cancel_orders("BTCUSDT"), lambda a: a.trace == "t1"),
    Case(
        ep.MODIFY_LIMIT_ORDER,
        lambda c: c.modify_limit_order("BTCUSDT", order_id="220609666322019", price="1"),
        lambda r: (r.order_id, r.client_order_id) == ("220609666322019", "123456"),
        {"symbol": "BTCUSDT", "order_id": 220609666322019, "price": "1"},
    ),
    Case(
        ep.CANCEL_ALL_AFTER,
        lambda c: c.cancel_all_after("BTCUSDT", 10),
        lambda t: (t.result, t.cancel_time_ms - t.set_time_ms) == (True, 10_000),
        {"symbol": "BTCUSDT", "timeout": 10},
    ),
    Case(
        ep.SUBMIT_LEVERAGE,
        lambda c: c.submit_leverage("ETHUSDT", margin_mode="isolated", leverage=D(5)),
        lambda r: (r.leverage, r.margin_mode) == (D(5), "isolated"),
        {"symbol": "ETHUSDT", "open_type": "isolated", "leverage": "5"},
    ),
    Case(
        ep.SET_POSITION_MODE,
        lambda c: c.set_position_mode("hedge_mode"),
        lambda m: m.position_mode == "hedge_mode",
    ),
    Case(
        ep.TRANSFER_CONTRACT,
        lambda c: c.transfer(D("10"), "spot_to_contract"),
        lambda t: t.amount == D(10),
        {"currency": "USDT", "amount": "10", "type": "spot_to_contract"},
    ),
    Case(
        ep.SUBMIT_PLAN_ORDER,
        lambda c: c.submit_plan_order(
            "ETHUSDT",
            side=1,
            size=5,
            leverage="5",
            margin_mode="cross",
            trigger_price="2800",
            executive_price="2795",
            price_way=2,
            price_type=1,
        ),
        lambda r: r.order_id == "220609666322019",
    ),
    Case(
        ep.CANCEL_PLAN_ORDER,
        lambda c: c.cancel_plan_order("BTCUSDT", order_id="1"),
        lambda a: a.trace == "t1",
    ),
    Case(
        ep.MODIFY_PLAN_ORDER,
        lambda c: c.modify_plan_order(
            "BTCUSDT", order_id="1", type="market", trigger_price="1", price_type=1
        ),
        lambda r: r.order_id == "220609666322019",
    ),
    Case(
        ep.SUBMIT_TP_SL_ORDER,
        lambda c: c.submit_tp_sl_order(
            "BTCUSDT",
            type="stop_loss",
            side=3,
            trigger_price=D("60000"),
            executive_price="0",
            price_type=2,
            client_order_id="sl1",
        ),
        lambda r: (r.order_id, r.client_order_id) == ("220609666322019", "123456789"),
        {
            "symbol": "BTCUSDT",
            "type": "stop_loss",
            "side": 3,
            "trigger_price": "60000",
            "executive_price": "0",
            "price_type": 2,
            "plan_category": 2,
            "client_order_id": "sl1",
        },
    ),
    Case(
        ep.MODIFY_TP_SL_ORDER,
        lambda c: c.modify_tp_sl_order(
            "BTCUSDT", client_order_id="sl1", trigger_price="1", price_type=1
        ),
        lambda r: r.order_id == "220609666322019",
    ),
    Case(
        ep.MODIFY_PRESET_PLAN_ORDER,
        lambda c: c.modify_preset_plan_order("BTCUSDT", order_id="1", preset_tp_price="2"),
        lambda r: r.order_id == "220609666322019",
    ),
    Case(
        ep.SUBMIT_TRAIL_ORDER,
        lambda c: c.submit_trail_order(
            "BTCUSDT",
            side=3,
            size=1,
            leverage="10",
            margin_mode="cross",
            activation_price="70000",
            callback_rate="1",
            activation_price_type=1,
        ),
        lambda r: r.order_id == "220609666322019",
    ),
    Case(
        ep.CANCEL_TRAIL_ORDER,
        lambda c: c.cancel_trail_order("BTCUSDT", order_id="1"),
        lambda a: a.trace == "t1",
    ),
    Case(ep.ORDER, lambda c: c.order("LTCUSDT", "3000013086011694"), _check_order),
    Case(
        ep.ORDER_HISTORY,
        lambda c: c.order_history("BTCUSDT", client_order_id="x", start_s=10, end_s=20),
        lambda r: (
            (_first(r).client_order_id, _first(r).trigger_price, _first(r).filled)
            == ("PLAN_3000097492004577", None, D(1))
        ),
        {"symbol": "BTCUSDT", "client_order_id": "x", "start_time": "10", "end_time": "20"},
    ),
    Case(
        ep.GET_OPEN_ORDERS,
        lambda c: c.open_orders("BTCUSDT"),
        lambda r: (
            (_first(r).mode, _first(r).preset_sl_price, _first(r).margin_mode)
            == (None, None, "isolated")
        ),
    ),
    Case(
        ep.CURRENT_PLAN_ORDER,
        lambda c: c.plan_orders("BTCUSDT", "profit_loss"),
        lambda r: (
            (_first(r).type, _first(r).price_way, _first(r).executive_price)
            == ("stop_loss", 2, D(14277))
        ),
        {"symbol": "BTCUSDT", "plan_type": "profit_loss"},
    ),
    Case(
        ep.TRADES,
        lambda c: c.trades("BTCUSDT", order_id="220921197409432"),
        lambda r: (
            (_first(r).size, _first(r).realized_pnl, _first(r).profit)
            == (D(108), D("-0.00832"), False)
        ),
    ),
    Case(
        ep.TRANSFER_CONTRACT_LIST,
        lambda c: c.transfer_list(start_ms=1638631674000),
        lambda r: (
            (_first(r).direction, _first(r).time_ms, _first(r).amount)
            == ("contract_to_spot", 1638631674326, D("0.1"))
        ),
        {"time_start": 1638631674000, "page": 1, "limit": 100},
    ),
    Case(
        ep.SUB_TO_MAIN_BY_MAIN,
        lambda c: c.sub_to_main(request_no="r1", amount="1", sub_account="s@x"),
        lambda a: a.trace == "t1",
        {"requestNo": "r1", "amount": "1", "currency": "USDT", "subAccount": "s@x"},
    ),
    Case(
        ep.MAIN_TO_SUB,
        lambda c: c.main_to_sub(request_no="r2", amount=D("1.5"), sub_account="s@x"),
        lambda a: a.trace == "t1",
    ),
    Case(
        ep.SUB_TO_MAIN_BY_SUB,
        lambda c: c.sub_to_main_as_sub(request_no="r3", amount="1"),
        lambda a: a.trace == "t1",
    ),
    Case(
        ep.SUB_WALLET,
        lambda c: c.sub_account_wallet("s@x"),
        lambda r: _first(r).available == D("204.15216696"),
        {"subAccount": "s@x"},
    ),
    Case(
        ep.SUB_TRANSFER_LIST,
        lambda c: c.sub_account_transfers("s@x", limit=5),
        lambda r: _first(r).time_ms == 1686207254000,
    ),
    Case(
        ep.SUB_TRANSFER_HISTORY,
        lambda c: c.sub_transfer_history(limit=5),
        lambda r: _first(r).to_account == "subAccount@xxx.com",
    ),
    Case(
        ep.AFF_REBATE_LIST,
        lambda c: c.affiliate_rebates(page=1, size=10, currency="USDT"),
        lambda r: (
            (r.usdt_rebate_sum, r.rows[0].total_rebate)
            == (D("448.9697507148"), D("427.1825970576"))
        ),
    ),
    Case(
        ep.AFF_TRADE_LIST,
        lambda c: c.affiliate_trades(user_id=10048829, type=1, page=1, size=10),
        lambda r: (
            (r.rows[0].deal_price, r.rows[0].fee, r.rows[0].margin_mode)
            == (D("29771.9"), D("0.57162048"), "cross")
        ),
    ),
    Case(
        ep.AFF_REBATE_USER,
        lambda c: c.affiliate_user_rebate(166668888, start_s=1, end_s=2),
        lambda r: r.rebate == D("259.1198226"),
    ),
    Case(
        ep.AFF_REBATE_API,
        lambda c: c.affiliate_api_rebate(1, start_s=1, end_s=2),
        lambda r: r.api_rebate_total == D(666),
    ),
    Case(ep.AFF_INVITE_CHECK, lambda c: c.affiliate_invite_check(1), lambda r: r is True),
    Case(
        ep.AFF_REBATE_INVITE_USER,
        lambda c: c.affiliate_invited_users(start_s=1, end_s=2, page=1, size=10),
        lambda r: (r.rows[0].cid, r.rows[0].back_rate) == ("100000000", D(30)),
    ),
    Case(ep.CLAIM, lambda c: c.claim(), lambda t: t.amount == D(10)),
    Case(ep.SYSTEM_TIME, lambda c: c.system_time_ms(), lambda t: t == 1527777538000),
    Case(
        ep.SYSTEM_SERVICE,
        lambda c: c.system_service(),
        lambda r: (_first(r).status, _first(r).end_ms) == (2, 1527777538000),
    ),
    Case(
        ep.SPOT_WALLET,
        lambda c: c.spot_wallet(),
        lambda r: _first(r).available == D(1000),
        {"currency": "USDT"},
    ),
]


def test_every_endpoint_has_a_case() -> None:
    assert len(ep.ALL) == 54  # the 53 of the facts plus the spot wallet
    assert {case.endpoint for case in CASES} == set(ep.ALL)
    assert set(DATA) == {e.path for e in ep.ALL}


def _sent_params(request: Any) -> dict[str, Any]:
    if request.method == "GET":
        query = parse_qs(urlsplit(request.url).query)
        return {name: values[0] for name, values in query.items()}
    return json.loads(request.body)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.endpoint.path)
def test_endpoint(case: Case, mocked: responses.RequestsMock, trader: TradeClient) -> None:
    endpoint = case.endpoint
    base = SPOT if endpoint.host is ep.Host.SPOT else LIVE
    mocked.add(
        endpoint.method,
        base + endpoint.path,
        body=body_for(endpoint.path),
        content_type="application/json",
    )
    result = case.call(trader)
    assert case.check(result) is not False
    request = mocked.calls[0].request
    assert request.method == endpoint.method
    headers = request.headers
    assert ("X-BM-KEY" in headers) is (endpoint.auth is not Auth.NONE)
    assert ("X-BM-SIGN" in headers) is (endpoint.auth is Auth.SIGNED)
    if case.sent is not None:
        assert _sent_params(request) == case.sent


# The facts' section 2 index (and section 18's spot wallet): method, path, auth, limit per window.
N, K, S = "NONE", "KEYED", "SIGNED"
FACTS_INDEX = [
    ("GET", "/contract/public/details", N, 12, 2),
    ("GET", "/contract/public/depth", N, 12, 2),
    ("GET", "/contract/public/market-trade", N, 12, 2),
    ("GET", "/contract/public/funding-rate", N, 12, 2),
    ("GET", "/contract/public/funding-rate-history", N, 12, 2),
    ("GET", "/contract/public/kline", N, 12, 2),
    ("GET", "/contract/public/markprice-kline", N, 12, 2),
    ("GET", "/contract/public/open-interest", N, 2, 2),
    ("GET", "/contract/public/leverage-bracket", N, 12, 2),
    ("GET", "/contract/private/assets-detail", K, 12, 2),
    ("GET", "/contract/private/trade-fee-rate", K, 2, 2),
    ("GET", "/contract/private/position", K, 6, 2),
    ("GET", "/contract/private/position-v2", K, 6, 2),
    ("GET", "/contract/private/position-risk", K, 24, 2),
    ("GET", "/contract/private/get-position-mode", K, 2, 2),
    ("GET", "/contract/private/transaction-history", K, 6, 2),
    ("POST", "/contract/private/submit-order", S, 24, 2),
    ("POST", "/contract/private/cancel-order", S, 40, 2),
    ("POST", "/contract/private/cancel-orders", S, 2, 2),
    ("POST", "/contract/private/modify-limit-order", S, 24, 2),
    ("POST", "/contract/private/cancel-all-after", S, 4, 2),
    ("POST", "/contract/private/submit-leverage", S, 24, 2),
    ("POST", "/contract/private/set-position-mode", S, 2, 2),
    ("POST", "/account/v1/transfer-contract", S, 1, 2),
    ("POST", "/contract/private/submit-plan-order", S, 24, 2),
    ("POST", "/contract/private/cancel-plan-order", S, 40, 2),
    ("POST", "/contract/private/modify-plan-order", S, 24, 2),
    ("POST", "/contract/private/submit-tp-sl-order", S, 24, 2),
    ("POST", "/contract/private/modify-tp-sl-order", S, 24, 2),
    ("POST", "/contract/private/modify-preset-plan-order", S, 24, 2),
    ("POST", "/contract/private/submit-trail-order", S, 24, 2),
    ("POST", "/contract/private/cancel-trail-order", S, 24, 2),
    ("GET", "/contract/private/order", K, 50, 2),
    ("GET", "/contract/private/order-history", K, 6, 2),
    ("GET", "/contract/private/get-open-orders", K, 50, 2),
    ("GET", "/contract/private/current-plan-order", K, 50, 2),
    ("GET", "/contract/private/trades", K, 6, 2),
    ("POST", "/account/v1/transfer-contract-list", S, 1, 2),
    ("POST", "/account/contract/sub-account/main/v1/sub-to-main", S, 8, 2),
    ("POST", "/account/contract/sub-account/main/v1/main-to-sub", S, 8, 2),
    ("POST", "/account/contract/sub-account/sub/v1/sub-to-main", S, 8, 2),
    ("GET", "/account/contract/sub-account/main/v1/wallet", K, 12, 2),
    ("GET", "/account/contract/sub-account/main/v1/transfer-list", K, 8, 2),
    ("GET", "/account/contract/sub-account/v1/transfer-history", K, 8, 2),
    ("GET", "/contract/private/affiliate/rebate-list", K, 24, 2),
    ("GET", "/contract/private/affiliate/trade-list", K, 24, 2),
    ("GET", "/contract/private/affiliate/rebate-user", K, 24, 2),
    ("GET", "/contract/private/affiliate/rebate-api", K, 24, 2),
    ("GET", "/contract/private/affiliate/invite-check", K, 24, 2),
    ("GET", "/contract/private/affiliate/rebate-inviteUser", K, 24, 2),
    ("POST", "/contract/private/claim", S, None, None),  # not published
    ("GET", "/system/time", N, 10, 1),
    ("GET", "/system/service", N, 10, 1),
    ("GET", "/account/v1/wallet", K, 12, 2),
]


@pytest.mark.parametrize(("method", "path", "auth", "limit", "window"), FACTS_INDEX)
def test_endpoint_table_matches_the_facts(
    method: str, path: str, auth: str, limit: int | None, window: int | None
) -> None:
    endpoint = ep.BY_PATH[path]
    assert (endpoint.method, endpoint.auth.value) == (method, auth)
    if limit is not None:
        assert (endpoint.limit, endpoint.window_s) == (limit, window)
    else:
        assert endpoint.limit >= 1


def test_writes_are_the_signed_posts_except_the_transfer_list() -> None:
    assert "/account/v1/transfer-contract-list" not in ep.WRITES
    assert len(ep.WRITES) == 20
    assert all(ep.BY_PATH[p].auth is Auth.SIGNED for p in ep.WRITES)
    assert len(FACTS_INDEX) == len(ep.ALL)
