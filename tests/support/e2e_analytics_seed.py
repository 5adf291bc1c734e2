"""A constructed history for the analytics browser test
(``dashboard_extension/e2e/analytics.e2e.ts``), written through the app's own code into the
browser tests' database.

Run by the stand-in Dashboard's ``/__e2e/seed/analytics`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_analytics_seed`` with the app's environment (its
``MAUTOMATION_VAR_DIR``); prints one JSON line: the journeys' ids and the periods.

Everything happens in a week that ended ten days ago (the "current" period) and the week
before it (the "previous" one), so what the other browser tests do today never adds to it:

- "Abandoned checkout (analytics)": entered by ``checkout.abandoned``, goal ``order.placed``,
  20% holdout, a 50/50 split into a reminder and a discount email. 90 runs: 60 treated (30 per
  branch), 30 held out. Branch A's 30 emails: 15 opened, 6 clicked, 6 converted with an EUR 50
  order each; branch B's: 18 opened, 12 clicked, 10 converted (7 orders of EUR 40, 3 of USD 30).
  2 held-out runs converted (EUR 25 each; nothing was sent to them, so nothing is attributed).
  One reminder bounced and one discount email was marked as spam.
- "Welcome (analytics)": emails only. Previous week 20 sent, 8 opened, 2 clicked, one order of
  EUR 20 (attributed to its click); this week 10 sent, 5 opened, 1 clicked.
- List growth: 2 confirmed sign-ups in the previous week; 3 this week and 1 withdrawal.
- "Sale broadcast (analytics)", 40 days ago (outside both weeks): a broadcast whose 20% test share
  (20 people, 10 per branch of its split) got emails: branch A 5 opened, 1 clicked; branch B 7
  opened, 4 clicked. After its 4 hours' wait ``flows.broadcast_tests`` chose the winner by clicks
  (too few for significance: the best rate seen). The journey is paused then, so its rest is
  never sent.

Opens and clicks go through the tracking code (a person's browser), orders are attributed by
``analytics.attribution.orders_attribute``, runs are tallied by ``journeys.conversions``,
consents by ``contacts.consent``, ESP reports by ``messages.esp``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tests.support.seed_main import django_setup

ABANDONED = {
    "entry": {"type": "event", "event_type": "checkout.abandoned"},
    "goal": {"event_type": "order.placed"},
    "holdout_percent": 20,
    "start": "split",
    "nodes": {
        "split": {
            "type": "split",
            "branches": [{"percent": 50, "next": "reminder"}, {"percent": 50, "next": "discount"}],
        },
        "reminder": {"type": "send_email", "template": "abandoned-checkout-1", "next": "end"},
        "discount": {"type": "send_email", "template": "abandoned-checkout-2", "next": "end"},
        "end": {"type": "exit"},
    },
}
WELCOME = {
    "entry": {"type": "manual"},
    "start": "mail",
    "nodes": {
        "mail": {"type": "send_email", "template": "welcome-1", "next": "end"},
        "end": {"type": "exit"},
    },
}
SALE = {
    "start": "ab",
    "nodes": {
        "ab": {
            "type": "split",
            "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
        },
        "a": {"type": "send_email", "template": "welcome-2", "next": "end"},
        "b": {"type": "send_email", "template": "welcome-3", "next": "end"},
        "end": {"type": "exit"},
    },
}
SALE_BRANCHES = ((5, 1), (7, 4))  # per branch of the test share: opened, clicked
PERSON = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
TREATED_PER_BRANCH = 30
HELD_OUT = 30
# per branch: (opened, clicked, converted orders as (currency, amount))
BRANCHES = (
    (15, 6, [("EUR", "50.00")] * 6),
    (18, 12, [("EUR", "40.00")] * 7 + [("USD", "30.00")] * 3),
)
HELD_OUT_ORDERS = [("EUR", "25.00")] * 2


def seed(*, today: date) -> dict[str, Any]:
    from saleor_mautomation.analytics.attribution import orders_attribute
    from saleor_mautomation.commerce.models import OrderRecord
    from saleor_mautomation.contacts.consent import (
        Evidence,
        Purpose,
        consent_token,
        consent_withdraw,
        subscription_confirm,
    )
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.events.tallies import tallies_add
    from saleor_mautomation.flows.broadcast_tests import broadcast_test_decide
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.journeys import definition as d
    from saleor_mautomation.journeys.conversions import (
        Converted,
        conversions_apply,
        entered_tallies,
        split_tallies,
    )
    from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion
    from saleor_mautomation.journeys.services import (
        journey_create,
        journey_publish,
        journey_status_set,
    )
    from saleor_mautomation.messages import tokens
    from saleor_mautomation.messages.esp import esp_event_apply
    from saleor_mautomation.messages.funnel import message_sent_tally
    from saleor_mautomation.messages.models import Message, Template
    from saleor_mautomation.messages.services import templates_builtin_ensure
    from saleor_mautomation.messages.tracking import click_record, open_record
    from saleor_mautomation.saleor.models import Installation
    from saleor_mautomation.segments.services import segment_create

    installation = Installation.objects.get()
    shop = installation.pk
    now = datetime.now(tz=UTC)
    start = today - timedelta(days=16)  # the current week: start .. start + 6
    previous = start - timedelta(days=7)
    templates_builtin_ensure(installation_id=shop, now=now)
    templates = {t.key: t for t in Template.objects.filter(installation_id=shop)}
    serial = iter(range(1, 10_000))

    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=UTC)

    def contact(**fields: Any) -> Contact:
        n = next(serial)
        fields.setdefault("email_consent", "granted")
        return Contact.objects.create(
            installation_id=shop, email=f"analytics-{n}@shop.example", **fields
        )

    def published(name: str, definition: dict[str, Any]) -> tuple[Journey, JourneyVersion]:
        journey = journey_create(installation_id=shop, name=name, draft=definition)
        version = journey_publish(journey=journey, now=now)
        journey.refresh_from_db()
        return journey, version

    def sent(
        person: Contact, when: datetime, version: JourneyVersion, node: str, **fields: Any
    ) -> Message:
        template = templates[version.definition["nodes"][node]["template"]]
        message = Message.objects.create(
            installation_id=shop,
            contact=person,
            dedupe_key=f"e2e-analytics:{next(serial)}",
            kind="marketing",
            to_address=person.email or "",
            status="sent",
            send_after=when,
            created_at=when,
            sent_at=when,
            provider_id=f"e2e-analytics-{next(serial)}",
            template=template,
            journey_id=version.journey_id,
            journey_version=version,
            journey_node=node,
            **fields,
        )
        message_sent_tally(message, at=when)
        return message

    def opened(message: Message, when: datetime) -> None:
        open_record(token=tokens.open_token(message.pk), user_agent=PERSON, now=when)

    def clicked(message: Message, when: datetime) -> None:
        url = "https://shop.example/checkout"
        click_record(token=tokens.click_token(message.pk, url), user_agent=PERSON, now=when)

    def order(person: Contact, when: datetime, currency: str, amount: str) -> OrderRecord:
        n = next(serial)
        return OrderRecord.objects.create(
            installation_id=shop,
            contact=person,
            saleor_id=f"E2E-analytics-order-{n}",
            number=f"A{n}",
            email=person.email or "",
            status="UNFULFILLED",
            channel_slug="default-channel",
            currency=currency,
            total_gross=Decimal(amount),
            total_net=Decimal(amount),
            placed_at=when,
            source_updated_at=when,
        )

    # -- the abandoned-checkout journey: runs, their emails, opens, clicks, goal orders
    abandoned, abandoned_v1 = published("Abandoned checkout (analytics)", ABANDONED)
    definition = d.journey_parse(abandoned_v1.definition)
    runs: list[tuple[JourneyRun, Contact, int, bool, int]] = []  # run, person, branch, held, k
    for i in range(2 * TREATED_PER_BRANCH + HELD_OUT):
        held = i >= 2 * TREATED_PER_BRANCH
        branch = i % 2
        entered = at(start + timedelta(days=i % 7), 8)
        person = contact()
        run = JourneyRun.objects.create(
            installation_id=shop,
            journey=abandoned,
            version=abandoned_v1,
            contact=person,
            entry_key=f"checkout-{i}",
            status=JourneyRun.Status.EXITED,
            node="end",
            node_entered_at=entered + timedelta(hours=1),
            holdout=held,
            exit_reason="end",
            entered_at=entered,
            exited_at=entered + timedelta(hours=1),
            branches={"split": branch},
        )
        tallies_add(entered_tallies([run]) + split_tallies(run, {"split": branch}))
        k = i - 2 * TREATED_PER_BRANCH if held else i // 2  # the run's place in its group
        runs.append((run, person, branch, held, k))

    converted: list[tuple[JourneyRun, Contact, str]] = []
    for run, person, branch, held, k in runs:
        when = run.entered_at
        placed = when + timedelta(hours=4)
        if held:
            if k < len(HELD_OUT_ORDERS):
                currency, amount = HELD_OUT_ORDERS[k]
                converted.append((run, person, order(person, placed, currency, amount).saleor_id))
            continue
        opens, clicks, orders = BRANCHES[branch]
        message = sent(
            person,
            when + timedelta(hours=1),
            abandoned_v1,
            "reminder" if branch == 0 else "discount",
            split_node="split",
            split_branch=branch,
        )
        if k < opens:
            opened(message, when + timedelta(hours=2))
        if k < clicks:
            clicked(message, when + timedelta(hours=3))
        if k < len(orders):
            currency, amount = orders[k]
            converted.append((run, person, order(person, placed, currency, amount).saleor_id))
        if branch == 0 and k == TREATED_PER_BRANCH - 1:
            esp_event_apply(
                esp="postmark",
                event_type="bounced",
                provider_id=message.provider_id,
                event_id=None,
                detail="",
                now=when + timedelta(hours=2),
            )
        if branch == 1 and k == TREATED_PER_BRANCH - 1:
            esp_event_apply(
                esp="postmark",
                event_type="complained",
                provider_id=message.provider_id,
                event_id=None,
                detail="",
                now=when + timedelta(hours=5),
            )
    for run, person, order_id in converted:
        placed = run.entered_at + timedelta(hours=4)
        orders_attribute(contact_ids=[person.pk], now=placed + timedelta(minutes=1))
        tallies = conversions_apply([Converted(run, definition, order_id)], placed)
        run.exit_reason = "goal"
        run.save(update_fields=["converted_at", "goal_revenue", "goal_currency", "exit_reason"])
        tallies_add(tallies)

    # -- the welcome journey: emails only, in both weeks
    welcome, welcome_v1 = published("Welcome (analytics)", WELCOME)
    for week, count, opens, clicks, orders in (
        (previous, 20, 8, 2, [("EUR", "20.00")]),
        (start, 10, 5, 1, []),
    ):
        for k in range(count):
            person = contact()
            when = at(week + timedelta(days=k % 7), 9)
            message = sent(person, when, welcome_v1, "mail")
            if k < opens:
                opened(message, when + timedelta(hours=1))
            if k < clicks:
                clicked(message, when + timedelta(hours=2))
            if k < len(orders):
                currency, amount = orders[k]
                placed = when + timedelta(hours=3)
                order(person, placed, currency, amount)
                orders_attribute(contact_ids=[person.pk], now=placed + timedelta(minutes=1))

    # -- a broadcast with a test share, decided by the app's own decision
    broadcast_at = at(today - timedelta(days=40), 9)
    segment = segment_create(
        installation_id=shop,
        name="Sale audience (analytics)",
        definition={"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}},
        now=now,
    )
    sale, sale_v1 = published(
        "Sale broadcast (analytics)",
        {
            **SALE,
            "entry": {
                "type": "broadcast",
                "segment_id": segment.pk,
                "send_at": broadcast_at.isoformat(),
                "test": {"split": "ab", "share_percent": 20, "wait_hours": 4, "metric": "click"},
            },
        },
    )
    sale_v1.broadcast_enrolled_at = broadcast_at
    sale_v1.save(update_fields=["broadcast_enrolled_at"])
    for i in range(20):
        branch = i % 2
        person = contact(gender="f")
        run = JourneyRun.objects.create(
            installation_id=shop,
            journey=sale,
            version=sale_v1,
            contact=person,
            status=JourneyRun.Status.EXITED,
            node="end",
            node_entered_at=broadcast_at,
            exit_reason="end",
            entered_at=broadcast_at,
            exited_at=broadcast_at,
            branches={"ab": branch},
        )
        tallies_add(entered_tallies([run]) + split_tallies(run, {"ab": branch}))
        message = sent(
            person,
            broadcast_at,
            sale_v1,
            "a" if branch == 0 else "b",
            broadcast=True,
            split_node="ab",
            split_branch=branch,
        )
        opens, clicks = SALE_BRANCHES[branch]
        if i // 2 < opens:
            opened(message, broadcast_at + timedelta(hours=1))
        if i // 2 < clicks:
            clicked(message, broadcast_at + timedelta(hours=2))
    broadcast_test_decide(version_id=sale_v1.pk, now=broadcast_at + timedelta(hours=4, minutes=1))
    journey_status_set(journey=sale, status=Journey.Status.PAUSED)

    # -- list growth: confirmed sign-ups and a withdrawal
    evidence = Evidence(source="e2e")
    for day, confirmations, withdrawals in ((previous, 2, 0), (start, 3, 1)):
        people = [contact(email_consent="pending") for _ in range(confirmations)]
        for k, person in enumerate(people):
            subscription_confirm(
                token=consent_token(person, Purpose.CONFIRM),
                evidence=evidence,
                now=at(day + timedelta(days=k), 12),
            )
        for person in people[:withdrawals]:
            person.refresh_from_db()
            consent_withdraw(contact=person, evidence=evidence, now=at(day + timedelta(days=5), 12))

    return {
        "abandonedId": to_global_id("Journey", abandoned.pk),
        "welcomeId": to_global_id("Journey", welcome.pk),
        "saleId": to_global_id("Journey", sale.pk),
        "from": start.isoformat(),
        "to": (start + timedelta(days=6)).isoformat(),
        "previousFrom": previous.isoformat(),
        "previousTo": (previous + timedelta(days=6)).isoformat(),
    }


def main() -> None:
    django_setup()
    print(json.dumps(seed(today=datetime.now(tz=UTC).date())), flush=True)


if __name__ == "__main__":
    main()
