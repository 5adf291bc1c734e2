"""The setup checklist: each step read from what the app holds."""

from __future__ import annotations

from datetime import UTC, datetime

from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.messages.models import EmailProvider, SendingRules
from tests.analytics.factories import make_journey
from tests.contacts.factories import make_contact, make_event
from tests.graphql.test_contacts import ask

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QUERY = "{ setupChecklist { key done detail at } }"


def test_a_new_shop_has_everything_to_do(client, standin_installation, settings):
    # given: a deployment whose email goes nowhere
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # when
    body = ask(client, standin_installation, QUERY)

    # then
    assert body["data"]["setupChecklist"] == [
        {"key": "sender", "done": False, "detail": "", "at": None},
        {"key": "email_provider", "done": False, "detail": "default", "at": None},
        {"key": "backfill", "done": False, "detail": "0/3", "at": None},
        {"key": "journey", "done": False, "detail": "0", "at": None},
        {"key": "storefront", "done": False, "detail": "", "at": None},
    ]


def test_a_set_up_shop_has_every_step_done(client, standin_installation, settings):
    # given
    shop = standin_installation
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SendingRules.objects.create(installation=shop, from_email="hi@linden.example")
    EmailProvider.objects.create(installation=shop, kind="smtp", smtp_host="smtp.linden.example")
    for resource in ("customers", "orders", "checkouts"):
        BackfillRun.objects.create(
            installation=shop,
            resource=resource,
            status="done",
            finished_at=T,
            created_at=T,
            updated_at=T,
        )
    BackfillRun.objects.create(
        installation=shop, resource="orders", status="running", created_at=T, updated_at=T
    )
    make_journey(shop, "Welcome")
    make_event(make_contact(shop), "product.viewed", T)
    make_event(make_contact(shop), "order.placed", datetime(2026, 3, 3, tzinfo=UTC))

    # when
    body = ask(client, shop, QUERY)

    # then: the orders' latest run is running again: not all imported
    assert body["data"]["setupChecklist"] == [
        {"key": "sender", "done": True, "detail": "hi@linden.example", "at": None},
        {"key": "email_provider", "done": True, "detail": "smtp.linden.example", "at": None},
        {"key": "backfill", "done": False, "detail": "2/3", "at": T.isoformat()},
        {"key": "journey", "done": True, "detail": "1", "at": None},
        {"key": "storefront", "done": True, "detail": "", "at": T.isoformat()},
    ]
