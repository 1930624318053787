"""Sub-account and affiliate reads (endpoints 42-50; auth KEYED).  Time parameters in seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner.exchange import endpoints as ep
from runner.exchange.client_base import ClientBase
from runner.exchange.retries import QueryValue
from runner.exchange.transfers import (
    SubAccountBalance,
    SubTransfer,
    parse_sub_transfers,
    parse_sub_wallet,
)

if TYPE_CHECKING:  # the affiliate rows are imported by the reads that return them
    from runner.exchange.affiliate import (
        AffiliateTrades,
        ApiRebate,
        InvitedUsers,
        RebateList,
        UserRebate,
    )


class SubAccountReads(ClientBase):
    def sub_account_wallet(
        self, sub_account: str, currency: str | None = None
    ) -> list[SubAccountBalance]:
        params: dict[str, QueryValue] = {"subAccount": sub_account, "currency": currency}
        return parse_sub_wallet(self._get(ep.SUB_WALLET, params).data, ep.SUB_WALLET.path)

    def sub_account_transfers(self, sub_account: str, limit: int = 100) -> list[SubTransfer]:
        """One sub-account's futures transfers, as the main account sees them."""
        answer = self._get(ep.SUB_TRANSFER_LIST, {"subAccount": sub_account, "limit": limit})
        return parse_sub_transfers(answer.data, ep.SUB_TRANSFER_LIST.path)

    def sub_transfer_history(self, limit: int = 100) -> list[SubTransfer]:
        """This account's own futures sub-account transfers (main or sub)."""
        answer = self._get(ep.SUB_TRANSFER_HISTORY, {"limit": limit})
        return parse_sub_transfers(answer.data, ep.SUB_TRANSFER_HISTORY.path)


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
        params: dict[str, QueryValue] = {
            "page": page,
            "size": size,
            "currency": currency,
            "user_id": user_id,
            "rebate_start_time": rebate_start_s,
            "rebate_end_time": rebate_end_s,
            "register_start_time": register_start_s,
            "register_end_time": register_end_s,
        }
        answer = self._get(ep.AFF_REBATE_LIST, params)
        from runner.exchange.affiliate import parse_rebate_list

        return parse_rebate_list(answer.data, ep.AFF_REBATE_LIST.path)

    def affiliate_trades(
        self,
        *,
        user_id: int,
        type: int,
        page: int,
        size: int,
        start_s: int | None = None,
        end_s: int | None = None,
    ) -> AffiliateTrades:
        params: dict[str, QueryValue] = {
            "user_id": user_id,
            "type": type,
            "page": page,
            "size": size,
            "start_time": start_s,
            "end_time": end_s,
        }
        answer = self._get(ep.AFF_TRADE_LIST, params)
        from runner.exchange.affiliate import parse_affiliate_trades

        return parse_affiliate_trades(answer.data, ep.AFF_TRADE_LIST.path)

    def affiliate_user_rebate(self, cid: int, *, start_s: int, end_s: int) -> UserRebate:
        params: dict[str, QueryValue] = {"cid": cid, "start_time": start_s, "end_time": end_s}
        answer = self._get(ep.AFF_REBATE_USER, params)
        from runner.exchange.affiliate import parse_user_rebate

        return parse_user_rebate(answer.data, ep.AFF_REBATE_USER.path)

    def affiliate_api_rebate(self, cid: int, *, start_s: int, end_s: int) -> ApiRebate:
        params: dict[str, QueryValue] = {"cid": cid, "start_time": start_s, "end_time": end_s}
        answer = self._get(ep.AFF_REBATE_API, params)
        from runner.exchange.affiliate import parse_api_rebate

        return parse_api_rebate(answer.data, ep.AFF_REBATE_API.path)

    def affiliate_invite_check(self, cid: int) -> bool:
        answer = self._get(ep.AFF_INVITE_CHECK, {"cid": cid})
        from runner.exchange.affiliate import parse_invite_check

        return parse_invite_check(answer.data, ep.AFF_INVITE_CHECK.path)

    def affiliate_invited_users(
        self, *, start_s: int, end_s: int, page: int, size: int, cid: int | None = None
    ) -> InvitedUsers:
        params: dict[str, QueryValue] = {
            "start_time": start_s,
            "end_time": end_s,
            "page": page,
            "size": size,
            "cid": cid,
        }
        answer = self._get(ep.AFF_REBATE_INVITE_USER, params)
        from runner.exchange.affiliate import parse_invited_users

        return parse_invited_users(answer.data, ep.AFF_REBATE_INVITE_USER.path)
