"""Cards added in bulk: the runs a scheduler wakes together are added in one call
(``postal_items_add``), the same decisions one by one would make: each check in its order, the
batch's cap exact within the call, the frequency cap counting the call's own cards, each step
its own batch; and a few statements for the whole batch, however many cards it adds."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.journeys.models import JourneyRun, RunStep
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_enroll
from saleor_mautomation.messages.services import rules_of, sending_rules_update
from saleor_mautomation.postal.models import PostalBatch, PostalItem
from tests.contacts.factories import make_contact
from tests.postal.conftest import BERLIN, T, addressed, postal_journey, with_consent

WAIT = {"type": "wait", "duration": {"hours": 1}}
_second = count()


def waiting(journey, contacts) -> None:
    """The contacts enter about two hours before T, a second apart (the scheduler wakes them
    in that order), and wait an hour before the card: due at T."""
    for contact in contacts:
        entered = T - timedelta(hours=2) + timedelta(seconds=next(_second) % 600)
        journey_enroll(journey=journey, contact=contact, now=entered)


def cards_of(journey) -> list[tuple[str, str, str, int | None]]:
    """(contact's street, status, reason, batch's day sequence) of the journey's items, by id."""
    return [
        (street or "", status, reason, sequence)
        for street, status, reason, sequence in PostalItem.objects.filter(journey_id=journey.pk)
        .order_by("pk")
        .values_list(
            "contact__postal_address__street_address_1", "status", "reason", "batch__sequence"
        )
    ]


def test_a_woken_batch_adds_its_cards_together_with_each_reason_in_order(shop):
    # given: a step of at most three cards per batch and, waiting before it in this order, a
    # contact without consent, one without an address, then five who may get a card
    journey = postal_journey(shop, first=WAIT, max_per_batch=3)
    never = make_contact(shop, postal_address={**BERLIN, "street_address_1": "Nie 1"})
    homeless = with_consent(make_contact(shop))
    fine = [addressed(shop, n) for n in range(1, 6)]
    waiting(journey, [never, homeless, *fine])

    # when: the scheduler wakes them in one batch
    assert runs_wake(now=T, limit=500) == 7

    # then: the first three who may are added, the next two find the batch full
    assert cards_of(journey) == [
        ("Nie 1", "skipped", "no postal consent (unknown)", None),
        ("", "skipped", "the contact has no postal address", None),
        ("Torstraße 1", "added", "", 1),
        ("Torstraße 2", "added", "", 1),
        ("Torstraße 3", "added", "", 1),
        ("Torstraße 4", "skipped", "the batch is full (3 cards)", None),
        ("Torstraße 5", "skipped", "the batch is full (3 cards)", None),
    ]
    batch = PostalBatch.objects.get()
    assert (batch.items_count, batch.status) == (3, "open")
    # and each run's step names its own item
    steps = {
        step.run.contact_id: step.detail
        for step in RunStep.objects.filter(kind="send_postal").select_related("run")
    }
    items = {item.contact_id: item for item in PostalItem.objects.all()}
    assert steps[fine[0].pk] == {
        "template": "win-back-card",
        "status": "added",
        "item_id": items[fine[0].pk].pk,
        "batch_id": batch.pk,
    }
    assert steps[fine[4].pk] == {
        "template": "win-back-card",
        "status": "skipped",
        "item_id": items[fine[4].pk].pk,
        "reason": "the batch is full (3 cards)",
    }


def test_the_frequency_cap_counts_the_cards_added_in_the_same_batch(shop):
    # given: one card per 30 days; Ada waits before the cards of two journeys, Bob before one,
    # and Cy got a card a week ago
    sending_rules_update(installation_id=shop.pk, channel_caps={"postal": [1, 720]})
    first, second = (
        postal_journey(shop, "first", first=WAIT),
        postal_journey(shop, "second", first=WAIT),
    )
    ada, bob, cy = addressed(shop, 1), addressed(shop, 2), addressed(shop, 3)
    journey_enroll(journey=postal_journey(shop, "earlier"), contact=cy, now=T - timedelta(days=7))
    waiting(first, [ada, cy])
    waiting(second, [ada, bob])

    # when: all four runs are woken together
    assert runs_wake(now=T, limit=500) == 4

    # then: Ada's first card goes, her second is capped; Cy's is capped by last week's card
    assert cards_of(first) == [
        ("Torstraße 1", "added", "", 1),
        ("Torstraße 3", "skipped", "frequency cap: 1 per 720 h", None),
    ]
    assert cards_of(second) == [
        ("Torstraße 1", "skipped", "frequency cap: 1 per 720 h", None),
        ("Torstraße 2", "added", "", 1),
    ]
    # and each step has its own batch, counting its own cards
    assert sorted(
        PostalBatch.objects.filter(journey_id__in=[first.pk, second.pk]).values_list(
            "journey_id", "items_count"
        )
    ) == sorted([(first.pk, 1), (second.pk, 1)])


def test_a_batch_of_thirty_cards_takes_the_statements_of_a_batch_of_three(shop):
    # given: two journeys alike, one with 3 contacts waiting, the other with 30 (due later);
    # the shop's sending rules made (their first read creates them)
    rules_of(shop.pk)
    small, large = (
        postal_journey(shop, "small", first=WAIT),
        postal_journey(shop, "large", first=WAIT),
    )
    waiting(small, [addressed(shop, n) for n in range(3)])
    woken_small = T + timedelta(minutes=1)
    waiting(large, [addressed(shop, n) for n in range(100, 130)])
    JourneyRun.objects.filter(journey=large).update(wake_at=T + timedelta(hours=1))

    # when: each batch is woken, its statements counted
    with CaptureQueriesContext(connection) as three:
        assert runs_wake(now=woken_small, limit=500) == 3
    with CaptureQueriesContext(connection) as thirty:
        assert runs_wake(now=T + timedelta(hours=1), limit=500) == 30

    # then: as many statements for thirty cards as for three (the cards' INSERT, on a cursor
    # of its own on PostgreSQL, is one more in each), and every card added
    assert len(thirty.captured_queries) == len(three.captured_queries)
    assert PostalBatch.objects.get(journey_id=small.pk).items_count == 3
    assert PostalBatch.objects.get(journey_id=large.pk).items_count == 30
