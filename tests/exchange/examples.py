"""The ``data`` of each endpoint's example reply in the API facts (section 13 and 18), verbatim.

JSON text, not Python literals: the affiliate examples carry JSON numbers with fractions, which
must reach the client as the wire has them.
"""

from __future__ import annotations

CONTRACT = """{"symbol":"BTCUSDT","product_type":1,
 "open_timestamp":1594080000000,"expire_timestamp":0,"settle_timestamp":0,"base_currency":"BTC",
 "quote_currency":"USDT","last_price":"67123.4","volume_24h":"123456789","turnover_24h":"8234567890.12",
 "index_price":"67120.5","index_name":"BTCUSDT","contract_size":"0.001","min_leverage":"1",
 "max_leverage":"100","price_precision":"0.1","vol_precision":"1","max_volume":"1000000",
 "market_max_volume":"50000","min_volume":"1","funding_rate":"0.0001","expected_funding_rate":"0.0001",
 "open_interest":"12345678","open_interest_value":"823456789.12","high_24h":"68000.0","low_24h":"66500.0",
 "change_24h":"0.015","funding_interval_hours":8,"funding_time":1773158400000,"status":"Trading",
 "delist_time":0}"""

ORDER = """{"symbol":"LTCUSDT","order_id":"3000013086011694","client_order_id":"",
 "side":1,"type":"market","leverage":"1","open_type":"cross","deal_avg_price":"58.45","deal_size":"1",
 "price":"58.48","size":"1","state":4,"activation_price":"","callback_rate":"","activation_price_type":0,
 "executive_order_id":"","preset_take_profit_price_type":0,"preset_stop_loss_price_type":0,
 "preset_take_profit_price":"","preset_stop_loss_price":"","position_mode":"hedge_mode",
 "account":"futures","create_time":1723028432693,"update_time":1723028432793}"""

HISTORY_ORDER = """{"order_id":"3000101684062644","client_order_id":"PLAN_3000097492004577",
 "price":"0","trigger_price":"0","execution_price":"0","size":"1","symbol":"BTCUSDT","state":4,"side":2,
 "type":"market","account":"futures","position_mode":"hedge_mode","leverage":"20","open_type":"cross",
 "deal_avg_price":"84802","deal_size":"1","create_time":1743160485193,"update_time":1743160485258,
 "activation_price_type":1,"activation_price":"0","callback_rate":"0",
 "preset_take_profit_price_type":0,"preset_stop_loss_price_type":0,"preset_take_profit_price":"",
 "preset_stop_loss_price":""}"""

OPEN_ORDER = """{"order_id":"230935812485489","client_order_id":"","price":"24000",
 "size":"1","symbol":"BTCUSDT","state":2,"side":1,"type":"limit","position_mode":"hedge_mode",
 "leverage":"10","open_type":"isolated","deal_avg_price":"0","deal_size":"0",
 "create_time":1695702258629,"update_time":1695702258642}"""

