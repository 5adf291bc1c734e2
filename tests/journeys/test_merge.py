"""A contact folded into another (a guest who registers, an anonymous visitor who signs in)
keeps what the upper domains hold for it: journey runs, messages, static-list memberships."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import transaction

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.services import contact_merge
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.services import journey_enroll
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.models import StaticList, StaticListMember
from tests.contacts.factories import make_contact, make_shop
from tests.journeys.test_runs import published

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def definition(template: str) -> dict[str, Any]:
    return {
        "entry": {"type": "manual"},
        "start": "hello",
        "nodes": {
            "hello": {"type": "send_email", "template": template, "next": "pause"},
            "pause": {"type": "wait", "duration": {"days": 2}, "next": "end"},
            "end": {"type": "exit"},
        },
    }


@pytest.fixture
def shop(db):
    installation = make_shop("merge")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def enrolled(journey: Journey, contact: Contact) -> JourneyRun:
    run = journey_enroll(journey=journey, contact=contact, now=T)
    assert run is not None
    return run


def test_runs_messages_and_list_memberships_follow_the_merged_contact(shop):
    # given: the guest waits in two journeys, the customer in one of them already
    welcome = published(shop, definition("welcome-1"), key="welcome")
    winback = published(shop, definition("welcome-2"), key="wb")
    guest = make_contact(shop, email="ada@example.com", email_consent="granted")
    customer = make_contact(shop, saleor_user_id="VXNlcjox", email_consent="granted")
    guest_welcome, guest_winback, customer_welcome = (
        enrolled(journey, contact)
        for journey, contact in ((welcome, guest), (winback, guest), (welcome, customer))
    )
    vip, newsletter = (
        StaticList.objects.create(installation=shop, key=key, name=key) for key in ("vip", "news")
    )
    for static_list, contact in ((vip, guest), (newsletter, guest), (newsletter, customer)):
        StaticListMember.objects.create(static_list=static_list, contact=contact, added_at=T)
    guest_messages = set(Message.objects.filter(contact=guest).values_list("pk", flat=True))
    assert len(guest_messages) == 2

    # when: a merge inside the coordinator's unit of work (as identify or a drained order)
    with transaction.atomic(), unit_of_work(now=T):
        contact_merge(into=customer, other=guest)

    # then: every run is the customer's; the duplicate welcome run exited, logged as merged
    assert not Contact.objects.filter(pk=guest.pk).exists()
    runs = {run.pk: run for run in JourneyRun.objects.filter(contact=customer)}
    assert set(runs) == {guest_welcome.pk, guest_winback.pk, customer_welcome.pk}
    assert runs[customer_welcome.pk].status == JourneyRun.Status.WAITING
    assert runs[guest_winback.pk].status == JourneyRun.Status.WAITING
    merged = runs[guest_welcome.pk]
    assert (merged.status, merged.exit_reason, merged.wake_at) == (
        JourneyRun.Status.EXITED,
        "merged",
        None,
    )
    assert RunStep.objects.filter(run=merged, kind="exited", detail={"reason": "merged"}).exists()
    # the messages the guest was sent count for the customer now
    assert guest_messages <= set(
        Message.objects.filter(contact=customer).values_list("pk", flat=True)
    )
    # one membership per list
    assert sorted(
        StaticListMember.objects.filter(contact=customer).values_list("static_list__key", flat=True)
    ) == ["news", "vip"]
