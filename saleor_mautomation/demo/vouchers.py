"""Saleor 3.23's discount module as the demo Saleor (and the tests' stand-in) answers it:
vouchers, their codes and channel listings, refused the way Saleor refuses them, and the checks
Saleor's checkout makes before it takes a code.

The schema lets through much that Saleor's mutations refuse (a voucher with no code, a code
another voucher has, an end before the start, a percentage over 100); a stand-in that answered
whatever it was asked passed the tests while a real Saleor made no code at all. Every rule here
names the place in Saleor's source (tag 3.23.28) it is modelled on; the error shapes are those
of ``DiscountError`` (``field``, ``message``, ``code``, ``voucherCodes``) with Saleor's
camel-cased field names.

``SaleorVouchers.resolve(root, arguments)`` answers a root field as Saleor's resolver would
(``channels``, ``voucherCreate``, ``voucherUpdate``, ``voucherChannelListingUpdate``,
``vouchers``): a source object the caller cuts to the document's selection. Saleor's clock is
``datetime.now`` (moved by time-machine in the tests).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

# Decimals of the currencies the shops use (Saleor asks babel through
# ``prices.get_currency_fraction``; these are babel's figures).
CURRENCY_DECIMALS = {"USD": 2, "EUR": 2, "PLN": 2, "GBP": 2, "JPY": 0, "KWD": 3}

ROOTS = ("channels", "voucherCreate", "voucherUpdate", "voucherChannelListingUpdate", "vouchers")


@dataclass
class Channel:
    id: str
    slug: str
    currency: str
    active: bool = True
    name: str = ""


@dataclass
class Listing:
    channel: Channel
    discount_value: Decimal
    min_spent: Decimal | None = None


@dataclass
class Code:
    code: str
    voucher: Voucher
    used: int = 0
    is_active: bool = True


@dataclass
class Voucher:
    id: str
    name: str
    type: str
    discount_value_type: str
    single_use: bool
    start_date: datetime
    end_date: datetime | None
    usage_limit: int | None = None
    min_checkout_items_quantity: int | None = None
    listings: dict[str, Listing] = field(default_factory=dict)  # channel id -> listing


class Refused(Exception):
    def __init__(self, *errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = list(errors)


def error(
    field: str | None, message: str, code: str, voucher_codes: list[str] | None = None
) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code, "voucherCodes": voucher_codes}


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _not_found() -> dict[str, Any]:
    return error("id", "Couldn't resolve to a node", "NOT_FOUND")


@dataclass
class SaleorVouchers:
    channels: list[Channel]
    vouchers: dict[str, Voucher] = field(default_factory=dict)
    codes: dict[str, Code] = field(default_factory=dict)
    gift_card_codes: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def resolve(self, root: str, arguments: dict[str, Any]) -> Any:
        """The source of one of ``ROOTS`` for its arguments (a ``KeyError`` for another)."""
        resolvers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "channels": lambda _: self.channels_source(),
            "voucherCreate": self.voucher_create,
            "voucherUpdate": self.voucher_update,
            "voucherChannelListingUpdate": self.voucher_channel_listing_update,
            "vouchers": self.vouchers_search,
        }
        return resolvers[root](arguments)

    # -- Saleor's validation -----------------------------------------------------------------

    def _code_available(self, code: str) -> bool:
        """``saleor/core/utils/promo_code.py`` ``is_available_promo_code``: a code is unique
        across every voucher and gift card of the shop, case-insensitively."""
        wanted = code.lower()
        return not any(c.lower() == wanted for c in (*self.codes, *self.gift_card_codes))

    def _clean_codes(self, data: dict[str, Any], *, creating: bool) -> list[str]:
        """``saleor/graphql/discount/mutations/voucher/voucher_create.py`` ``clean_codes``:
        on create, exactly one of ``code`` and ``addCodes`` (``validate_one_of_args_is_in_
        mutation``: a ``graphql_error`` with no field); then ``_clean_new_codes``: duplicates in
        the input, then codes that exist anywhere, each with the offending codes."""
        code, add_codes = data.get("code"), data.get("addCodes")
        if creating and code != "":
            given = [name for name, value in (("code", code), ("addCodes", add_codes)) if value]
            if len(given) > 1:
                raise Refused(
                    error(
                        None, "Argument 'code' cannot be combined with 'addCodes'", "GRAPHQL_ERROR"
                    )
                )
            if not given:
                raise Refused(
                    error(
                        None,
                        "At least one of arguments is required: 'code', 'addCodes'.",
                        "GRAPHQL_ERROR",
                    )
                )
        if add_codes is None:
            return [code.strip()] if code else []
        stripped = [c.strip() for c in add_codes]
        duplicated = sorted({c for c in stripped if stripped.count(c) > 1})
        if duplicated:
            raise Refused(
                error(
                    "codes", "Duplicated promo codes provided.", "DUPLICATED_INPUT_ITEM", duplicated
                )
            )
        existing = [c for c in stripped if c and not self._code_available(c)]
        if existing:
            raise Refused(error("codes", "Promo code already exists.", "ALREADY_EXISTS", existing))
        for c in stripped:  # ``VoucherCode.code``: max_length 255 (``full_clean``)
            if len(c) > 255:
                raise Refused(
                    error(
                        "code",
                        "Ensure this value has at most 255 characters.",
                        "INVALID",
                    )
                )
        return stripped

    @staticmethod
    def _check_dates(voucher: Voucher) -> None:
        """``voucher_create.py`` ``clean_voucher_instance`` -> ``validate_end_is_after_start``
        (``saleor/graphql/core/validators``): an end before the start is ``INVALID`` on
        ``endDate``. The start defaults to the moment of creation (``Voucher.start_date``
        ``default=timezone.now``)."""
        if voucher.end_date is not None and voucher.start_date > voucher.end_date:
            raise Refused(error("endDate", "End date cannot be before the start date.", "INVALID"))

    # -- sources, as Saleor's types resolve them ---------------------------------------------

    def channels_source(self) -> list[dict[str, Any]]:
        return [
            {
                "id": c.id,
                "slug": c.slug,
                "name": c.name or c.slug,
                "currencyCode": c.currency,
                "isActive": c.active,
            }
            for c in self.channels
        ]

    def voucher_source(self, voucher: Voucher) -> dict[str, Any]:
        return {
            "__typename": "Voucher",
            "id": voucher.id,
            "name": voucher.name,
            "type": voucher.type,
            "discountValueType": voucher.discount_value_type,
            "singleUse": voucher.single_use,
            "startDate": voucher.start_date.isoformat(),
            "endDate": voucher.end_date.isoformat() if voucher.end_date else None,
            "usageLimit": voucher.usage_limit,
            "channelListings": [
                {
                    "channel": {"id": listing.channel.id, "slug": listing.channel.slug},
                    "discountValue": float(listing.discount_value),
                    "currency": listing.channel.currency,
                }
                for listing in voucher.listings.values()
            ],
        }

    # -- the mutations and queries -----------------------------------------------------------

    def voucher_create(self, arguments: dict[str, Any]) -> dict[str, Any]:
        data = arguments["input"]
        with self.lock:
            try:
                codes = self._clean_codes(data, creating=True)
                number = len(self.vouchers) + 1
                voucher = Voucher(
                    id=base64.b64encode(f"Voucher:{number}".encode()).decode(),
                    name=data.get("name") or "",
                    type=data.get("type") or "ENTIRE_ORDER",
                    discount_value_type=data.get("discountValueType") or "FIXED",
                    single_use=bool(data.get("singleUse")),
                    start_date=_date(data.get("startDate")) or datetime.now(UTC),
                    end_date=_date(data.get("endDate")),
                    usage_limit=data.get("usageLimit"),
                    min_checkout_items_quantity=data.get("minCheckoutItemsQuantity"),
                )
                self._check_dates(voucher)
            except Refused as refused:
                return {"voucher": None, "errors": refused.errors}
            self.vouchers[voucher.id] = voucher
            for code in codes:
                self.codes[code] = Code(code=code, voucher=voucher)
        return {"voucher": self.voucher_source(voucher), "errors": []}

    def voucher_update(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """``voucher_update.py``: codes cleaned as on create but neither is required; the
        dates checked again with the new end."""
        voucher = self.vouchers.get(arguments["id"])
        if voucher is None:
            return {"voucher": None, "errors": [_not_found()]}
        data = arguments["input"]
        with self.lock:
            try:
                codes = self._clean_codes(data, creating=False)
                end = _date(data["endDate"]) if "endDate" in data else voucher.end_date
                self._check_dates(Voucher(**{**voucher.__dict__, "end_date": end, "listings": {}}))
            except Refused as refused:
                return {"voucher": None, "errors": refused.errors}
            voucher.end_date = end
            for code in codes:
                self.codes[code] = Code(code=code, voucher=voucher)
        return {"voucher": self.voucher_source(voucher), "errors": []}

    def voucher_channel_listing_update(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """``voucher_channel_listing_update.py``: channels resolved by id; a new listing needs
        a value (``REQUIRED``); a fixed value has at most the currency's decimals and a
        percentage is at most 100 (``INVALID``, on ``discountValue``); ``min_amount_spent``
        has at most the currency's decimals. Listings are ``update_or_create``d."""
        voucher = self.vouchers.get(arguments["id"])
        if voucher is None:
            return {"voucher": None, "errors": [_not_found()]}
        by_id = {c.id: c for c in self.channels}
        errors: list[dict[str, Any]] = []
        added = arguments["input"].get("addChannels") or []
        ids = [a["channelId"] for a in added]
        if len(set(ids)) != len(ids):
            errors.append(error("addChannels", "Duplicated channel ID.", "DUPLICATED_INPUT_ITEM"))
        missing, precision, percentage = [], [], []
        for item in added:
            channel = by_id.get(item["channelId"])
            if channel is None:
                errors.append(
                    error(
                        "channelId", f"Couldn't resolve to a node: {item['channelId']}", "NOT_FOUND"
                    )
                )
                continue
            raw = item.get("discountValue")
            if raw is None and channel.id not in voucher.listings:
                missing.append(channel.id)
                continue
            value = Decimal(str(raw)) if raw is not None else None
            if value is not None and voucher.discount_value_type == "FIXED":
                if _decimals(value) > CURRENCY_DECIMALS[channel.currency]:
                    precision.append(channel.id)
            elif value is not None and value > 100:
                percentage.append(channel.id)
        if missing:
            errors.append(error("discountValue", "Value is required for voucher.", "REQUIRED"))
        if precision:
            errors.append(error("discountValue", "Invalid amount precision.", "INVALID"))
        if percentage:
            errors.append(error("discountValue", "Invalid percentage value.", "INVALID"))
        if errors:
            return {"voucher": None, "errors": errors}
        with self.lock:
            for item in added:
                channel = by_id[item["channelId"]]
                listing = voucher.listings.get(channel.id)
                value = item.get("discountValue")
                spent = item.get("minAmountSpent")
                if listing is None:
                    voucher.listings[channel.id] = Listing(
                        channel=channel,
                        discount_value=Decimal(str(value)),
                        min_spent=Decimal(str(spent)) if spent is not None else None,
                    )
                else:
                    if value is not None:
                        listing.discount_value = Decimal(str(value))
                    if "minAmountSpent" in item:
                        listing.min_spent = Decimal(str(spent)) if spent is not None else None
            for channel_id in arguments["input"].get("removeChannels") or []:
                voucher.listings.pop(channel_id, None)
        return {"voucher": self.voucher_source(voucher), "errors": []}

    def vouchers_search(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """``vouchers(filter: {search})``: ``saleor/graphql/discount/filters.py``
        ``filter_voucher_search`` matches the name or a code with ``ilike`` (no wildcards).
        One page of ``first`` (the app asks for one), oldest first."""
        wanted = str((arguments.get("filter") or {}).get("search") or "").lower()
        found = [
            v
            for v in self.vouchers.values()
            if not wanted
            or v.name.lower() == wanted
            or any(c.voucher is v and c.code.lower() == wanted for c in self.codes.values())
        ]
        first = arguments.get("first") or len(found)
        shown = found[:first]
        return {
            "totalCount": len(found),
            "pageInfo": {
                "hasNextPage": len(found) > len(shown),
                "hasPreviousPage": False,
                "startCursor": None,
                "endCursor": None,
            },
            "edges": [{"node": self.voucher_source(v), "cursor": ""} for v in shown],
        }

    # -- Saleor's checkout -------------------------------------------------------------------

    def checkout_refuses(
        self, code: str, *, channel: str, subtotal: Decimal, quantity: int = 1
    ) -> str | None:
        """Why Saleor's checkout would not take ``code`` now, or None when it would.

        - ``saleor/checkout/utils.py`` ``get_voucher_for_checkout`` and
          ``saleor/discount/utils/voucher.py`` ``get_voucher_code_instance``: the code exists
          and is active, and its voucher is ``active_in_channel``;
        - ``saleor/discount/models.py`` ``VoucherQueryset.active``: started
          (``start_date <= now``), not ended (``end_date`` empty or ``>= now``), under its usage
          limit; ``active_in_channel``: listed in an active channel of that slug;
        - ``discount/utils/voucher.py`` ``validate_voucher`` -> ``Voucher.validate_min_spent``
          (the channel's listing and its minimum) and ``validate_min_checkout_items_quantity``.
        """
        now = datetime.now(UTC)
        entry = self.codes.get(code)
        if entry is None or not entry.is_active:
            return "Promo code is invalid"
        voucher = entry.voucher
        if voucher.start_date > now or (voucher.end_date is not None and voucher.end_date < now):
            return "Promo code is invalid"
        if voucher.usage_limit is not None:
            used = sum(c.used for c in self.codes.values() if c.voucher is voucher)
            if used >= voucher.usage_limit:
                return "Promo code is invalid"
        listing = next(
            (
                listing
                for listing in voucher.listings.values()
                if listing.channel.slug == channel and listing.channel.active
            ),
            None,
        )
        if listing is None:
            return "Promo code is invalid"
        if listing.min_spent and subtotal < listing.min_spent:
            minimum_spent = f"{listing.min_spent} {listing.channel.currency}"
            return f"This offer is only valid for orders over {minimum_spent}."
        minimum = voucher.min_checkout_items_quantity
        if minimum and minimum > quantity:
            return f"This offer is only valid for orders with a minimum of {minimum} quantity."
        return None

    def checkout_complete(self, code: str) -> None:
        """An order placed with the code: ``increase_voucher_usage``
        (``discount/utils/voucher.py``) counts it and deactivates a single-use code."""
        entry = self.codes[code]
        entry.used += 1
        if entry.voucher.single_use:
            entry.is_active = False
