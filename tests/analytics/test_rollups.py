"""The tallies added as things happen equal a recompute from the rows they count, after any
history of sends, opens and clicks (a person's or a machine's), ESP reports, orders and
refunds, goals, waits and erasures; and an erasure takes nothing away from them."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_mautomation.analytics.rollups import tallies_recompute, tallies_stored
from saleor_mautomation.contacts.models import Contact, ErasureRequest
from saleor_mautomation.events.models import DailyTally
from saleor_mautomation.events.services import event_record
from saleor_mautomation.flows.erasure import erasure_now
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_create, journey_enroll, journey_publish
from saleor_mautomation.messages.esp import esp_event_apply
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.analytics.factories import APPLE_PROXY, PERSON, clicked, opened
from tests.contacts.factories import make_contact, make_order, make_shop

T = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
PEOPLE = 6
_shops = count(1)

DRAFT = {
    "entry": {"type": "manual"},
    "goal": {"event_type": "order.placed"},
    "holdout_percent": 30,
    "start": "first",
    "nodes": {
        "first": {"type": "wait", "duration": {"hours": 2}, "next": "split"},
        "split": {
            "type": "split",
            "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
        },
        "a": {"type": "send_email", "template": "welcome-1", "next": "wait"},
        "b": {"type": "send_email", "template": "welcome-2", "next": "wait"},
        "wait": {"type": "wait", "duration": {"hours": 20}, "next": "again"},
        "again": {"type": "send_email", "template": "welcome-3", "next": "end"},
        "end": {"type": "exit"},
    },
}

steps = st.one_of(
    st.tuples(st.just("enroll"), st.integers(0, PEOPLE - 1)),
    st.tuples(st.just("send")),
    st.tuples(st.just("open"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("click"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("esp"), st.integers(0, 20), st.sampled_from(["delivered", "bounced"])),
    st.tuples(
        st.just("order"),
        st.integers(0, PEOPLE - 1),
        st.integers(1, 300),
        st.sampled_from(["EUR", "USD"]),
    ),
    st.tuples(st.just("refund"), st.integers(0, 20)),
    st.tuples(st.just("tick"), st.integers(1, 30)),
    st.tuples(st.just("erase"), st.integers(0, PEOPLE - 1)),
)


def totals(shop) -> Counter[tuple[str, str]]:
    """Counts and amounts per metric and currency, what no erasure may change."""
    summed: Counter[tuple[str, str]] = Counter()
    for metric, currency, n, amount in DailyTally.objects.filter(installation=shop).values_list(
        "metric", "currency", "count", "amount"
    ):
        summed[(metric, currency)] += n
        summed[(metric, f"{currency} amount")] += int(amount * 100)
    return +summed


class History:
    def __init__(self, settings, draft: dict | None = None) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        self.now = T
        self.shop = make_shop(f"rollups{next(_shops)}")
        templates_builtin_ensure(installation_id=self.shop.pk, now=T)
        journey = journey_create(installation_id=self.shop.pk, name="Welcome", draft=draft or DRAFT)
        journey_publish(journey=journey, now=T)
        journey.refresh_from_db()
        self.journey = journey
        self.people = [
            make_contact(self.shop, email_consent="granted", time_zone="UTC") for _ in range(PEOPLE)
        ]

    def sent(self, k: int) -> Message | None:
        messages = list(
            Message.objects.filter(installation=self.shop, sent_at__isnull=False).order_by("pk")
        )
        return messages[k % len(messages)] if messages else None

    def alive(self, i: int) -> Contact | None:
        return Contact.objects.filter(pk=self.people[i].pk).first()

    def apply(self, step: tuple) -> None:
        match step:
            case ("enroll", i):
                if (contact := self.alive(i)) is not None:
                    with unit_of_work(now=self.now):
                        journey_enroll(journey=self.journey, contact=contact, now=self.now)
            case ("send",):
                messages_send_due(
                    now=self.now, app_url="https://app.example", default_from="s@x.example"
                )
            case ("open", k, human):
                if (message := self.sent(k)) is not None:
                    opened(
                        message, self.now + timedelta(seconds=5), PERSON if human else APPLE_PROXY
                    )
            case ("click", k, human):
                if (message := self.sent(k)) is not None:
                    clicked(
                        message, self.now + timedelta(seconds=5), PERSON if human else "curl/8.0"
                    )
            case ("esp", k, kind):
                if (message := self.sent(k)) is not None:
                    Message.objects.filter(pk=message.pk).update(provider_id=f"p{message.pk}")
                    esp_event_apply(
                        esp="postmark",
                        event_type=kind,
                        provider_id=f"p{message.pk}",
                        event_id=None,
                        detail="",
                        now=self.now,
                    )
            case ("order", i, amount, currency):
                if (contact := self.alive(i)) is not None:
                    with unit_of_work(now=self.now):
                        order = make_order(
                            contact,
                            placed_at=self.now,
                            total_gross=Decimal(amount),
                            currency=currency,
                        )
                        event_record(
                            installation_id=self.shop.pk,
                            contact_id=contact.pk,
                            type="order.placed",
                            occurred_at=self.now,
                            source="webhook",
                            dedupe_key=f"order.placed:{order.saleor_id}",
                            properties={"order_id": order.saleor_id},
                        )
            case ("refund", k):
                orders = list(self.shop.orderrecord_set.order_by("pk"))
                if orders and (order := orders[k % len(orders)]).contact_id is not None:
                    order.total_refunded = order.total_gross / 2
                    order.save()
                    with unit_of_work(now=self.now):
                        event_record(
                            installation_id=self.shop.pk,
                            contact_id=order.contact_id,
                            type="order.refunded",
                            occurred_at=self.now,
                            source="webhook",
                            dedupe_key=f"order.refunded:{order.saleor_id}:{order.total_refunded}",
                            properties={"order_id": order.saleor_id},
                        )
            case ("tick", hours):
                self.now += timedelta(hours=hours)
                with unit_of_work(now=self.now):
                    runs_wake(now=self.now, limit=100)
            case ("erase", i):
                before = totals(self.shop)
                erasure_now(
                    installation_id=self.shop.pk,
                    contact_id=self.people[i].pk,
                    source=ErasureRequest.Source.DASHBOARD,
                    now=self.now,
                )
                assert totals(self.shop) == before


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(steps, min_size=5, max_size=40))
def test_tallies_equal_a_recompute_after_any_history(db, settings, history):
    # given
    shop = History(settings)

    # when
    for step in history:
        shop.apply(step)

    # then
    assert tallies_stored(shop.shop.pk) == tallies_recompute(shop.shop.pk)


def test_an_erased_persons_runs_and_messages_still_count(db, settings):
    # given: Ada entered (no holdout), got her mail, opened it and bought
    shop = History(settings, {**DRAFT, "holdout_percent": 0})
    ada = shop.people[0]
    for step in [
        ("enroll", 0),
        ("tick", 3),
        ("send",),
        ("open", 0, True),
        ("tick", 1),
        ("order", 0, 120, "EUR"),
    ]:
        shop.apply(step)
    before = tallies_stored(shop.shop.pk)

    # when
    shop.apply(("erase", 0))

    # then
    run = JourneyRun.objects.get(journey=shop.journey)
    assert (run.contact_id, run.context, run.status, run.exit_reason) == (
        None,
        {},
        "exited",
        "goal",
    )
    assert not Contact.objects.filter(pk=ada.pk).exists()
    assert tallies_stored(shop.shop.pk) == before == tallies_recompute(shop.shop.pk)
    assert {key[2] for key in before} == {
        "entered",
        "split.entered",
        "sent",
        "opened",
        "attributed",
        "converted",
        "split.converted",
    }


def test_a_rebuild_derives_the_same_tallies_as_were_added(db, settings):
    # given: a history, then its tallies lost (an upgrade from before they existed)
    shop = History(settings, {**DRAFT, "holdout_percent": 0})
    for step in [("enroll", 0), ("enroll", 1), ("tick", 3), ("send",), ("open", 0, True)]:
        shop.apply(step)
    added = tallies_stored(shop.shop.pk)
    DailyTally.objects.filter(installation=shop.shop).exclude(metric__startswith="list.").delete()

    # when
    call_command("analytics_rebuild", installation=shop.shop.pk, stdout=io.StringIO())

    # then
    assert tallies_stored(shop.shop.pk) == added
    assert {key[2] for key in added} == {"entered", "split.entered", "sent", "opened"}