DATA: dict[str, str] = {
    "/contract/public/details": '{"symbols":[' + CONTRACT + "]}",
    "/contract/public/depth": """{"asks":[["67125.0","150","150"],["67130.0","320","470"]],
 "bids":[["67120.0","200","200"],["67115.0","180","380"]],"symbol":"BTCUSDT",
 "timestamp":1709971200000}""",
    "/contract/public/market-trade": """[{"symbol":"BTCUSDT","price":"104146.5","qty":"0.037",
 "quote_qty":"3853.4205","time":1750347973,"is_buyer_maker":true}]""",
    "/contract/public/funding-rate": """{"symbol":"BTCUSDT","rate_value":"0.000164",
 "expected_rate":"0.000164","funding_time":1709971200000,"funding_upper_limit":"0.0375",
 "funding_lower_limit":"-0.0375","timestamp":1662518172178}""",
    "/contract/public/funding-rate-history": """{"list":[{"symbol":"BTCUSDT",
 "funding_rate":"0.000090600584","funding_time":"1733979600000"}]}""",
    "/contract/public/kline": """[{"timestamp":1662518160,"open_price":"100",
 "close_price":"120","high_price":"130","low_price":"90","volume":"941008"}]""",
    "/contract/public/markprice-kline": """[{"timestamp":1709971200,"open_price":"67098.5",
 "high_price":"67198.0","low_price":"67048.2","close_price":"67120.5","volume":"0"}]""",
    "/contract/public/open-interest": """{"timestamp":1694657502415,"symbol":"BTCUSDT",
 "open_interest":"265231.721368593081729069","open_interest_value":"7006353.83988919"}""",
    "/contract/public/leverage-bracket": """{"rules":[{"symbol":"FUNUSDT","brackets":[
 {"bracket":1,"initial_leverage":50,"notional_cap":"10000","notional_floor":"0",
 "maint_margin_ratio":"0.01","cum":"0"},
 {"bracket":2,"initial_leverage":25,"notional_cap":"100000","notional_floor":"10000",
 "maint_margin_ratio":"0.02","cum":"100"}]}]}""",
    "/contract/private/assets-detail": """[{"currency":"USDT","position_deposit":"100",
 "frozen_balance":"100","available_balance":"100","equity":"100","unrealized":"100"},
 {"currency":"BTC","available_balance":"0","frozen_balance":"0","unrealized":"0","equity":"0",
 "position_deposit":"0"}]""",
    "/contract/private/trade-fee-rate": """{"symbol":"BTCUSDT","taker_fee_rate":"0.0006",
 "maker_fee_rate":"0.0002"}""",
    "/contract/private/position": """[{"symbol":"BTCUSDT","leverage":"5",
 "timestamp":1663814313531,"current_fee":"5.00409471","open_timestamp":1662714817820,
 "current_value":"16680.3157","mark_value":"16673.27","mark_price":"93000.50",
 "position_value":"18584.27","position_cross":"3798.39","maintenance_margin":"4798.39",
 "margin_type":"Isolated","position_mode":"hedge_mode","close_vol":"100",
 "close_avg_price":"20700.7","open_avg_price":"20200","entry_price":"20201","current_amount":"899",
 "unrealized_value":"1903.95","realized_value":"55.04","position_type":2,"account":"futures"}]""",
    "/contract/private/position-v2": """[{"symbol":"BTCUSDT","leverage":"10",
 "timestamp":1709971200000,"current_fee":"12.50","open_timestamp":1709942400000,
 "current_value":"6712.34","mark_price":"67123.4","mark_value":"6712.34","position_value":"6700.00",
 "position_cross":"670.00","maintenance_margin":"26.80","close_vol":"0","close_avg_price":"0",
 "open_avg_price":"67000.0","entry_price":"67000.0","current_amount":"100","position_amount":"100",
 "realized_value":"0","unrealized_pnl":"12.34","open_type":"cross","position_side":"long",
 "liquidation_price":"60500.0","max_notional_value":"500000","initial_margin":"670.00",
 "account":"futures"}]""",
    "/contract/private/position-risk": """[{"symbol":"BTCUSDT","position_amt":"1",
 "mark_price":"67957.7","unrealized_profit":"969.6","liquidation_price":"64245","leverage":"20",
 "max_notional_value":"3000000","margin_type":"Isolated","isolated_margin":"3078.51948691",
 "position_side":"Long","notional":"66988.1","update_time":1712390438,"account":"futures"}]""",
    "/contract/private/get-position-mode": '{"position_mode":"one_way_mode"}',
    "/contract/private/transaction-history": """[{"symbol":"LTCUSDT","type":"Funding Fee",
 "amount":"-0.00008253","asset":"USDT","account":"futures","time":"1734422402121",
 "tran_id":"1734422402121","flow_type":3}]""",
    "/contract/private/submit-order": '{"order_id":220609666322019,"price":"25637.2"}',
    "/contract/private/cancel-order": "{}",
    "/contract/private/cancel-orders": "",  # no data key at all (facts 16 #23)
    "/contract/private/modify-limit-order": (
        '{"order_id":220609666322019,"client_order_id":"123456"}'
    ),
    "/contract/private/cancel-all-after": """{"result":true,"set_time":1743064715,
 "cancel_time":1743064725}""",
    "/contract/private/submit-leverage": """{"symbol":"ETHUSDT","leverage":"5",
 "open_type":"isolated","max_value":"100"}""",
    "/contract/private/set-position-mode": '{"position_mode":"hedge_mode"}',
    "/account/v1/transfer-contract": '{"currency":"USDT","amount":"10"}',
    "/contract/private/submit-plan-order": '{"order_id":220609666322019}',
    "/contract/private/cancel-plan-order": "{}",
    "/contract/private/modify-plan-order": '{"order_id":"220609666322019"}',
    "/contract/private/submit-tp-sl-order": """{"order_id":"220609666322019",
 "client_order_id":"123456789"}""",
    "/contract/private/modify-tp-sl-order": '{"order_id":"220609666322019"}',
    "/contract/private/modify-preset-plan-order": '{"order_id":"220609666322019"}',
    "/contract/private/submit-trail-order": '{"order_id":220609666322019}',
    "/contract/private/cancel-trail-order": "{}",
    "/contract/private/order": ORDER,
    "/contract/private/order-history": "[" + HISTORY_ORDER + "]",
    "/contract/private/get-open-orders": "[" + OPEN_ORDER + "]",
    "/contract/private/current-plan-order": """[{"order_id":"220908185908509",
 "client_order_id":"BM123","executive_price":"14277","trigger_price":"14277","size":"7216",
 "symbol":"BTCUSDT","state":2,"side":3,"mode":1,"position_mode":"hedge_mode","price_way":2,
 "price_type":1,"plan_category":2,"type":"stop_loss","leverage":"0","open_type":"isolated",
 "create_time":1662368173000,"update_time":1662368173000}]""",
    "/contract/private/trades": """[{"order_id":"220921197409432","trade_id":"1141853921",
 "symbol":"BTCUSDT","side":1,"price":"19313.3","vol":"108","exec_type":"Maker","profit":false,
 "realised_profit":"-0.00832","paid_fees":"0","account":"futures","create_time":1663663818589}]""",
    "/account/v1/transfer-contract-list": """{"records":[{"transfer_id":"664651258694168576",
 "currency":"USDT","amount":"0.1","type":"contract_to_spot","state":"FINISHED",
 "timestamp":1638631674326}]}""",
    "/account/contract/sub-account/main/v1/sub-to-main": "{}",
    "/account/contract/sub-account/main/v1/main-to-sub": "{}",
    "/account/contract/sub-account/sub/v1/sub-to-main": "{}",
    "/account/contract/sub-account/main/v1/wallet": """{"wallet":[{"currency":"USDT",
 "name":"USDT","available":"204.15216696","frozen":"0.00000000"}]}""",
    "/account/contract/sub-account/main/v1/transfer-list": """[{
 "fromAccount":"subAccountName@xxx.com","toAccount":"masterAccountName@xxx.com",
 "toWalletType":"future","fromWalletType":"future","currency":"USDT","amount":"1",
 "submissionTime":1686207254}]""",
    "/account/contract/sub-account/v1/transfer-history": """[{
 "fromAccount":"masterAccount@xxx.com","toAccount":"subAccount@xxx.com","toWalletType":"future",
 "fromWalletType":"future","currency":"USDT","amount":"1","submissionTime":1686207254}]""",
    "/contract/private/affiliate/rebate-list": """{"total":2,"page":1,"size":10,"btc_rebate_sum":0,
 "usdt_rebate_sum":448.9697507148,"eth_rebate_sum":0,"rebate_detail_page_data":[{"rebate_coin":"USDT",
 "trade_user_id":4225149,"total_rebate_amount":427.1825970576,"user_type":1}]}""",
    "/contract/private/affiliate/trade-list": """{"total":60,"page":1,"size":10,"list":[
 {"user_id":10048829,"user_type":1,"create_time":1689933471000,"symbol":"BTCUSDT","leverage":20,
 "open_type":2,"way":1,"category":2,"select_copy_trade":1,"deal_price":29771.9,"deal_vol":32,
 "fee":0.57162048,"realised_profit":0}]}""",
    "/contract/private/affiliate/rebate-user": """{"cid":166668888,"back_rate":"90.00000000",
 "trading_vol_total":"483628.63308","trading_fee_total":"287.910914","rebate_total":"259.1198226",
 "trading_vol":"483628.63308","trading_fee":"287.910914","rebate":"259.1198226"}""",
    "/contract/private/affiliate/rebate-api": (
        '{"api_trading_fee_total":"888","api_rebate_total":"666"}'
    ),
    "/contract/private/affiliate/invite-check": '{"isInviteUser":true}',
    "/contract/private/affiliate/rebate-inviteUser": """{"list":[{"rebateTotal":"0",
 "tradingVolTotal":"0","cashbackRate":"0.00000000","tradingFeeTotal":"0","backRate":"30.00000000",
 "cid":100000000,"status":1}],"page":1,"size":10,"total":10}""",
    "/contract/private/claim": '{"currency":"USDT","amount":"10"}',
    "/system/time": '{"server_time":1527777538000}',
    "/system/service": """{"service":[{"title":"Contract API Stop","service_type":"contract",
 "status":"2","start_time":1527777538000,"end_time":1527777538000}]}""",
    "/account/v1/wallet": """{"wallet":[{"currency":"USDT","name":"Tether USD",
 "available":"1000.00000000","frozen":"0.00000000","unAvailable":"0"}]}""",
}

AFFILIATE_PATHS = frozenset(p for p in DATA if p.startswith("/contract/private/affiliate/"))


def body_for(path: str) -> str:
    """The whole reply: the path's envelope around its example data (facts 3.1 / 3.2)."""
    data = DATA[path]
    if path in AFFILIATE_PATHS:
        return (
            '{"code":"1000","message":"OK","success":true,"data":' + data + ',"requestId":"r1",'
            '"trace":null}'
        )
    if not data:
        return '{"code":1000,"message":"Ok","trace":"t1"}'
    return '{"code":1000,"message":"Ok","trace":"t1","data":' + data + "}"
