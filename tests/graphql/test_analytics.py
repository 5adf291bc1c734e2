"""The analytics queries: exact figures for constructed histories, money per currency, the
previous period, holdout lift and A/B results checked against scipy, another shop's data
never shown."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats as sp  # type: ignore[import-untyped]  # no stubs; tests only

from saleor_mautomation.analytics.attribution import orders_attribute
from saleor_mautomation.events.tallies import Origin, Tally, tallies_add
from saleor_mautomation.journeys.models import JourneyRun
from tests.analytics.factories import (
    APPLE_PROXY,
    clicked,
    make_journey,
    make_sent,
    make_template,
    opened,
)
from tests.contacts.factories import make_contact, make_order, make_shop
from tests.graphql.test_contacts import ask

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

FUNNEL = "entered sent delivered opened clicked converted revenue { currency amount }"
FUNNEL += " unsubscribed bounced complained"
OVERVIEW = f"""
query O($from: Date!, $to: Date!, $compare: Boolean) {{
  analyticsOverview(from: $from, to: $to, compare: $compare) {{
    period {{ from to }} previousPeriod {{ from to }}
    current {{ funnel {{ {FUNNEL} }} recoveredCheckouts subscribed unsubscribed
      bounceRate complaintRate }}
    previous {{ funnel {{ sent clicked converted revenue {{ currency amount }} }} }}
    days {{ day funnel {{ sent opened }} }}
    topJourneys {{ id name funnel {{ sent converted }} }}
    topTemplates {{ id name funnel {{ sent opened clicked converted }} }}
    channels {{ channel funnel {{ sent opened converted }} }}
    complaintLine
  }}
}}"""
JOURNEY = f"""
query J($id: ID!, $from: Date!, $to: Date!) {{
  journeyAnalytics(journeyId: $id, from: $from, to: $to) {{
    funnel {{ {FUNNEL} }}
    nodes {{ node funnel {{ sent opened converted revenue {{ currency amount }} }} }}
    versions {{ number funnel {{ entered converted }} }}
    channels {{ channel funnel {{ sent }} }}
    holdout {{ holdoutPercent treated {{ recipients converted rate }}
      holdout {{ recipients converted rate }} lift liftLow liftHigh verdict message
      revenuePerRecipient {{ currency treated holdout difference low high }} }}
    abTests {{ node kind metric winner verdict message
      variants {{ branch label recipients conversions conversionRate clicks uplift pValue }} }}
  }}
}}"""


def gid(kind, pk):
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def test_the_overview_counts_people_and_credits_orders_per_currency(client, standin_installation):
    # given: a journey's mail to Ada and Bob and a newsletter to Cy, on March 2
    shop = standin_installation
    ada, bob, cy = (make_contact(shop) for _ in range(3))
    journey = make_journey(shop, "Welcome")
    welcome, news = make_template(shop, "Welcome 1"), make_template(shop, "News")
    to_ada = make_sent(ada, T, journey=journey, template=welcome, node="mail")
    to_bob = make_sent(bob, T, journey=journey, template=welcome, node="mail")
    to_cy = make_sent(cy, T, template=news)
    # Ada opens twice and clicks; Bob's "open" is Apple's proxy; Cy opens on March 3
    opened(to_ada, T + timedelta(minutes=5))
    opened(to_ada, T + timedelta(minutes=6))
    clicked(to_ada, T + timedelta(minutes=7))
    opened(to_bob, T + timedelta(minutes=5), APPLE_PROXY)
    opened(to_cy, T + timedelta(days=1))
    # Ada buys twice (EUR, USD), Cy once the day after opening, Bob too (no human touch)
    for who, at, total, currency in [
        (ada, T + timedelta(hours=2), "40", "EUR"),
        (ada, T + timedelta(hours=3), "25.50", "USD"),
        (cy, T + timedelta(days=1, hours=2), "10", "EUR"),
        (bob, T + timedelta(hours=2), "99", "EUR"),
    ]:
        make_order(who, placed_at=at, total_gross=Decimal(total), currency=currency)
        orders_attribute(contact_ids=[who.pk], now=at)
    # a week before: one newsletter sent and clicked (the previous period)
    old = make_sent(cy, T - timedelta(days=6), template=news)
    clicked(old, T - timedelta(days=6) + timedelta(minutes=1))

    # when
    body = ask(
        client, shop, OVERVIEW, **{"from": "2026-03-02", "to": "2026-03-08", "compare": True}
    )

    # then
    data = body["data"]["analyticsOverview"]
    assert data["period"] == {"from": "2026-03-02", "to": "2026-03-08"}
    assert data["previousPeriod"] == {"from": "2026-02-23", "to": "2026-03-01"}
    assert data["current"] == {
        "funnel": {
            "entered": 0,
            "sent": 3,
            "delivered": 0,
            "opened": 2,
            "clicked": 1,
            "converted": 3,
            "revenue": [
                {"currency": "EUR", "amount": "50.0000"},
                {"currency": "USD", "amount": "25.5000"},
            ],
            "unsubscribed": 0,
            "bounced": 0,
            "complained": 0,
        },
        "recoveredCheckouts": 0,
        "subscribed": 0,
        "unsubscribed": 0,
        "bounceRate": 0.0,
        "complaintRate": 0.0,
    }
    assert data["previous"] == {"funnel": {"sent": 1, "clicked": 1, "converted": 0, "revenue": []}}
    assert [(d["day"], d["funnel"]) for d in data["days"][:3]] == [
        ("2026-03-02", {"sent": 3, "opened": 1}),
        ("2026-03-03", {"sent": 0, "opened": 1}),
        ("2026-03-04", {"sent": 0, "opened": 0}),
    ]
    assert len(data["days"]) == 7
    assert data["topJourneys"] == [
        {"id": gid("Journey", journey.pk), "name": "Welcome", "funnel": {"sent": 2, "converted": 0}}
    ]
    assert data["topTemplates"] == [
        {
            "id": gid("Template", welcome.pk),
            "name": "Welcome 1",
            "funnel": {"sent": 2, "opened": 1, "clicked": 1, "converted": 2},
        },
        {
            "id": gid("Template", news.pk),
            "name": "News",
            "funnel": {"sent": 1, "opened": 1, "clicked": 0, "converted": 1},
        },
    ]
    assert data["channels"] == [
        {"channel": "email", "funnel": {"sent": 3, "opened": 2, "converted": 3}}
    ]
    assert data["complaintLine"] == 0.003


def journey_tallies(shop, journey, *, day, holdout, entered, converted, revenue=()):
    """A constructed journey history: ``entered`` runs, ``converted`` of them with the given
    per-recipient revenues (EUR)."""
    origin = Origin(
        journey_id=journey.pk, version_id=journey.current_version_id or 0, holdout=holdout
    )
    rows = [Tally(shop.pk, day, "entered", origin, count=entered)]
    amounts = list(revenue) + [Decimal(0)] * (converted - len(revenue))
    rows += [Tally(shop.pk, day, "converted", origin, "EUR", 1, a) for a in amounts]
    tallies_add(rows)


def test_a_journeys_holdout_lift_and_revenue_interval_match_scipy(client, standin_installation):
    # given: 1,000 treated runs with 120 conversions, 100 held out with 5
    shop = standin_installation
    journey = make_journey(
        shop,
        "Abandoned cart",
        definition={
            "entry": {"type": "manual"},
            "goal": {"event_type": "order.placed"},
            "holdout_percent": 10,
            "start": "mail",
            "nodes": {
                "mail": {"type": "send_email", "template": "welcome", "next": "end"},
                "end": {"type": "exit"},
            },
        },
    )
    day = date(2026, 3, 2)
    journey_tallies(
        shop,
        journey,
        day=day,
        holdout=False,
        entered=1000,
        converted=120,
        revenue=[Decimal(50)] * 120,
    )
    journey_tallies(
        shop, journey, day=day, holdout=True, entered=100, converted=5, revenue=[Decimal(40)] * 5
    )

    # when
    body = ask(
        client,
        shop,
        JOURNEY,
        id=gid("Journey", journey.pk),
        **{"from": "2026-03-01", "to": "2026-03-31"},
    )

    # then
    result = body["data"]["journeyAnalytics"]
    assert result["funnel"]["entered"] == 1000
    assert result["funnel"]["converted"] == 120
    assert result["funnel"]["revenue"] == [{"currency": "EUR", "amount": "6000.0000"}]
    holdout = result["holdout"]
    assert holdout["holdoutPercent"] == 10
    assert holdout["treated"] == {"recipients": 1000, "converted": 120, "rate": 0.12}
    assert holdout["holdout"] == {"recipients": 100, "converted": 5, "rate": 0.05}
    margin = sp.norm.ppf(0.975) * np.sqrt(0.12 * 0.88 / 1000 + 0.05 * 0.95 / 100)
    assert holdout["lift"] == pytest.approx(0.07)
    assert holdout["liftLow"] == pytest.approx(0.07 - margin)
    assert holdout["liftHigh"] == pytest.approx(0.07 + margin)
    assert holdout["verdict"] == "better"
    assert holdout["message"].startswith(
        "The journey works: its recipients converted 7.0 points more than the holdout"
    )
    treated = np.array([50.0] * 120 + [0.0] * 880)
    held = np.array([40.0] * 5 + [0.0] * 95)
    se = np.sqrt(treated.var(ddof=1) / 1000 + held.var(ddof=1) / 100)
    (revenue,) = holdout["revenuePerRecipient"]
    assert (revenue["currency"], revenue["treated"], revenue["holdout"]) == (
        "EUR",
        "6.0000",
        "2.0000",
    )
    assert float(revenue["low"]) == pytest.approx(4 - sp.norm.ppf(0.975) * se, abs=1e-4)
    assert float(revenue["high"]) == pytest.approx(4 + sp.norm.ppf(0.975) * se, abs=1e-4)


def test_split_results_per_branch_with_a_winner_or_none_yet(client, standin_installation):
    # given: a split where branch B converts 13% against A's 10% (1,000 runs each)
    shop = standin_installation
    definition = {
        "entry": {"type": "manual"},
        "goal": {"event_type": "order.placed"},
        "start": "ab",
        "nodes": {
            "ab": {
                "type": "split",
                "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
            },
            "a": {"type": "send_email", "template": "welcome", "next": "end"},
            "b": {"type": "send_email", "template": "welcome", "next": "end"},
            "end": {"type": "exit"},
        },
    }
    journey = make_journey(shop, "Welcome test", definition=definition)
    day = date(2026, 3, 2)

    def branch(index, entered, converted, clicks):
        origin = Origin(
            journey_id=journey.pk,
            version_id=journey.current_version_id or 0,
            split_node="ab",
            split_branch=index,
        )
        tallies_add(
            [
                Tally(shop.pk, day, "split.entered", origin, count=entered),
                Tally(shop.pk, day, "split.converted", origin, "EUR", converted, Decimal(0)),
                Tally(
                    shop.pk,
                    day,
                    "clicked",
                    Origin(
                        journey_id=journey.pk, split_node="ab", split_branch=index, channel="email"
                    ),
                    count=clicks,
                ),
            ]
        )

    branch(0, 1000, 100, 300)
    branch(1, 1000, 130, 310)

    # when
    body = ask(
        client,
        shop,
        JOURNEY,
        id=gid("Journey", journey.pk),
        **{"from": "2026-03-01", "to": "2026-03-31"},
    )

    # then
    (test,) = body["data"]["journeyAnalytics"]["abTests"]
    p = sp.chi2_contingency(np.array([[130, 870], [100, 900]]), correction=False).pvalue
    assert test["node"] == "ab"
    assert (test["kind"], test["metric"], test["verdict"], test["winner"]) == (
        "split",
        "conversion",
        "winner",
        1,
    )
    control, variant = test["variants"]
    assert control == {
        "branch": 0,
        "label": "Branch A",
        "recipients": 1000,
        "conversions": 100,
        "conversionRate": 0.1,
        "clicks": 300,
        "uplift": None,
        "pValue": None,
    }
    assert (variant["label"], variant["conversions"], variant["clicks"]) == ("Branch B", 130, 310)
    assert variant["uplift"] == pytest.approx(0.03)
    assert variant["pValue"] == pytest.approx(p)
    assert test["message"] == "Branch B wins on conversion rate (13.0%), significant at 95%."

    # when: the same test read alone, by its node
    alone = ask(
        client,
        shop,
        'query A($id: ID!) { abTestResults(journeyId: $id, nodeId: "ab") { winner verdict } }',
        id=gid("Journey", journey.pk),
    )
    assert alone["data"]["abTestResults"] == {"winner": 1, "verdict": "winner"}


def test_a_bad_range_is_refused_and_another_shops_journey_is_not_found(
    client, standin_installation
):
    shop = standin_installation
    other = make_journey(make_shop("other"), "Theirs")
    tallies_add(
        [Tally(other.installation_id, date(2026, 3, 2), "sent", Origin(journey_id=other.pk))]
    )

    backwards = ask(client, shop, OVERVIEW, **{"from": "2026-03-08", "to": "2026-03-01"})
    theirs = ask(
        client,
        shop,
        JOURNEY,
        id=gid("Journey", other.pk),
        **{"from": "2026-03-01", "to": "2026-03-31"},
    )
    overview = ask(client, shop, OVERVIEW, **{"from": "2026-03-01", "to": "2026-03-31"})

    assert backwards["errors"][0]["extensions"]["code"] == "INVALID_RANGE"
    assert theirs["data"]["journeyAnalytics"] is None
    assert overview["data"]["analyticsOverview"]["current"]["funnel"]["sent"] == 0
    assert JourneyRun.objects.count() == 0


def test_a_contacts_last_order_says_which_message_earned_it(client, standin_installation):
    # given
    shop = standin_installation
    ada = make_contact(shop)
    journey, template = make_journey(shop, "Win-back"), make_template(shop, "We miss you")
    message = make_sent(ada, T, journey=journey, template=template, node="mail")
    clicked(message, T + timedelta(minutes=9))
    make_order(ada, placed_at=T + timedelta(hours=1))
    orders_attribute(contact_ids=[ada.pk], now=T + timedelta(hours=1))

    # when
    body = ask(
        client,
        shop,
        "query C($id: ID!) { contact(id: $id) { lastOrder { number"
        " creditedTo { via touchedAt journey template } } } }",
        id=gid("Contact", ada.pk),
    )

    # then
    assert body["data"]["contact"]["lastOrder"]["creditedTo"] == {
        "via": "click",
        "touchedAt": (T + timedelta(minutes=9)).isoformat(),
        "journey": "Win-back",
        "template": "We miss you",
    }


def test_a_templates_figures_and_the_journeys_that_sent_it(client, standin_installation):
    # given: one template sent by two journeys and once by itself, in March; one in February
    shop = standin_installation
    template = make_template(shop, "Welcome 1")
    first, second = make_journey(shop, "Welcome"), make_journey(shop, "Newsletter welcome")
    people = [make_contact(shop) for _ in range(4)]
    make_sent(people[0], T, journey=first, template=template, node="mail")
    to_bea = make_sent(people[1], T, journey=first, template=template, node="mail")
    clicked(to_bea, T + timedelta(minutes=1))
    make_sent(people[2], T + timedelta(days=1), journey=second, template=template, node="hi")
    make_sent(people[3], T + timedelta(days=2), template=template)
    make_sent(people[3], T - timedelta(days=20), template=template)
    query = """query T($id: ID!) { templateAnalytics(templateId: $id, from: "2026-03-01",
      to: "2026-03-31", compare: true) { funnel { sent clicked } previous { sent }
      days { day funnel { sent } } journeys { name funnel { sent clicked } } } }"""

    # when
    body = ask(client, shop, query, id=gid("Template", template.pk))

    # then
    data = body["data"]["templateAnalytics"]
    assert data["funnel"] == {"sent": 4, "clicked": 1}
    assert data["previous"] == {"sent": 1}
    assert [d["funnel"]["sent"] for d in data["days"][:4]] == [0, 2, 1, 1]
    assert len(data["days"]) == 31
    assert data["journeys"] == [
        {"name": "Welcome", "funnel": {"sent": 2, "clicked": 1}},
        {"name": "Newsletter welcome", "funnel": {"sent": 1, "clicked": 0}},
    ]


def test_a_year_is_charted_by_weeks_cut_at_the_periods_ends(client, standin_installation):
    # given: sends on Friday 2 and Sunday 4 January 2026, Monday 5, and 31 December
    shop = standin_installation
    ada = make_contact(shop)
    for day in (2, 4, 5):
        make_sent(ada, datetime(2026, 1, day, 10, tzinfo=UTC))
    make_sent(ada, datetime(2026, 12, 31, 10, tzinfo=UTC))
    query = """query O($from: Date!, $to: Date!) { analyticsOverview(from: $from, to: $to) {
      granularity days { day funnel { sent } } current { funnel { sent } } } }"""

    # when
    year = ask(client, shop, query, **{"from": "2026-01-01", "to": "2026-12-31"})
    quarter = ask(client, shop, query, **{"from": "2026-01-01", "to": "2026-04-02"})

    # then: Thursday 1 January starts the first week, each Monday the next, 53 in all
    data = year["data"]["analyticsOverview"]
    assert data["granularity"] == "week"
    points = [(d["day"], d["funnel"]["sent"]) for d in data["days"]]
    assert len(points) == 53
    assert points[:3] == [("2026-01-01", 2), ("2026-01-05", 1), ("2026-01-12", 0)]
    assert points[-1] == ("2026-12-28", 1)
    assert sum(n for _, n in points) == data["current"]["funnel"]["sent"] == 4
    # 92 days are still charted by the day
    assert quarter["data"]["analyticsOverview"]["granularity"] == "day"
    assert len(quarter["data"]["analyticsOverview"]["days"]) == 92
