"""Presets install in one action, publish, send only default templates, and run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.definition import SendEmail, journey_parse
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.presets import PRESETS, journey_preset_install
from saleor_mautomation.messages.defaults import default_templates
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.builtin import segments_builtin_ensure
from tests.contacts.factories import make_contact, make_shop, profile_save

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
DEFAULT_KEYS = {t.key for t in default_templates()}


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_is_valid_and_sends_default_templates(key):
    definition = journey_parse(PRESETS[key][1])

    templates = {n.template for n in definition.nodes.values() if isinstance(n, SendEmail)}

    assert templates
    assert templates <= DEFAULT_KEYS


def test_a_preset_installs_once_published(db):
    shop = make_shop("presets")

    first = journey_preset_install(installation_id=shop.pk, key="win-back", now=T)
    again = journey_preset_install(installation_id=shop.pk, key="win-back", now=T)

    assert first == again
    assert (first.status, first.versions.count()) == ("active", 1)


def test_becoming_a_vip_starts_the_vip_journey(db):
    # given
    shop = make_shop("vips")
    segments_builtin_ensure(installation_id=shop.pk, now=T)
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    journey = journey_preset_install(installation_id=shop.pk, key="vip", now=T)
    ada = make_contact(shop, email_consent="granted", lifecycle_stage="repeat")

    # when: the figures make her a VIP (as an order delivery would)
    with unit_of_work(now=T):
        ada.lifecycle_stage = "vip"
        profile_save(ada)

    # then
    run = JourneyRun.objects.get(journey=journey)
    assert (run.contact, run.status) == (ada, "exited")
    message = Message.objects.get(contact=ada)
    assert message.template_version is not None
    assert message.template_version.template.key == "vip"
