"""Public market data, system endpoints, and the extras (sub-account, affiliate, claim)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from runner.sim.backend import MARKETS
from tests.sim.backend.helpers import BTC, ETH, SOL, T0, get, move, new, post, rejected, usdt

D = Decimal
PUB = "/contract/public/"
HOUR_MS = 3600 * 1000


def test_details_publish_the_contract_specs() -> None:
    ex = new()
    contracts = {c["symbol"]: c for c in get(ex, PUB + "details")["symbols"]}
    assert set(contracts) == {BTC, ETH, SOL}
    btc = contracts[BTC]
    assert {
        k: btc[k]
        for k in (
            "contract_size",
            "price_precision",
            "vol_precision",
            "min_volume",
            "max_volume",
            "market_max_volume",
            "min_leverage",
            "max_leverage",
            "last_price",
            "status",
        )
    } == {
        "contract_size": "0.001",
        "price_precision": "0.1",
        "vol_precision": "1",
        "min_volume": "1",
        "max_volume": "1000000",
        "market_max_volume": "50000",
        "min_leverage": "1",
        "max_leverage": "100",
        "last_price": "65000",
        "status": "Trading",
    }
    assert (contracts[ETH]["contract_size"], contracts[ETH]["price_precision"]) == ("0.01", "0.01")
    assert (btc["product_type"], btc["funding_interval_hours"], btc["delist_time"]) == (1, 8, 0)
    assert btc["funding_time"] > T0 and btc["funding_time"] % (8 * HOUR_MS) == 0
    move(ex, "70000.5", "70001")
    (one,) = get(ex, PUB + "details", symbol=BTC)["symbols"]
    assert (one["last_price"], one["index_price"]) == ("70000.5", "70001")
    rejected(40034, ex, "GET", PUB + "details", symbol="BTC_USDT")


@pytest.mark.parametrize("symbol", sorted(MARKETS))
def test_brackets_follow_the_cum_recurrence(symbol: str) -> None:
    (rule,) = get(new(), PUB + "leverage-bracket", symbol=symbol)["rules"]
    tiers = rule["brackets"]
    assert tiers[0]["notional_floor"] == "0" and tiers[0]["cum"] == "0"
    assert tiers[0]["initial_leverage"] == MARKETS[symbol].max_leverage
    for before, tier in itertools.pairwise(tiers):
        floor = D(tier["notional_floor"])
        assert floor == D(before["notional_cap"])
        assert tier["initial_leverage"] < before["initial_leverage"]
        step = floor * (D(tier["maint_margin_ratio"]) - D(before["maint_margin_ratio"]))
        assert D(tier["cum"]) == D(before["cum"]) + step  # facts 8.3
    assert [t["bracket"] for t in tiers] == list(range(1, len(tiers) + 1))


def test_depth_is_sorted_around_the_last_price_with_running_totals() -> None:
    book = get(new(), PUB + "depth", symbol=BTC)
    asks, bids = book["asks"], book["bids"]
    assert D(asks[0][0]) > D("65000") > D(bids[0][0])
    assert [D(a[0]) for a in asks] == sorted(D(a[0]) for a in asks)
    assert [D(b[0]) for b in bids] == sorted((D(b[0]) for b in bids), reverse=True)
    for side in (asks, bids):
        running = 0
        for _, qty, total in side:
            running += int(qty)
            assert int(total) == running


def test_public_trades_are_in_base_currency() -> None:
    trades = get(new(), PUB + "market-trade", symbol=BTC, limit=500)
    assert len(trades) == 100  # capped
    for trade in trades:
        qty = D(trade["qty"])
        assert qty % D("0.001") == 0 and D(trade["quote_qty"]) == qty * D(trade["price"])
        assert isinstance(trade["is_buyer_maker"], bool) and trade["time"] <= T0 // 1000


def test_funding() -> None:
    ex = new()
    rate = get(ex, PUB + "funding-rate", symbol=BTC)
    assert (rate["rate_value"], rate["funding_upper_limit"]) == ("0.0001", "0.0375")
    history = get(ex, PUB + "funding-rate-history", symbol=BTC, limit=3)["list"]
    times = [int(row["funding_time"]) for row in history]
    assert all(isinstance(row["funding_time"], str) for row in history)
    assert times == sorted(times, reverse=True) and times[0] - times[1] == 8 * HOUR_MS


def test_klines() -> None:
    ex = new()
    end = T0 // 1000
    candles = get(ex, PUB + "kline", symbol=BTC, step=15, start_time=end - 3600, end_time=end)
    assert [c["timestamp"] % 900 for c in candles] == [0] * len(candles)
    assert len(candles) == 5  # the window 3600 s = four 15-minute candles + the open one
    for c in candles:
        low, high = D(c["low_price"]), D(c["high_price"])
        assert low <= D(c["open_price"]) <= high and low <= D(c["close_price"]) <= high
    marks = get(ex, PUB + "markprice-kline", symbol=BTC, start_time=end - 10**6, end_time=end)
    assert len(marks) == 500 and {c["volume"] for c in marks} == {"0"}
    rejected(40038, ex, "GET", PUB + "kline", symbol=BTC, step=2, start_time=0, end_time=1)
    rejected(40039, ex, "GET", PUB + "kline", symbol=BTC, start_time=end)
    rejected(40039, ex, "GET", PUB + "kline", symbol=BTC, start_time=end, end_time=end - 1)


def test_open_interest_and_system() -> None:
    ex = new()
    interest = get(ex, PUB + "open-interest", symbol=SOL)
    assert interest["symbol"] == SOL and interest["timestamp"] == T0
    assert get(ex, "/system/time") == {"server_time": T0}
    services = get(ex, "/system/service")["service"]
    assert {s["service_type"] for s in services} == {"spot", "contract", "account"}
    assert get(ex, "trade-fee-rate", symbol=ETH) == {
        "symbol": ETH,
        "taker_fee_rate": "0.0006",
        "maker_fee_rate": "0.0002",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/account/contract/sub-account/main/v1/sub-to-main"),
        ("POST", "/account/contract/sub-account/main/v1/main-to-sub"),
        ("POST", "/account/contract/sub-account/sub/v1/sub-to-main"),
        ("GET", "/account/contract/sub-account/main/v1/wallet"),
        ("GET", "/account/contract/sub-account/main/v1/transfer-list"),
        ("GET", "/account/contract/sub-account/v1/transfer-history"),
    ],
)
def test_an_ordinary_account_has_no_sub_accounts(method: str, path: str) -> None:
    error = rejected(61006, new(), method, path, requestNo="r1", amount="1", currency="USDT")
    assert error.http_status == 403


def test_affiliate_endpoints_answer_empty() -> None:
    ex = new()
    aff = "affiliate/"
    start = T0 // 1000 - 3600
    assert (
        get(ex, aff + "rebate-list", page=1, size=10, currency="USDT")["rebate_detail_page_data"]
        == []
    )
    assert get(ex, aff + "trade-list", user_id=1, type=1, page=1, size=10)["list"] == []
    assert get(ex, aff + "rebate-user", cid=5, start_time=start, end_time=start + 60)["cid"] == 5
    assert get(ex, aff + "rebate-api", cid=5, start_time=start, end_time=start + 60) == {
        "api_trading_fee_total": "0",
        "api_rebate_total": "0",
    }
    assert get(ex, aff + "invite-check", cid=5) == {"isInviteUser": False}
    invited = get(
        ex, aff + "rebate-inviteUser", start_time=start, end_time=start + 60, page=1, size=80
    )
    assert (invited["size"], invited["list"]) == (50, [])
    rejected(40007, ex, "GET", aff + "rebate-list", size=10, currency="USDT")
    rejected(
        40039,
        ex,
        "GET",
        aff + "rebate-api",
        cid=5,
        start_time=start,
        end_time=start + 61 * 24 * 3600,
    )


def test_claim_tops_up_the_futures_wallet() -> None:
    ex = new("0")
    assert post(ex, "claim") == {"currency": "USDT", "amount": "10000"}
    assert usdt(ex)["available_balance"] == D("10000")


def test_spot_wallet() -> None:
    ex = new()
    (row,) = get(ex, "/account/v1/wallet")["wallet"]
    assert (row["currency"], row["available"], row["frozen"]) == ("USDT", "10000", "0")
    assert get(ex, "/account/v1/wallet", currency="BTC") == {"wallet": []}
