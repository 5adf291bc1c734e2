"""recommend(): exact results on a small shop, and the rules every strategy follows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.recommendations import reads
from saleor_mautomation.recommendations.selectors import (
    STRATEGIES,
    Request,
    recommend,
    recommend_many,
    recommendations_cache_clear,
)
from saleor_mautomation.recommendations.services import recommendations_rebuild
from tests.conftest import make_installation
from tests.recommendations import rows

TEE, SOCKS, PIN, HOODIE, CAP, MUG = "Tee", "Socks", "Pin", "Hoodie", "Cap", "Mug"


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(rows.NOW, tick=False)


@pytest.fixture
def shop(db):
    """Five customers bought the tee with socks (which 20 customers bought), four of them with
    a pin (which only they bought); the hoodie (not visible in listings) and the cap (sold
    out) were bought with the tee too; the mug is sold in the "de" channel only, in euros."""
    installation = make_installation(saleor_api_url="https://shop.example/graphql/")
    rows.catalogue_urls(installation)
    rows.product(installation, TEE, "Monospace Tee", in_category="Shirts")
    rows.product(installation, SOCKS, "Socks", in_category="Accessories")
    rows.product(installation, PIN, "Tee Pin", in_category="Accessories")
    rows.product(installation, HOODIE, "Hoodie", in_category="Shirts", visible_in_listings=False)
    rows.product(installation, CAP, "Cap", in_category="Accessories", in_stock=False)
    rows.product(installation, MUG, "Mug", prices={"de": ("9.50", "EUR")})
    buyers = [rows.contact(installation) for _ in range(20)]
    for i, person in enumerate(buyers):
        lines = [rows.line(SOCKS, category_id="Category:Accessories")]
        if i < 5:
            lines += [rows.line(TEE, category_id="Category:Shirts"), rows.line(HOODIE)]
        if i < 4:
            lines.append(rows.line(PIN, category_id="Category:Accessories"))
        if i < 3:
            lines.append(rows.line(CAP))
        rows.order(installation, person, lines, placed_at=rows.NOW - timedelta(days=i))
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)
    return installation, buyers


def shown(recommendations):
    return [(r.product.id, r.reason, r.score) for r in recommendations]


def test_bought_together_ranks_by_shared_orders_scaled_by_popularity(shop):
    # given the shop
    installation, _ = shop

    # when a visitor looks at the tee
    found = recommend(
        installation.pk,
        strategy="bought_together",
        channel_slug="default-channel",
        product_ids=[TEE],
    )

    # then the pin (in 4 orders, all with the tee) ranks above the socks (5 of their 20),
    # the hidden hoodie and the sold-out cap are left out, and the tee itself too
    assert shown(found) == [
        (PIN, "Bought together with Monospace Tee in 4 orders", 0.596285),
        (SOCKS, "Bought together with Monospace Tee in 5 orders", 0.357143),
    ]
    card = found[0].product
    assert (card.name, card.price, card.currency, card.url, card.available) == (
        "Tee Pin",
        Decimal("20.00"),
        "USD",
        "https://shop.example/default-channel/products/tee-pin/",
        True,
    )


def test_nothing_the_contact_bought_unless_its_type_is_consumable(shop):
    # given the first buyer, who bought the tee, the socks and the pin
    installation, buyers = shop

    # when they look at the tee
    found = recommend(
        installation.pk,
        strategy="bought_together",
        channel_slug="default-channel",
        contact_id=buyers[0].pk,
        product_ids=[TEE],
    )

    # then nothing is left to recommend
    assert found == []

    # given socks are consumable
    rows.catalogue_urls(installation, consumable_product_types=["Consumables"])
    from saleor_mautomation.catalogue.models import Product

    Product.objects.filter(installation=installation, saleor_id=SOCKS).update(
        product_type_name="Consumables"
    )

    # when they look again, then the socks come back (bought again and again), the pin not
    found = recommend(
        installation.pk,
        strategy="bought_together",
        channel_slug="default-channel",
        contact_id=buyers[0].pk,
        product_ids=[TEE],
    )
    assert [r.product.id for r in found] == [SOCKS]


def test_best_sellers_count_orders_in_the_window_of_the_channel(shop, settings):
    # given a window of 3 days (orders of today and the two days before)
    installation, _ = shop
    settings.RECOMMENDATIONS_BESTSELLER_DAYS = 3

    # when the best-sellers are asked for, excluding the socks
    found = recommend(
        installation.pk,
        strategy="bestsellers",
        channel_slug="default-channel",
        exclude_ids=[SOCKS],
        first=10,
    )

    # then the orders of the last 3 days count: the pin, the tee (3 each; the pin first by id),
    # never the hoodie and cap, which are not recommendable
    assert shown(found) == [
        (PIN, "Best-seller: ordered 3 times in 3 days", 3.0),
        (TEE, "Best-seller: ordered 3 times in 3 days", 3.0),
    ]


def test_best_sellers_in_the_context_products_category(shop):
    # given the shop
    installation, _ = shop

    # when the best-sellers in the pin's category are asked for
    found = recommend(
        installation.pk,
        strategy="bestsellers_in_category",
        channel_slug="default-channel",
        product_ids=[PIN],
    )

    # then the socks (20 orders); not the pin itself, not the sold-out cap
    assert shown(found) == [
        (SOCKS, "Best-seller in Accessories: ordered 20 times in 30 days", 20.0)
    ]


def test_similar_fills_the_category_with_unsold_products(shop):
    # given a shirt nobody bought yet
    installation, _ = shop
    rows.product(installation, "Polo", "Polo", in_category="Shirts")

    # when products like the tee are asked for
    found = recommend(
        installation.pk, strategy="similar", channel_slug="default-channel", product_ids=[TEE]
    )

    # then the other shirts: the polo (the hoodie is not visible)
    assert shown(found) == [("Polo", "Also in Shirts", 0.0)]


def test_prices_in_the_channels_currency_and_only_what_is_sold_there(shop):
    # given the mug's buyers in the "de" channel, who also bought the tee there
    installation, _ = shop
    rows.product(installation, "Tee-de", "Tee DE", prices={"de": ("18.00", "EUR")})
    for _ in range(2):
        person = rows.contact(installation)
        rows.order(
            installation,
            person,
            [rows.line(MUG), rows.line("Tee-de"), rows.line(TEE)],
            channel="de",
        )
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)

    # when the mug's partners are asked for in each channel
    in_de = recommend(
        installation.pk, strategy="bought_together", channel_slug="de", product_ids=[MUG]
    )
    in_default = recommend(
        installation.pk,
        strategy="bought_together",
        channel_slug="default-channel",
        product_ids=["Tee-de"],
    )

    # then in "de" the tee sold there, in euros (the other tee is not sold in "de"); in the
    # default channel the tee, in dollars (the mug is not sold there)
    assert [(r.product.id, r.product.price, r.product.currency) for r in in_de] == [
        ("Tee-de", Decimal("18.00"), "EUR")
    ]
    assert [(r.product.id, r.product.price, r.product.currency) for r in in_default] == [
        (TEE, Decimal("20.00"), "USD")
    ]


def test_recently_viewed_newest_first_without_the_context(shop):
    # given a visitor who viewed the socks, the tee, the pin, then the socks again
    installation, _ = shop
    visitor = rows.contact(installation, email="")
    for minutes, product_id in enumerate([SOCKS, TEE, PIN, SOCKS]):
        rows.viewed(visitor, product_id, rows.NOW + timedelta(minutes=minutes))

    # when their recently viewed products are asked for on the pin's page
    found = recommend(
        installation.pk,
        strategy="recently_viewed",
        channel_slug="default-channel",
        contact_id=visitor.pk,
        product_ids=[PIN],
    )

    # then the socks, then the tee
    assert [(r.product.id, r.reason) for r in found] == [
        (SOCKS, "You viewed it recently"),
        (TEE, "You viewed it recently"),
    ]


def test_personalised_blends_partners_favourite_category_and_best_sellers(shop):
    # given a customer who bought the tee and viewed the pin (an accessory) twice
    installation, _ = shop
    rows.product(installation, "Belt", "Belt", in_category="Accessories")
    rows.product(installation, "Polo", "Polo", in_category="Shirts")
    person = rows.contact(installation)
    rows.order(installation, person, [rows.line(TEE, category_id="Category:Shirts")])
    for minutes in range(2):
        rows.viewed(person, PIN, rows.NOW + timedelta(minutes=minutes), "Category:Accessories")
    other = rows.contact(installation)
    rows.order(installation, other, [rows.line("Belt", category_id="Category:Accessories")])
    rows.order(installation, other, [rows.line("Polo", category_id="Category:Shirts")])
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)

    # when their personalised recommendations are asked for
    found = recommend(
        installation.pk,
        strategy="personalised",
        channel_slug="default-channel",
        contact_id=person.pk,
        first=4,
    )

    # then in turn: what goes with the tee and the pin (the socks go with both, the pin with
    # the tee; never the tee, bought), the favourite category's best-sellers (Accessories:
    # viewed twice, Shirts ordered once), the shop's best-sellers
    assert [(r.product.id, r.reason) for r in found] == [
        (SOCKS, "Bought together with Monospace Tee in 5 orders"),
        (PIN, "Bought together with Monospace Tee in 4 orders"),
        ("Belt", "Best-seller in Accessories: ordered once in 30 days"),
        ("Polo", "Best-seller: ordered once in 30 days"),
    ]


def test_an_anonymous_visitor_without_history_gets_best_sellers(shop):
    installation, _ = shop

    found = recommend(
        installation.pk, strategy="personalised", channel_slug="default-channel", first=2
    )

    assert [(r.product.id, r.reason) for r in found] == [
        (SOCKS, "Best-seller: ordered 20 times in 30 days"),
        (TEE, "Best-seller: ordered 5 times in 30 days"),
    ]


def test_unavailable_or_invisible_products_are_never_recommended(shop):
    # given the tee unpublished, the pin not available for purchase
    installation, _ = shop
    from saleor_mautomation.catalogue.models import ProductChannelListing

    ProductChannelListing.objects.filter(product__saleor_id=SOCKS).update(is_published=False)
    ProductChannelListing.objects.filter(product__saleor_id=PIN).update(
        is_available_for_purchase=False
    )

    # when every strategy is asked, then none shows the socks, the pin, the hoodie or the cap
    for strategy in STRATEGIES:
        found = recommend(
            installation.pk,
            strategy=strategy,
            channel_slug="default-channel",
            product_ids=[TEE],
            first=50,
        )
        assert {r.product.id for r in found} & {SOCKS, PIN, HOODIE, CAP} == set(), strategy


def test_first_is_bounded_and_an_unknown_strategy_refused(shop):
    installation, _ = shop

    found = recommend(
        installation.pk, strategy="bestsellers", channel_slug="default-channel", first=0
    )

    assert found == []
    with pytest.raises(ValueError, match="unknown strategy 'trending'"):
        recommend(installation.pk, strategy="trending", channel_slug="default-channel")


def test_recommend_many_answers_as_recommend_does_for_each_request(shop):
    # given buyers, a visitor who viewed the pin and the socks, and a stranger
    installation, buyers = shop
    visitor = rows.contact(installation, email="")
    rows.viewed(visitor, PIN, rows.NOW, "Category:Accessories")
    rows.viewed(visitor, SOCKS, rows.NOW + timedelta(minutes=1), "Category:Accessories")
    people = [buyers[0].pk, buyers[4].pk, buyers[12].pk, visitor.pk, None]
    requests = [
        Request(strategy, channel, person, context, first, exclude)
        for strategy in STRATEGIES
        for person in people
        for context in ([], [TEE], [SOCKS, PIN])
        for channel, first, exclude in (("default-channel", 4, ()), ("de", 2, (SOCKS,)))
    ]

    # when they are asked for in one batch
    batch = recommend_many(installation.pk, requests)

    # then each answer is recommend()'s for the same request, in the requests' order
    one_by_one = [
        recommend(
            installation.pk,
            strategy=r.strategy,
            channel_slug=r.channel_slug,
            contact_id=r.contact_id,
            product_ids=r.product_ids,
            first=r.first,
            exclude_ids=r.exclude_ids,
        )
        for r in requests
    ]
    assert [shown(found) for found in batch] == [shown(found) for found in one_by_one]
    assert [[r.product for r in found] for found in batch] == [
        [r.product for r in found] for found in one_by_one
    ]
    # and the batch is not trivially empty: on the tee's page (never shown) the visitor gets
    # the pin (it goes with the socks they viewed last), then the socks (the best-seller of
    # Accessories, the category of both views); the shop's other best-sellers are the tee,
    # the hidden hoodie and the sold-out cap
    at = requests.index(Request("personalised", "default-channel", visitor.pk, [TEE], 4, ()))
    assert shown(batch[at]) == [
        (PIN, "Bought together with Socks in 4 orders", 2.0),
        (SOCKS, "Best-seller in Accessories: ordered 20 times in 30 days", 1.0),
    ]


def test_a_batchs_statements_do_not_grow_with_its_recipients(shop):
    # given requests of every strategy for 2 buyers of the socks alone, and for all 15
    # (best-seller lists are cached across calls: each batch starts without them)
    installation, buyers = shop
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(people):
        requests = [
            Request(strategy, "default-channel", person.pk, [TEE], 4)
            for strategy in STRATEGIES
            for person in people
        ]
        cache.clear()
        recommendations_cache_clear()
        with CaptureQueriesContext(connection) as queries:
            recommend_many(installation.pk, requests)
        return [q["sql"].split()[:6] for q in queries]

    # when each batch is asked for
    many, few = statements(buyers[5:]), statements(buyers[5:7])

    # then ten times the recipients cost no more statements: 8 (the settings and version,
    # the histories, the partners, the context's facts, the channel's best-sellers, every
    # category's best-sellers, the category's other products, the candidates' facts with the
    # seeds' names and the favourite category's, Accessories, from the pin's), where the ORM's
    # reads cost 20
    assert len(many) == len(few) == 8
    assert [sql[1] for sql in many].count("(SELECT") == 1  # settings and version together


def test_a_contact_who_bought_more_than_a_look_up_reads_is_never_shown_what_they_bought(shop):
    # given the first buyer (the tee, the socks, the pin) also bought 510 other products in 17
    # orders of 30: more than the 500 a look-up reads with their history
    installation, buyers = shop
    for n in range(17):
        rows.order(
            installation,
            buyers[0],
            [rows.line(f"Bulk:{n}-{i}") for i in range(30)],
            placed_at=rows.NOW - timedelta(days=40),
        )
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)
    history = reads.histories([buyers[0].pk])[buyers[0].pk]
    assert (len(history.bought), history.bought_all) == (reads.BOUGHT_READ + 1, False)

    # when they look at the tee, and when their personalised products are asked for
    together = recommend(
        installation.pk,
        strategy="bought_together",
        channel_slug="default-channel",
        contact_id=buyers[0].pk,
        product_ids=[TEE],
    )
    personalised = recommend(
        installation.pk,
        strategy="personalised",
        channel_slug="default-channel",
        contact_id=buyers[0].pk,
        first=10,
    )

    # then the pin and the socks, which they bought, are shown in neither (read for the
    # candidates), and nothing else is recommendable in the shop
    assert together == []
    assert personalised == []


def test_histories_read_contact_by_contact_equal_those_of_a_large_batch(shop):
    # given the 20 buyers and a visitor with views (21 contacts: more than a look-up's few)
    installation, buyers = shop
    visitor = rows.contact(installation, email="")
    for minutes, product_id in enumerate([SOCKS, TEE, PIN, SOCKS]):
        rows.viewed(visitor, product_id, rows.NOW + timedelta(minutes=minutes), "Category:X")
    rows.order(installation, buyers[0], [rows.line(MUG)], placed_at=rows.NOW + timedelta(hours=1))
    people = [b.pk for b in buyers] + [visitor.pk]
    assert len(people) > reads.PER_CONTACT

    # when the histories are read for all of them at once (a window function over each
    # contact's rows) and for each alone (each contact's index range, newest first)
    together = reads.histories(people)
    alone = {person: reads.histories([person])[person] for person in people}

    # then they are the same, and the visitor's views are newest first, each once
    assert together == alone
    assert alone[visitor.pk].viewed == (SOCKS, PIN, TEE)
    assert alone[buyers[0].pk].ordered[0] == MUG
