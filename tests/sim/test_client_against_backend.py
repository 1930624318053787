"""The runner's STRICT exchange client against the real backend over HTTP.

The client rejects any row whose fields or JSON types differ from the facts' section 13, so every
endpoint read here proves the backend's wire shapes (the simulator itself never imports the
client: each checks the other).  Server and client share a fake clock: nothing waits for real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from runner.config import Credentials, resolve_target
from runner.exchange import RetryPolicy, TradeClient, open_trade_client
from runner.exchange import errors as e
from runner.exchange.limits import SHARED
from runner.sim.server import SimServer
from tests.fakes import FakeTime

BTC = "BTCUSDT"




@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer], fake_time: FakeTime) -> SimServer:
    return make_sim_server(clock=fake_time.wall_ms)


@pytest.fixture
def client(server: SimServer, fake_time: FakeTime) -> Iterator[TradeClient]:
    SHARED.clear()
    policy = RetryPolicy(sleep=fake_time.sleep, clock=fake_time.clock, wall_ms=fake_time.wall_ms)
    creds = Credentials(server.credentials.key, server.credentials.secret, server.credentials.memo)
    with open_trade_client(resolve_target(None, server.url), creds, retry=policy) as trader:
        yield trader
    SHARED.clear()


def test_market_data_parses(client: TradeClient, fake_time: FakeTime) -> None:
    contracts = {c.symbol: c for c in client.contracts()}
    assert set(contracts) >= {"BTCUSDT", "ETHUSDT", "SOLUSDT"}
    btc = client.contracts(BTC)[0]
    assert btc.contract_size == Decimal("0.001") and btc.last_price == Decimal("65000")
    depth = client.depth(BTC)
    assert depth.asks[0].price > depth.bids[0].price
    assert client.market_trades(BTC, limit=5)
    assert client.funding_rate(BTC).symbol == BTC
    assert len(client.funding_rate_history(BTC, limit=3)) == 3
    now_s = fake_time.wall // 1000
    candles = client.klines(BTC, start_s=now_s - 600, end_s=now_s, step=5)
    assert candles and all(c.low <= c.high for c in candles)
    assert client.mark_price_klines(BTC, start_s=now_s - 120, end_s=now_s)
    assert client.open_interest(BTC).symbol == BTC
    brackets = client.leverage_brackets(BTC)[BTC]
    assert brackets[0].max_leverage == 100
    assert client.system_time_ms() == fake_time.wall
    assert client.system_service()


def test_account_reads_parse_flat_and_held(client: TradeClient, server: SimServer) -> None:
    server.fund("futures", "1000")
    assert client.fee_rate(BTC).taker == Decimal("0.0006")
    assert client.position_mode() == "hedge_mode"
    flat = client.positions_v2(BTC)
    assert [p.size for p in flat] == [Decimal(0), Decimal(0)]
    assert client.positions_v2() == []
    client.submit_leverage(BTC, margin_mode="isolated", leverage="10")
    client.submit_order(BTC, side=1, size=10, type="market", client_order_id="open1")
    (held,) = [p for p in client.positions_v2(BTC) if p.size]
    assert held.entry_price == Decimal("65000") and held.leverage == Decimal("10")
    assert len(client.positions_v1(BTC)) == 1
    assert len(client.position_risk()) == 1
    usdt = next(a for a in client.assets() if a.currency == "USDT")
    # 10 contracts * 0.001 * 65000 = 650 notional: 65 margin at 10x, fee 650 * 0.0006 = 0.39.
    assert usdt.available == Decimal("1000") - Decimal("65") - Decimal("0.39")
    ledger = client.transaction_history(BTC)
    assert [x.amount for x in ledger] == [Decimal("-0.39")]
    assert client.spot_wallet()[0].available == Decimal("10000")
    fills = client.trades(BTC)
    assert [(f.size, f.fee) for f in fills] == [(Decimal(10), Decimal("0.39"))]


def test_orders_and_conditional_orders_round_trip(client: TradeClient, server: SimServer) -> None:
    client.transfer("2000", "spot_to_contract")
    assert [r.amount for r in client.transfer_list(page=1, limit=10)] == [Decimal("2000")]
    client.submit_order(
        BTC,
        side=1,
        size=2,
        type="market",
        leverage="5",
        margin_mode="cross",
        preset_sl_price="60000",
        preset_sl_price_type=2,
    )
    resting = client.submit_order(
        BTC,
        side=1,
        size=1,
        price="60000",
        leverage="5",
        margin_mode="cross",
        client_order_id="rest1",
    )
    client.modify_limit_order(BTC, client_order_id="rest1", price="60100")
    (open_order,) = client.open_orders(BTC)
    assert open_order.price == Decimal("60100") and open_order.client_order_id == "rest1"
    assert client.order(BTC, resting.order_id).state == 2
    plan = client.submit_plan_order(
        BTC,
        side=1,
        size=1,
        leverage="5",
        margin_mode="cross",
        trigger_price="70000",
        price_way=1,
        price_type=1,
        type="market",
    )
    client.modify_plan_order(
        BTC, order_id=plan.order_id, type="market", trigger_price="71000", price_type=2
    )
    tp = client.submit_tp_sl_order(
        BTC,
        type="take_profit",
        side=3,
        trigger_price="80000",
        executive_price="0",
        price_type=1,
        client_order_id="tp1",
    )
    client.modify_tp_sl_order(BTC, order_id=tp.order_id, trigger_price="81000", price_type=1)
    trail = client.submit_trail_order(
        BTC,
        side=3,
        size=1,
        leverage="5",
        margin_mode="cross",
        activation_price="66000",
        callback_rate="1",
        activation_price_type=1,
    )
    assert [o.type for o in client.open_orders(BTC, type="trailing")] == ["trailing"]
    kinds = sorted(p.type for p in client.plan_orders(BTC))
    assert kinds == ["plan", "stop_loss", "take_profit"]
    client.cancel_trail_order(BTC, order_id=trail.order_id)
    client.cancel_plan_order(BTC, order_id=plan.order_id)
    client.cancel_order(BTC, order_id=resting.order_id)
    assert client.open_orders(BTC) == []
    history = client.order_history(BTC, client_order_id="rest1")
    assert [(o.state, o.filled) for o in history] == [(4, Decimal(0))]
    timer = client.cancel_all_after(BTC, 10)
    assert timer.cancel_time_ms - timer.set_time_ms == 10_000


def test_settings_and_extras(client: TradeClient, server: SimServer) -> None:
    assert client.set_position_mode("one_way_mode").position_mode == "one_way_mode"
    server.fund("futures", "100")
    client.submit_order(BTC, side=4, size=1, type="market", leverage="10", margin_mode="cross")
    (row,) = client.positions_v2(BTC)
    assert (row.side, row.size) == ("both", Decimal(1))
    with pytest.raises(e.PositionModeSwitchBlocked):
        client.set_position_mode("hedge_mode")
    assert client.claim().amount == Decimal("10000")
    assert client.affiliate_invite_check(1) is False
    assert client.affiliate_rebates(page=1, size=10, currency="USDT").total == 0
    with pytest.raises(e.AccountLayerError):
        client.sub_transfer_history()
