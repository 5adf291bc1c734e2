"""Writes of print batches: a contact added to its step's open batch (or skipped, with the
reason), batches closed at their cut-off or when downloaded, marked sent to print.

At most once: the item's ``dedupe_key`` (run, node, visit) is unique per installation and
the item is written in the run's own transaction, so a step retried after a crash finds its
item (or, rolled back with the run, writes it once); the step's open batch is locked while
cards are counted into it, so two workers never fill it past its cap, and a download (which
takes the same lock to close it) never misses a card added before it nor gets one after.
The cards of a runner's batch of runs are added together (``postal_items_add``): a few
statements per call, not per card.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max
from psycopg.types.json import Jsonb

from saleor_mautomation.contacts.channels_consent import channel_consent_set
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.contacts.models import Contact, EmailConsent
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.core.sql import model_columns, sql_rows, unnest_upsert
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


class EvidenceInvalid(PermanentError):
    code = "evidence_invalid"


# What the admin writes of how the person agreed (or asked to stop): a few words to 200.
EVIDENCE_MIN, EVIDENCE_MAX = 3, 200
ADMIN_SOURCE = "dashboard"


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


def _recent_cards(installation_id: int, contact_ids: set[int], since: datetime) -> dict[int, int]:
    """Cards added to each of the contacts since ``since``, in one query."""
    return dict(
        PostalItem.objects.filter(
            installation_id=installation_id,
            contact_id__in=contact_ids,
            status=PostalItem.Status.ADDED,
            created_at__gt=since,
        )
        .values("contact_id")
        .annotate(n=Count("pk"))
        .values_list("contact_id", "n")
    )


def _card_fields(card: Card, language: str) -> dict[str, str]:
    context, contact = card.context, card.contact
    voucher = context.get("voucher") if isinstance(context.get("voucher"), dict) else None
    texts = card_texts(
        card.step.template,
        language,
        {
            "contact": {"first_name": contact.first_name, "last_name": contact.last_name},
            "shop": {"name": card.shop_name},
            "voucher": voucher,
        },
    )
    return {**texts, "voucher_code": str((voucher or {}).get("code") or "")}


@dataclass(frozen=True)
class Card:
    """One contact's card asked for by a step: ``dedupe_key`` is the step's cause (run, node,
    visit), ``context`` the run's (its voucher goes on the card)."""

    step: PostalStep
    contact: Contact
    dedupe_key: str
    context: dict[str, Any]
    shop_name: str


class _Caps:
    """The postal frequency cap of each installation among the cards, with each contact's
    cards counted once (one query per installation) and then as the batch adds them."""

    def __init__(self, cards: Sequence[Card], now: datetime) -> None:
        self.caps: dict[int, tuple[int, int]] = {}
        self.counts: dict[tuple[int, int], int] = {}
        contacts: dict[int, set[int]] = defaultdict(set)
        for card in cards:
            contacts[card.step.installation_id].add(card.contact.pk)
        for installation_id, ids in contacts.items():
            rules, _ = rules_of(installation_id)
            count, hours = self.caps[installation_id] = rules.cap(CHANNEL)
            if count:
                since = now - timedelta(hours=hours)
                for contact_id, n in _recent_cards(installation_id, ids, since).items():
                    self.counts[(installation_id, contact_id)] = n

    def reason(self, card: Card) -> str:
        count, hours = self.caps[card.step.installation_id]
        key = (card.step.installation_id, card.contact.pk)
        if count and self.counts.get(key, 0) >= count:
            return f"frequency cap: {count} per {hours} h"
        return ""

    def added(self, card: Card) -> None:
        key = (card.step.installation_id, card.contact.pk)
        self.counts[key] = self.counts.get(key, 0) + 1


def _may_go(contact: Contact) -> str:
    """Why the contact may get no card at all ("" if it may): consent, then the address."""
    if contact.postal_consent != EmailConsent.GRANTED:
        return f"no postal consent ({contact.postal_consent})"
    if postal_address(contact) is None:
        return "the contact has no postal address"
    return ""


def _step_key(step: PostalStep) -> tuple[int, int, str]:
    return (step.installation_id, step.journey_id, step.node)


