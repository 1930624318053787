"""The read-only client: every GET of the 53 endpoints plus the spot wallet.

It holds a ``ReadTransport``, which can only send GET requests; ``plan``, ``validate`` and
``status`` get this type, so a write from them cannot even be expressed (STYLE 6).
"""

from __future__ import annotations

from runner.exchange.reads_account import AccountReads, OrderReads
from runner.exchange.reads_extra import AffiliateReads, SubAccountReads
from runner.exchange.reads_market import MarketReads


class ReadClient(MarketReads, AccountReads, OrderReads, SubAccountReads, AffiliateReads):
    """Typed reads; every price, size, balance and PnL is a ``Decimal``, every time in ms."""
