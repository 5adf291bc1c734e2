"""Saleor vouchers for journeys: one voucher per step, unique single-use codes added to it.

Documents live in ``graphql/`` (validated against Saleor's schema in the tests); the shapes
of answers and errors are those captured in ``tests/saleor_reference/graphql-responses/voucher-*``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.client import SaleorClient

CODES_PER_CALL = 100


class VoucherError(PermanentError):
    code = "voucher_refused"


def _errors(answer: Mapping[str, Any] | None, what: str) -> list[Mapping[str, Any]]:
    if answer is None:
        raise VoucherError(f"Saleor answered no {what}")
    return list(answer.get("errors") or [])


def channel_ids(client: SaleorClient) -> dict[str, str]:
    """Channel slug -> id."""
    data = client.execute(documents.load("channels"))
    return {c["slug"]: c["id"] for c in data.get("channels") or []}


def _refusal(errors: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(str(e.get("message")) for e in errors)


def _existing(errors: Sequence[Mapping[str, Any]]) -> set[str] | None:
    """The codes Saleor says it already has, when that is all it refuses; else None."""
    if not errors or any(e.get("code") != "ALREADY_EXISTS" for e in errors):
        return None
    return {str(code) for e in errors for code in e.get("voucherCodes") or []} or None


def voucher_by_code(client: SaleorClient, code: str) -> str | None:
    """The id of the voucher that holds ``code``, if any."""
    data = client.execute(documents.load("voucher_by_code"), {"code": code})
    edges = (data.get("vouchers") or {}).get("edges") or []
    return str(edges[0]["node"]["id"]) if edges else None


def voucher_create(
    client: SaleorClient,
    *,
    name: str,
    percentage: bool,
    end: datetime,
    values: Mapping[str, Decimal],
    codes: Sequence[str],
) -> tuple[str, set[str]]:
    """Create a single-use, whole-order voucher ending at ``end`` with its first codes (at most
    ``CODES_PER_CALL``; Saleor 3.23 makes no voucher without one) and a value per channel
    (slug -> value, ``"*"`` for every other channel). Returns its id and the codes it holds.

    When Saleor answers that the codes exist, an earlier attempt made the voucher and died
    before its id was noted: that voucher is taken (found by a code), never a second made.
    Its channel listing is set again either way (Saleor updates a listing in place), so a
    voucher left without one by a crash gets it."""
    if not codes:
        raise VoucherError("A voucher is made with its first code")
    ids = channel_ids(client)
    unknown = sorted(set(values) - set(ids) - {"*"})
    if unknown:
        raise VoucherError(f"The shop has no channel {unknown[0]!r}")
    if "*" in values:  # every channel, those named with their own value
        values = {slug: values.get(slug, values["*"]) for slug in ids}
    first = list(codes[:CODES_PER_CALL])
    data = client.execute(
        documents.load("voucher_create"),
        {
            "input": {
                "name": name[:255],
                "type": "ENTIRE_ORDER",
                "discountValueType": "PERCENTAGE" if percentage else "FIXED",
                "singleUse": True,
                "endDate": end.isoformat(),
                "addCodes": first,
            }
        },
    )
    answer = data.get("voucherCreate")
    errors = _errors(answer, "voucher")
    existing = _existing(errors)
    if existing is not None:
        found = voucher_by_code(client, sorted(existing)[0])
        if found is None:
            raise VoucherError(_refusal(errors))
        voucher_id, placed = found, existing & set(first)
    elif errors or not (answer or {}).get("voucher"):
        raise VoucherError(_refusal(errors) or "no voucher")
    else:
        voucher_id, placed = str(answer["voucher"]["id"]), set(first)  # type: ignore[index]
    data = client.execute(
        documents.load("voucher_channel_listing"),
        {
            "id": voucher_id,
            "input": {
                "addChannels": [
                    {"channelId": ids[slug], "discountValue": float(value)}
                    for slug, value in sorted(values.items())
                ]
            },
        },
    )
    errors = _errors(data.get("voucherChannelListingUpdate"), "channel listing")
    if errors:
        raise VoucherError(_refusal(errors))
    return voucher_id, placed


def voucher_codes_add(
    client: SaleorClient, voucher_id: str, codes: Sequence[str], *, end: datetime
) -> None:
    """Add codes to the voucher and move its end to ``end`` (Saleor keeps one end date per
    voucher: the newest codes are valid their full time, older ones a little longer). Codes
    Saleor already has (an earlier attempt that got through before a crash) are left out
    and the rest added again."""
    for start in range(0, len(codes), CODES_PER_CALL):
        chunk = list(codes[start : start + CODES_PER_CALL])
        for _ in range(2):
            data = client.execute(
                documents.load("voucher_add_codes"),
                {"id": voucher_id, "input": {"addCodes": chunk, "endDate": end.isoformat()}},
            )
            errors = _errors(data.get("voucherUpdate"), "voucher")
            if not errors:
                break
            existing = _existing(errors) or set()
            if not existing & set(chunk):
                raise VoucherError(_refusal(errors))
            chunk = [code for code in chunk if code not in existing]
            if not chunk:
                break
        else:
            raise VoucherError("Saleor kept refusing the codes")
