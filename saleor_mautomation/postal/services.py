"""Writes of print batches: a contact added to its step's open batch (or skipped, with the
reason), batches closed at their cut-off or when downloaded, marked sent to print.

At most once: the item's ``dedupe_key`` (run, node, visit) is unique per installation and
the item is written in the run's own transaction, so a step retried after a crash finds its
item (or, rolled back with the run, writes it once); the step's open batch is locked while a
card is counted into it, so two workers never fill it past its cap, and a download (which
takes the same lock to close it) never misses a card added before it nor gets one after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from saleor_mautomation.contacts.models import Contact, EmailConsent
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.services import rules_of
from saleor_mautomation.postal.cards import card_language, card_texts
from saleor_mautomation.postal.models import PostalBatch, PostalItem

CHANNEL = "postal"
# What a card needs of an address: a street line, a town and a country (a postcode where
# the country has them: the partner's address check is the judge of that).
ADDRESS_NEEDS = ("street_address_1", "city", "country")


class BatchNotFound(PermanentError):
    code = "not_found"


class BatchNotClosed(PermanentError):
    code = "batch_open"


@dataclass(frozen=True)
class PostalStep:
    """One postal step of one journey: where its cards go and its limits."""

    installation_id: int
    journey_id: int
    journey_name: str
    node: str
    template: str
    max_per_batch: int
    cutoff_hour: int  # UTC


def cutoff_after(now: datetime, hour: int) -> datetime:
    """The first cut-off (``hour``:00 UTC) after ``now``."""
    today = datetime.combine(now.astimezone(UTC).date(), time(hour), tzinfo=UTC)
    return today if today > now else today + timedelta(days=1)


def batches_close_due(*, installation_id: int, now: datetime) -> int:
    """Open batches whose cut-off has passed are closed (``cut_off``, at the cut-off)."""
    return PostalBatch.objects.filter(
        installation_id=installation_id, status=PostalBatch.Status.OPEN, closes_at__lte=now
    ).update(status=PostalBatch.Status.CLOSED, closed_at=F("closes_at"), closed_reason="cut_off")


def _open_batch(step: PostalStep, now: datetime) -> PostalBatch:
    """The step's open batch, locked; opened when there is none (a concurrent opener's batch
    is taken instead: one open batch per step is a constraint)."""
    mine = PostalBatch.objects.filter(
        installation_id=step.installation_id, journey_id=step.journey_id, node=step.node
    )
    for _ in range(3):
        batch = mine.select_for_update().filter(status=PostalBatch.Status.OPEN).first()
        if batch is not None and batch.closes_at > now:
            return batch
        if batch is not None:  # its cut-off passed: closed as the sweep would
            batch.status, batch.closed_at = PostalBatch.Status.CLOSED, batch.closes_at
            batch.closed_reason = "cut_off"
            batch.save(update_fields=["status", "closed_at", "closed_reason"])
        closes = cutoff_after(now, step.cutoff_hour)
        day: date = closes.date()
        sequence = (mine.filter(day=day).aggregate(n=Max("sequence"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                return PostalBatch.objects.create(
                    installation_id=step.installation_id,
                    journey_id=step.journey_id,
                    journey_name=step.journey_name[:120],
                    node=step.node,
                    template=step.template,
                    day=day,
                    sequence=sequence,
                    max_items=step.max_per_batch,
                    created_at=now,
                    closes_at=closes,
                )
        except IntegrityError:
            continue  # another worker opened it: lock theirs
    raise AssertionError("no open batch after three tries")


def postal_address(contact: Contact) -> dict[str, str] | None:
    """The contact's postal address (from Saleor's default shipping, else billing, address),
    or None when it lacks what a card needs."""
    address: dict[str, str] = contact.postal_address or {}
    if not all(address.get(name) for name in ADDRESS_NEEDS):
        return None
    return address


def _recent_cards(contact: Contact, since: datetime) -> int:
    return PostalItem.objects.filter(
        contact=contact, status=PostalItem.Status.ADDED, created_at__gt=since
    ).count()


def _skip_reason(step: PostalStep, contact: Contact, now: datetime) -> str:
    """Why the contact gets no card now ("" if it may): consent, address, the channel's
    frequency cap (the shop's cap for postal, else its email cap, as for every channel).
    Quiet hours do not apply: nothing reaches the person before the post does."""
    if contact.postal_consent != EmailConsent.GRANTED:
        return f"no postal consent ({contact.postal_consent})"
    if postal_address(contact) is None:
        return "the contact has no postal address"
    rules, _ = rules_of(step.installation_id)
    count, hours = rules.cap(CHANNEL)
    if count and _recent_cards(contact, now - timedelta(hours=hours)) >= count:
        return f"frequency cap: {count} per {hours} h"
    return ""


def _card_fields(
    step: PostalStep, contact: Contact, language: str, context: dict[str, Any], shop_name: str
) -> dict[str, str]:
    voucher = context.get("voucher") if isinstance(context.get("voucher"), dict) else None
    texts = card_texts(
        step.template,
        language,
        {
            "contact": {"first_name": contact.first_name, "last_name": contact.last_name},
            "shop": {"name": shop_name},
            "voucher": voucher,
        },
    )
    return {**texts, "voucher_code": str((voucher or {}).get("code") or "")}


def postal_item_add(
    *,
    step: PostalStep,
    contact: Contact,
    dedupe_key: str,
    context: dict[str, Any],
    shop_name: str,
    now: datetime,
) -> PostalItem:
    """Add the contact's card to the step's open batch, or record why not; in the caller's
    transaction. The item already made for ``dedupe_key`` is returned as it is."""
    known = PostalItem.objects.filter(
        installation_id=step.installation_id, dedupe_key=dedupe_key
    ).first()
    if known is not None:
        return known
    item = PostalItem(
        installation_id=step.installation_id,
        contact=contact,
        dedupe_key=dedupe_key,
        journey_id=step.journey_id,
        node=step.node,
        status=PostalItem.Status.SKIPPED,
        created_at=now,
    )
    item.reason = _skip_reason(step, contact, now)
    batch = None
    if not item.reason:
        batch = _open_batch(step, now)
        if batch.items_count >= batch.max_items:
            item.reason = f"the batch is full ({batch.max_items} cards)"
    if batch is not None and not item.reason:
        address = postal_address(contact) or {}
        language = card_language(contact.language_code)
        name = " ".join(
            part for part in (address.get("first_name"), address.get("last_name")) if part
        )
        item.batch, item.status, item.language = batch, PostalItem.Status.ADDED, language
        item.name = name or f"{contact.first_name} {contact.last_name}".strip()
        item.company = address.get("company_name", "")
        item.address_line_1 = address.get("street_address_1", "")
        item.address_line_2 = address.get("street_address_2", "")
        item.postal_code = address.get("postal_code", "")
        item.city = address.get("city", "")
        item.city_area = address.get("city_area", "")
        item.country_area = address.get("country_area", "")
        item.country = address.get("country", "")
        item.fields = _card_fields(step, contact, language, context, shop_name)
    item.save()
    if batch is not None and item.status == PostalItem.Status.ADDED:
        PostalBatch.objects.filter(pk=batch.pk).update(items_count=F("items_count") + 1)
    return item


def postal_batch_download(*, installation_id: int, batch_id: int, now: datetime) -> PostalBatch:
    """The batch a download is about to stream: an open batch is closed (``download``) first,
    under its lock, so the CSV holds every card it will ever hold."""
    with transaction.atomic():
        batch = (
            PostalBatch.objects.select_for_update()
            .filter(installation_id=installation_id, pk=batch_id)
            .first()
        )
        if batch is None:
            raise BatchNotFound("No such postal batch")
        if batch.status == PostalBatch.Status.OPEN:
            batch.status, batch.closed_at = PostalBatch.Status.CLOSED, now
            batch.closed_reason = "cut_off" if batch.closes_at <= now else "download"
            if batch.closed_reason == "cut_off":
                batch.closed_at = batch.closes_at
        batch.downloaded_at = batch.downloaded_at or now
        batch.save(update_fields=["status", "closed_at", "closed_reason", "downloaded_at"])
    return batch


def postal_batch_mark_sent(*, installation_id: int, batch_id: int, now: datetime) -> PostalBatch:
    """The admin handed the batch to the printer. An open batch cannot be (it may still grow:
    download it, or wait for its cut-off); marking twice keeps the first moment."""
    with transaction.atomic():
        batches_close_due(installation_id=installation_id, now=now)
        batch = (
            PostalBatch.objects.select_for_update()
            .filter(installation_id=installation_id, pk=batch_id)
            .first()
        )
        if batch is None:
            raise BatchNotFound("No such postal batch")
        if batch.status == PostalBatch.Status.OPEN:
            raise BatchNotClosed("Download the batch (which closes it) before marking it sent")
        if batch.status != PostalBatch.Status.SENT:
            batch.status, batch.sent_at = PostalBatch.Status.SENT, now
            batch.save(update_fields=["status", "sent_at"])
    return batch


def postal_items_erase(*, contact_id: int) -> int:
    """An erased person's cards keep their count and reason, not their name or address."""
    return PostalItem.objects.filter(contact_id=contact_id).update(
        contact=None,
        name="",
        company="",
        address_line_1="",
        address_line_2="",
        postal_code="",
        city="",
        city_area="",
        country_area="",
        fields={},
    )
