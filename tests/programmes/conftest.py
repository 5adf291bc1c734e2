"""Fixtures of the programmes tests: a shop with the default templates, a consenting contact,
and the loopback SMTP server of the messaging tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.messages.conftest import Mailbox, serving

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
BROWSER = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
SCANNER = "Mozilla/5.0 (compatible; Barracuda Sentinel (EE))"


@pytest.fixture
def mailbox(settings):
    yield from serving(settings, Mailbox())


@pytest.fixture
def shop(db, time_machine):
    time_machine.move_to(T, tick=False)
    installation = make_shop("linden")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


@pytest.fixture
def ada(shop):
    return make_contact(
        shop, email="ada@example.com", first_name="Ada", email_consent="granted", language_code="en"
    )
