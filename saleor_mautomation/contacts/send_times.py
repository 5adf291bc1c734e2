"""Send-time profiles, stored: a contact's kept on each human open or click, the shop's
recomputed nightly, and the best moment of many contacts for the outbox (``SendTimes``).

Why a contact's profile is kept per hit and the shop's nightly: a contact's changes only with
its own opens and clicks, and recounting them is one read of its 180 days on the
``event_contact_time`` index in the transaction that already locks it (as its email figures
are); the shop's is every engaged contact's profile summed, which one more hit hardly moves,
so a night's staleness costs nothing and no hit pays for it. The nightly pass also recounts
the contacts whose oldest counted interaction has left the 180-day window, so profiles slide
without a hit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count

from saleor_mautomation.contacts import send_time
from saleor_mautomation.contacts.models import Contact, ShopSendTime
from saleor_mautomation.events.models import Event

CONTACT_FIELDS = ("send_time_weights", "send_time_clicks", "send_time_opens", "send_time_oldest_at")
_READ = 2000  # contacts read per query by the nightly pass


def _facts(contact_ids: Iterable[int], *, now: datetime) -> dict[int, list[send_time.Fact]]:
    facts: dict[int, list[send_time.Fact]] = {}
    for contact_id, occurred_at, type_, machine in Event.objects.filter(
        contact_id__in=list(contact_ids),
        occurred_at__gt=now - send_time.WINDOW,
        type__in=send_time.EVENT_TYPES,
    ).values_list("contact_id", "occurred_at", "type", "properties__machine"):
        facts.setdefault(contact_id, []).append(
            send_time.Fact(occurred_at, type_, is_machine=machine is True)
        )
    return facts


def _apply(contact: Contact, profile: send_time.Profile) -> None:
    contact.send_time_weights = profile.weights_json()
    contact.send_time_clicks = profile.clicks
    contact.send_time_opens = profile.opens
    contact.send_time_oldest_at = profile.oldest_at


def shop_zone(installation_id: int) -> str:
    """The zone of the installation's contacts who have none (the nightly pass's pick)."""
    zone = (
        ShopSendTime.objects.filter(installation_id=installation_id)
        .values_list("time_zone", flat=True)
        .first()
    )
    return zone or ""


def contact_send_time_refresh(*, contact: Contact, now: datetime, zone: str | None = None) -> None:
    """Recount the contact's profile from its last 180 days and save it (``contact`` locked by
    the caller's transaction). ``zone``: the shop's zone, when the caller knows it."""
    facts = _facts([contact.pk], now=now).get(contact.pk, [])
    time_zone = contact.time_zone or (shop_zone(contact.installation_id) if zone is None else zone)
    _apply(contact, send_time.profile_of(facts, time_zone=time_zone, now=now))
    contact.save(update_fields=CONTACT_FIELDS)


def contact_profile(contact: Contact) -> send_time.Profile:
    return send_time.Profile.from_json(
        contact.send_time_weights, clicks=contact.send_time_clicks, opens=contact.send_time_opens
    )


def _stale_recount(installation_id: int, *, now: datetime, zone: str) -> int:
    """Recount the contacts whose oldest counted interaction has left the window."""
    recounted = 0
    while True:
        with transaction.atomic():
            contacts = list(
                Contact.objects.select_for_update(skip_locked=True)
                .filter(
                    installation_id=installation_id,
                    send_time_oldest_at__lte=now - send_time.WINDOW,
                )
                .order_by("pk")[:_READ]
            )
            if not contacts:
                return recounted
            facts = _facts([c.pk for c in contacts], now=now)
            for contact in contacts:
                profile = send_time.profile_of(
                    facts.get(contact.pk, []), time_zone=contact.time_zone or zone, now=now
                )
                _apply(contact, profile)
            Contact.objects.bulk_update(contacts, CONTACT_FIELDS)
            recounted += len(contacts)


def _shop_computed(installation_id: int, *, now: datetime, recount: bool) -> ShopSendTime:
    """The shop's zone (its contacts' most common one) and profile (their profiles summed),
    not saved; ``recount``: first recount the profiles whose window slid."""
    zones = Counter(
        dict(
            Contact.objects.filter(installation_id=installation_id)
            .exclude(time_zone="")
            .values("time_zone")
            .annotate(n=Count("pk"))
            .values_list("time_zone", "n")
        )
    )
    zone = min(zones, key=lambda name: (-zones[name], name)) if zones else ""
    if recount:
        _stale_recount(installation_id, now=now, zone=zone)
    weights: dict[int, int] = {}
    contacts = clicks = opens = 0
    for stored, contact_clicks, contact_opens in (
        Contact.objects.filter(installation_id=installation_id)
        .exclude(send_time_clicks=0, send_time_opens=0)
        .values_list("send_time_weights", "send_time_clicks", "send_time_opens")
        .iterator(chunk_size=_READ)
    ):
        for slot, weight in (stored or {}).items():
            weights[int(slot)] = weights.get(int(slot), 0) + int(weight)
        contacts += 1
        clicks += contact_clicks
        opens += contact_opens
    summed = send_time.Profile(weights=weights, clicks=clicks, opens=opens)
    return ShopSendTime(
        installation_id=installation_id,
        weights=summed.weights_json(),
        contacts=contacts,
        clicks=clicks,
        opens=opens,
        time_zone=zone,
        computed_at=now,
    )


def shop_send_time_refresh(*, installation_id: int, now: datetime) -> ShopSendTime:
    """The nightly pass: the profiles whose window slid recounted, then the shop's zone and
    profile computed and saved."""
    computed = _shop_computed(installation_id, now=now, recount=True)
    fields = ("weights", "contacts", "clicks", "opens", "time_zone", "computed_at")
    shop, _ = ShopSendTime.objects.update_or_create(
        installation_id=installation_id, defaults={f: getattr(computed, f) for f in fields}
    )
    return shop


def shop_send_time(*, installation_id: int, now: datetime, save: bool = True) -> ShopSendTime:
    """The shop's stored profile; computed now when it has none yet (a shop before its first
    night), and saved (``save``) unless another process saved one meanwhile (then that one)."""
    shop = ShopSendTime.objects.filter(installation_id=installation_id).first()
    if shop is None:
        computed = _shop_computed(installation_id, now=now, recount=False)
        if not save:
            return computed
        ShopSendTime.objects.bulk_create([computed], ignore_conflicts=True)
        shop = ShopSendTime.objects.get(installation_id=installation_id)
    return shop


def shop_profile(shop: ShopSendTime) -> send_time.Profile:
    return send_time.Profile.from_json(shop.weights, clicks=shop.clicks, opens=shop.opens)


@dataclass
class SendTimes:
    """The best moments of one installation's contacts for a batch of messages: the shop's
    profile read once, a contact without data of its own sharing the shop's answer per zone."""

    installation_id: int
    now: datetime
    _shop: tuple[send_time.Profile, str] | None = None
    _by_zone: dict[str, datetime] = field(default_factory=dict)

    def shop(self) -> tuple[send_time.Profile, str]:
        if self._shop is None:
            stored = shop_send_time(installation_id=self.installation_id, now=self.now)
            self._shop = (shop_profile(stored), stored.time_zone)
        return self._shop

    def moment(
        self, *, time_zone: str, weights: Mapping[str, int] | None, clicks: int, opens: int
    ) -> datetime:
        """When a message due now goes to this contact: its best moment within 24 hours."""
        shop, shop_zone_name = self.shop()
        zone = time_zone or shop_zone_name
        if clicks + opens < send_time.MIN_INTERACTIONS:
            if zone not in self._by_zone:
                self._by_zone[zone] = send_time.next_best_moment(
                    self.now, contact=send_time.Profile(), shop=shop, time_zone=zone
                )
            return self._by_zone[zone]
        contact = send_time.Profile.from_json(weights, clicks=clicks, opens=opens)
        return send_time.next_best_moment(self.now, contact=contact, shop=shop, time_zone=zone)
