"""A message's origin columns: set where it is queued outside a journey (the double opt-in
question), and backfilled for older messages from what their dedupe keys hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.apps import apps

from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.origins import messages_origin_backfill
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message, TemplateVersion
from saleor_mautomation.messages.outbox import double_opt_in_request
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

ORIGIN = (
    "template_id",
    "journey_id",
    "journey_version_id",
    "journey_node",
    "broadcast",
    "split_node",
    "split_branch",
)
NONE = (None, None, None, "", False, "", None)

AB = {
    "entry": {"type": "manual"},
    "start": "ab",
    "nodes": {
        "ab": {
            "type": "split",
            "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
        },
        "a": {"type": "send_email", "template": "welcome-1", "next": "end"},
        "b": {"type": "send_email", "template": "welcome-2", "next": "end"},
        "end": {"type": "exit"},
    },
}


@pytest.fixture
def shop(db):
    installation = make_shop("origin")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def en_version(shop, key: str) -> TemplateVersion:
    return TemplateVersion.objects.get(
        template__installation=shop, template__key=key, language="en"
    )


def origins() -> dict[str, tuple[object, ...]]:
    return {
        key: tuple(rest)
        for key, *rest in Message.objects.order_by("pk").values_list("dedupe_key", *ORIGIN)
    }


def test_the_double_opt_in_question_records_its_template_and_no_journey(shop):
    ada = make_contact(shop, email_consent="pending", language_code="en")

    message = double_opt_in_request(contact=ada, now=T)

    assert message is not None
    version = en_version(shop, "double-opt-in")
    assert (message.template_version_id, message.channel) == (version.pk, "email")
    assert origins() == {message.dedupe_key: (version.template_id, *NONE[1:])}


def test_the_backfill_recovers_each_origin_its_key_and_version_hold(shop):
    # given: journey messages (a split, a broadcast's run) and others, origins not recorded
    journey = Journey.objects.create(installation=shop, key="ab", name="ab", draft=AB)
    journey_publish(journey=journey, now=T)
    journey.refresh_from_db()
    version_id = journey.current_version_id
    runs = [
        journey_enroll(
            journey=journey,
            contact=make_contact(shop, email_consent="granted", language_code="en"),
            now=T,
            entry_key=f"broadcast:{version_id}" if n == 0 else "",
        )
        for n in range(5)
    ]
    ada = make_contact(shop, email_consent="pending", language_code="en")
    assert double_opt_in_request(contact=ada, now=T) is not None
    lost = en_version(shop, "welcome-1")
    common = {
        "installation": shop,
        "kind": "marketing",
        "to_address": "x@example.com",
        "send_after": T,
        "created_at": T,
    }
    Message.objects.create(dedupe_key="journey-run:999999:a:0", template_version=lost, **common)
    Message.objects.create(dedupe_key="campaign:7", **common)
    Message.objects.create(dedupe_key="journey-run:x:a:0", **common)
    recorded = origins()
    Message.objects.update(**dict(zip(ORIGIN, NONE, strict=True)))

    # when: in batches of two
    changed = messages_origin_backfill(apps, batch=2)

    # then: every journey message's origin as it was queued; the others their template only
    assert changed == 7
    assert origins() == {
        **recorded,
        "journey-run:999999:a:0": (lost.template_id, *NONE[1:]),
        "campaign:7": NONE,
        "journey-run:x:a:0": NONE,
    }
    for run in runs:
        assert run is not None
        (key,) = Message.objects.filter(contact=run.contact).values_list("dedupe_key", flat=True)
        node = key.split(":")[2]
        template_id = en_version(shop, "welcome-1" if node == "a" else "welcome-2").template_id
        assert recorded[key] == (
            template_id,
            journey.pk,
            version_id,
            node,
            run.entry_key.startswith("broadcast:"),
            "ab",
            "ab".index(node),
        )
    assert {recorded[key][4] for key in recorded if key.startswith("journey-run:")} == {
        True,
        False,
    }
