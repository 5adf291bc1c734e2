"""The model of Saleor 3.23's discount module (``saleor_mautomation/demo/vouchers.py``, which
the demo Saleor answers with too) installed on the tests' stand-in Saleor.

``SaleorVouchers(channels).install(standin)`` answers the app's operations by name
(``Channels``, ``VoucherCreate``, ``VoucherListing``, ``VoucherAddCodes``, ``VoucherByCode``)
through the model's resolvers, each answer cut to the document's selection as Saleor cuts it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from saleor_mautomation.demo import vouchers
from saleor_mautomation.demo.graphql_answers import answer_roots
from saleor_mautomation.saleor import documents
from tests.support.standin import Answer, StandInSaleor

Channel = vouchers.Channel
Code = vouchers.Code
Listing = vouchers.Listing
Voucher = vouchers.Voucher

# The app's operation, its document, and the arguments of its root field from its variables.
OPERATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "Channels": ("channels", lambda variables: {}),
    "VoucherCreate": ("voucher_create", lambda variables: variables),
    "VoucherListing": ("voucher_channel_listing", lambda variables: variables),
    "VoucherAddCodes": ("voucher_add_codes", lambda variables: variables),
    "VoucherByCode": (
        "voucher_by_code",
        lambda variables: {"first": 1, "filter": {"search": variables["code"]}},
    ),
}


class SaleorVouchers(vouchers.SaleorVouchers):
    def install(self, standin: StandInSaleor) -> SaleorVouchers:
        for name in OPERATIONS:
            standin.answers[name] = self._answerer(name)
        return self

    def _answerer(self, name: str) -> Callable[[dict[str, Any]], Answer]:
        document, arguments = OPERATIONS[name]

        def answer(variables: dict[str, Any]) -> Answer:
            payload = {"query": documents.load(document), "variables": variables}
            given = arguments(variables)
            return 200, {"data": answer_roots(payload, lambda root, _: self.resolve(root, given))}

        return answer

    def answer_create(self, variables: dict[str, Any]) -> Answer:
        """``voucherCreate`` as the app's VoucherCreate asks it (a voucher made behind the
        app's back, in a test)."""
        return self._answerer("VoucherCreate")(variables)
