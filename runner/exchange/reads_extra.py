"""Sub-account and affiliate reads (endpoints 42-50; auth KEYED).  Time parameters in seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner.exchange import endpoints as ep
from runner.exchange.client_base import ClientBase
from runner.exchange.transfers import (
    SubTransfer,
    WalletBalance,
    parse_sub_transfers,
    parse_wallet,
)

if TYPE_CHECKING:  # the affiliate rows are imported by the reads that return them
    from runner.exchange.affiliate import (
        AffiliateTrade,
        ApiRebate,
        InvitedUser,
        Page,
        RebateList,
        UserRebate,
    )


class SubAccountReads(ClientBase):
    def sub_account_wallet(
        self, sub_account: str, currency: str | None = None
    ) -> list[WalletBalance]:
        return self._read(ep.SUB_WALLET, parse_wallet, subAccount=sub_account, currency=currency)

    def sub_account_transfers(self, sub_account: str, limit: int = 100) -> list[SubTransfer]:
        """One sub-account's futures transfers, as the main account sees them."""
        return self._read(
            ep.SUB_TRANSFER_LIST, parse_sub_transfers, subAccount=sub_account, limit=limit
        )

    def sub_transfer_history(self, limit: int = 100) -> list[SubTransfer]:
        """This account's own futures sub-account transfers (main or sub)."""
        return self._read(ep.SUB_TRANSFER_HISTORY, parse_sub_transfers, limit=limit)


class AffiliateReads(ClientBase):
    def affiliate_rebates(
        self,
        *,
        page: int,
        size: int,
        currency: str,
        user_id: int | None = None,
        rebate_start_s: int | None = None,
        rebate_end_s: int | None = None,
        register_start_s: int | None = None,
        register_end_s: int | None = None,
    ) -> RebateList:
        from runner.exchange import affiliate

        return self._read(
            ep.AFF_REBATE_LIST,
            affiliate.parse_rebate_list,
            page=page,
            size=size,
            currency=currency,
            user_id=user_id,
            rebate_start_time=rebate_start_s,
            rebate_end_time=rebate_end_s,
            register_start_time=register_start_s,
            register_end_time=register_end_s,
        )

    def affiliate_trades(
        self,
        *,
        user_id: int,
        type: int,
        page: int,
        size: int,
        start_s: int | None = None,
        end_s: int | None = None,
    ) -> Page[AffiliateTrade]:
        from runner.exchange import affiliate

        return self._read(
            ep.AFF_TRADE_LIST,
            affiliate.parse_affiliate_trades,
            user_id=user_id,
            type=type,
            page=page,
            size=size,
            start_time=start_s,
            end_time=end_s,
        )

    def affiliate_user_rebate(self, cid: int, *, start_s: int, end_s: int) -> UserRebate:
        from runner.exchange import affiliate

        return self._read(
            ep.AFF_REBATE_USER,
            affiliate.parse_user_rebate,
            cid=cid,
            start_time=start_s,
            end_time=end_s,
        )

    def affiliate_api_rebate(self, cid: int, *, start_s: int, end_s: int) -> ApiRebate:
        from runner.exchange import affiliate

        return self._read(
            ep.AFF_REBATE_API,
            affiliate.parse_api_rebate,
            cid=cid,
            start_time=start_s,
            end_time=end_s,
        )

    def affiliate_invite_check(self, cid: int) -> bool:
        from runner.exchange import affiliate

        return self._read(ep.AFF_INVITE_CHECK, affiliate.parse_invite_check, cid=cid)

    def affiliate_invited_users(
        self, *, start_s: int, end_s: int, page: int, size: int, cid: int | None = None
    ) -> Page[InvitedUser]:
        from runner.exchange import affiliate

        return self._read(
            ep.AFF_REBATE_INVITE_USER,
            affiliate.parse_invited_users,
            start_time=start_s,
            end_time=end_s,
            page=page,
            size=size,
            cid=cid,
        )