def postal_items_add(*, cards: Sequence[Card], now: datetime) -> list[PostalItem]:
    """Add each contact's card to its step's open batch, or record why not, in the caller's
    transaction; the items in the cards' order. A card whose ``dedupe_key`` already has an
    item gets that item as it is.

    Per card only what is the card's own: its checks, in the order the reasons are given
    (consent, address, the frequency cap, the batch's cap) and its texts. The rest is per
    call: the items made before read in one query, each installation's cap counted in one,
    each step's open batch locked (or opened) once, in a fixed order (installation, journey,
    node) so two workers never wait on each other's batches crosswise, the new items written
    in one statement and each batch's count raised once."""
    if not cards:
        return []
    known = _items_known(cards)
    fresh: dict[tuple[int, str], PostalItem] = {}
    pending: list[tuple[Card, PostalItem]] = []
    for card in cards:
        key = (card.step.installation_id, card.dedupe_key)
        if key in known or key in fresh:
            continue
        fresh[key] = PostalItem(
            installation_id=card.step.installation_id,
            contact=card.contact,
            dedupe_key=card.dedupe_key,
            journey_id=card.step.journey_id,
            node=card.step.node,
            status=PostalItem.Status.SKIPPED,
            reason=_may_go(card.contact),
            created_at=now,
        )
        pending.append((card, fresh[key]))
    caps = _Caps([card for card, item in pending if not item.reason], now)
    wanted = {
        _step_key(card.step): card.step
        for card, item in pending
        if not item.reason and not caps.reason(card)
    }
    batches = {key: _open_batch(wanted[key], now) for key in sorted(wanted)}
    room = {key: batch.max_items - batch.items_count for key, batch in batches.items()}
    counted: dict[tuple[int, int, str], int] = defaultdict(int)
    for card, item in pending:
        item.reason = item.reason or caps.reason(card)
        if item.reason:
            continue
        step = _step_key(card.step)
        batch = batches[step]
        if counted[step] >= room[step]:
            item.reason = f"the batch is full ({batch.max_items} cards)"
            continue
        counted[step] += 1
        caps.added(card)
        _fill(item, card, batch)
    _items_insert([item for _, item in pending])
    for step, n in counted.items():
        PostalBatch.objects.filter(pk=batches[step].pk).update(items_count=F("items_count") + n)
    items = {**known, **fresh}
    return [items[(card.step.installation_id, card.dedupe_key)] for card in cards]


def _items_known(cards: Sequence[Card]) -> dict[tuple[int, str], PostalItem]:
    """The items already made for the cards' keys (a replayed step), in one query."""
    keys = {(card.step.installation_id, card.dedupe_key) for card in cards}
    found = PostalItem.objects.filter(
        installation_id__in={installation for installation, _ in keys},
        dedupe_key__in={key for _, key in keys},
    )
    return {
        (item.installation_id, item.dedupe_key): item
        for item in found
        if (item.installation_id, item.dedupe_key) in keys
    }


def _fill(item: PostalItem, card: Card, batch: PostalBatch) -> None:
    """The card's address (a copy, as it is now) and personalised texts."""
    contact = card.contact
    address = postal_address(contact) or {}
    language = card_language(contact.language_code)
    name = " ".join(part for part in (address.get("first_name"), address.get("last_name")) if part)
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
    item.fields = _card_fields(card, language)


# Every column of an item but its id: written in one ``INSERT ... SELECT FROM unnest``.
_ITEM_FIELDS = [
    field.attname for field in PostalItem._meta.concrete_fields if not field.primary_key
]


def _items_insert(items: list[PostalItem]) -> None:
    """The items in one statement, their ids set. A key already taken (a replay racing this
    one, which the run's lock rules out) raises: the runner then retries run by run."""
    if not items:
        return
    if connection.vendor != "postgresql":
        PostalItem.objects.bulk_create(items)
        return
    sql = unnest_upsert(
        PostalItem._meta.db_table,
        model_columns(PostalItem, _ITEM_FIELDS),
        returning=["id", "dedupe_key"],
    )
    # The attributes as they are (text, ids, an aware moment), the card's fields as JSON:
    # what the fields' own preparation would send, without a call per field and card.
    arrays: list[list[Any]] = [[getattr(item, name) for item in items] for name in _ITEM_FIELDS]
    arrays[_ITEM_FIELDS.index("fields")] = [Jsonb(item.fields) for item in items]
    rows = sql_rows(sql, arrays, prepare=True)
    ids = dict((key, pk) for pk, key in rows)
    for item in items:
        item.pk = ids[item.dedupe_key]
        item._state.adding = False


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


def postal_consent_set(
    *,
    installation_id: int,
    contact_id: int,
    granted: bool,
    evidence: str,
    admin_email: str,
    now: datetime,
) -> Contact | None:
    """The shop's admin records the person's agreement to cards by post, or their wish to
    stop, on the ledger (source ``dashboard``, with the admin and what they wrote in
    ``details``). An agreement needs its evidence (how and when the person agreed: a signed
    form at the till, a letter): the admin cannot agree for them. A withdrawal needs none
    (a person's "no more post" is taken as said). None: no such contact in this shop."""
    evidence = " ".join(evidence.split())
    if granted and len(evidence) < EVIDENCE_MIN:
        raise EvidenceInvalid("Say how the person agreed, e.g. a signed form at the shop")
    if len(evidence) > EVIDENCE_MAX:
        raise EvidenceInvalid(f"At most {EVIDENCE_MAX} characters")
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update()
            .filter(installation_id=installation_id, pk=contact_id, merged_into__isnull=True)
            .first()
        )
        if contact is None:
            return None
        channel_consent_set(
            contact=contact,
            channel="postal",
            granted=granted,
            evidence=Evidence(source=ADMIN_SOURCE),
            details={"by": admin_email, "evidence": evidence},
            now=now,
        )
    return contact
