"""The postal step: who is skipped and why (consent, address, the frequency cap, a full
batch), the cut-off that closes a batch, a replayed step, another shop's batch, an erasure."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from saleor_mautomation.contacts.channels_consent import channel_consent_set
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.contacts.models import ErasureRequest
from saleor_mautomation.flows.erasure import erasure_now
from saleor_mautomation.journeys.models import JourneyRun, RunStep
from saleor_mautomation.journeys.runner import runs_advance
from saleor_mautomation.journeys.services import journey_enroll
from saleor_mautomation.messages.services import sending_rules_update
from saleor_mautomation.postal import selectors
from saleor_mautomation.postal.models import PostalBatch, PostalItem
from saleor_mautomation.postal.services import postal_batch_download
from tests.contacts.factories import make_contact, make_shop
from tests.postal.conftest import BERLIN, T, addressed, postal_journey, with_consent
from tests.support.keys import dashboard_claims, signing_key


def step_of(contact) -> dict:
    return RunStep.objects.get(run__contact=contact, kind="send_postal").detail


def test_contacts_without_consent_or_an_address_are_skipped_with_the_reason(shop):
    # given: no consent, consent withdrawn, consent without an address, an address without a
    # street, and one who may get a card
    journey = postal_journey(shop)
    never = make_contact(shop, postal_address=BERLIN)
    withdrawn = with_consent(make_contact(shop, postal_address=BERLIN))
    channel_consent_set(
        contact=withdrawn,
        channel="postal",
        granted=False,
        evidence=Evidence(source="test"),
        now=T,
    )
    homeless = with_consent(make_contact(shop))
    streetless = with_consent(make_contact(shop, postal_address={**BERLIN, "street_address_1": ""}))
    ok = addressed(shop, 1)

    # when
    for contact in (never, withdrawn, homeless, streetless, ok):
        journey_enroll(journey=journey, contact=contact, now=T)

    # then: four skipped with their reason (in no batch), one card in the batch
    reasons = {
        never.pk: "no postal consent (unknown)",
        withdrawn.pk: "no postal consent (withdrawn)",
        homeless.pk: "the contact has no postal address",
        streetless.pk: "the contact has no postal address",
    }
    for contact_id, reason in reasons.items():
        item = PostalItem.objects.get(contact_id=contact_id)
        assert (item.status, item.reason, item.batch_id, item.name) == ("skipped", reason, None, "")
        assert RunStep.objects.get(run__contact_id=contact_id, kind="send_postal").detail == {
            "template": "win-back-card",
            "status": "skipped",
            "item_id": item.pk,
            "reason": reason,
        }
    batch = PostalBatch.objects.get()
    assert batch.items_count == 1
    assert list(PostalItem.objects.filter(batch=batch).values_list("contact_id", flat=True)) == [
        ok.pk
    ]
    # and the runs went on to the end
    assert set(JourneyRun.objects.values_list("status", flat=True)) == {"exited"}


def test_a_batch_takes_its_cap_of_cards_and_skips_the_rest(shop):
    # given: a step of at most two cards per batch
    journey = postal_journey(shop, max_per_batch=2)
    contacts = [addressed(shop, n) for n in range(1, 4)]

    # when
    for contact in contacts:
        journey_enroll(journey=journey, contact=contact, now=T)

    # then
    assert [PostalItem.objects.get(contact=c).status for c in contacts] == [
        "added",
        "added",
        "skipped",
    ]
    assert step_of(contacts[2])["reason"] == "the batch is full (2 cards)"
    assert PostalBatch.objects.get().items_count == 2


def test_the_postal_frequency_cap_counts_cards_across_journeys(shop, time_machine):
    # given: at most one card per 30 days; two journeys with a postal step
    sending_rules_update(installation_id=shop.pk, channel_caps={"postal": [1, 720]})
    first, second = postal_journey(shop, "first"), postal_journey(shop, "second")
    ada = addressed(shop, 1)

    # when: the first journey's card, then the second's a day later, then 31 days later
    journey_enroll(journey=first, contact=ada, now=T)
    journey_enroll(journey=second, contact=ada, now=T + timedelta(days=1))
    journey_enroll(journey=second, contact=ada, now=T + timedelta(days=31))

    # then
    items = list(PostalItem.objects.order_by("pk").values_list("node", "status", "reason"))
    assert items == [
        ("card", "added", ""),
        ("card", "skipped", "frequency cap: 1 per 720 h"),
        ("card", "added", ""),
    ]


def test_a_batch_closes_at_its_cut_off_and_the_next_card_opens_the_next_days(shop):
    # given: a noon cut-off (UTC); a card at 09:00
    journey = postal_journey(shop, cutoff_hour=12)
    ada, bob = addressed(shop, 1), addressed(shop, 2)
    journey_enroll(journey=journey, contact=ada, now=T)

    # when: the next card at 13:00
    journey_enroll(journey=journey, contact=bob, now=T + timedelta(hours=4))

    # then: the first batch closed at noon by its cut-off; the second closes tomorrow noon
    first, second = PostalBatch.objects.order_by("pk")
    assert (first.status, first.closed_reason, first.closed_at, first.items_count) == (
        "closed",
        "cut_off",
        T + timedelta(hours=3),
        1,
    )
    assert (second.status, second.day.isoformat(), second.sequence, second.closes_at) == (
        "open",
        "2026-06-16",
        1,
        T + timedelta(days=1, hours=3),
    )


def test_a_replayed_step_finds_its_card_and_adds_nothing(shop):
    # given: a run whose postal step was taken, then put back before it (as a retry after a
    # crash between the card and the run's write would find it, were they not one transaction)
    journey = postal_journey(shop)
    ada = addressed(shop, 1)
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    RunStep.objects.filter(run=run, kind="send_postal").delete()
    JourneyRun.objects.filter(pk=run.pk).update(
        status="waiting", node="card", wake_at=T, exited_at=None, exit_reason=""
    )

    # when
    runs_advance(list(JourneyRun.objects.select_related("version", "contact")), now=T)

    # then: the same card, counted once
    assert PostalItem.objects.count() == 1
    assert PostalBatch.objects.get().items_count == 1
    assert step_of(ada)["item_id"] == PostalItem.objects.get().pk


def test_another_shops_batch_is_not_found(client, shop):
    # given: a batch of this shop, and another shop's Dashboard
    postal_journey(shop)
    journey_enroll(journey=postal_journey(shop, "more"), contact=addressed(shop, 1), now=T)
    batch = PostalBatch.objects.get()
    other = make_shop("birch")
    token = signing_key(0).mint_token(
        dashboard_claims(api_url=other.saleor_api_url, app_id=other.app_id)
    )
    other.jwks = {"keys": [signing_key(0).public_jwk]}
    other.save()

    # when
    response = client.get(
        f"/api/postal/batches/{batch.pk}.csv",
        headers={"Saleor-Api-Url": other.saleor_api_url, "Authorization-Bearer": token},
    )

    # then: 404, and the batch is left open
    assert response.status_code == 404
    batch.refresh_from_db()
    assert (batch.status, batch.downloaded_at) == ("open", None)


def test_an_erased_persons_card_keeps_its_count_not_their_address(shop):
    # given: Ada's card in a batch
    journey = postal_journey(shop)
    ada = addressed(shop, 1, first_name="Ada")
    journey_enroll(journey=journey, contact=ada, now=T)

    # when
    erasure_now(
        installation_id=shop.pk,
        contact_id=ada.pk,
        source=ErasureRequest.Source.DASHBOARD,
        now=T,
    )

    # then
    item = PostalItem.objects.get()
    assert (item.contact_id, item.name, item.address_line_1, item.postal_code, item.fields) == (
        None,
        "",
        "",
        "",
        {},
    )
    assert PostalBatch.objects.get().items_count == 1


def test_a_large_batch_streams_page_by_page(shop, monkeypatch, django_assert_num_queries):
    # given: 2,500 cards in a batch, read in pages of 100
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 100)
    journey = postal_journey(shop)
    journey_enroll(journey=journey, contact=addressed(shop, 1), now=T)
    batch = PostalBatch.objects.get()
    PostalItem.objects.bulk_create(
        PostalItem(
            installation=shop,
            batch=batch,
            dedupe_key=f"bulk:{n}",
            journey_id=journey.pk,
            node="card",
            status="added",
            name=f"Person {n}",
            address_line_1=f"Torstraße {n}",
            postal_code="10119",
            city="BERLIN",
            country="DE",
            language="de",
            fields={"greeting": "Hallo,", "message": "Wir vermissen Sie.", "voucher_code": ""},
            created_at=T,
        )
        for n in range(2, 2501)
    )
    batch = postal_batch_download(installation_id=shop.pk, batch_id=batch.pk, now=T)

    # when: the CSV is read chunk by chunk
    with django_assert_num_queries(26):  # 25 pages and the empty one that ends it
        chunks = list(selectors.batch_csv(batch))

    # then: every card once, in order, in chunks of about 8 KB (never the whole file at once)
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert len(rows) == 2501
    assert [row[0] for row in rows[1:4]] == [
        f"{BERLIN['first_name']} {BERLIN['last_name']}",
        "Person 2",
        "Person 3",
    ]
    assert rows[-1][:3] == ["Person 2500", "", "Torstraße 2500"]
    assert max(len(chunk) for chunk in chunks) < 8192 + 300
    assert len(chunks) > 20
