"""Products in messages: what a template asks for (read from its source), and the cart, the
viewed and ordered products, a trigger's product and the recommendations in a recipient's
context, as cards from the catalogue in the recipient's channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saleor_mautomation.messages import blocks
from saleor_mautomation.messages.blocks import (
    EVERYTHING,
    Needs,
    block_errors,
    needs_of,
    recommend_function,
)
from saleor_mautomation.messages.context import recipient_context, recipient_contexts
from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT
from saleor_mautomation.messages.models import Message, TemplateVersion
from saleor_mautomation.messages.rendering import (
    RenderFailed,
    StageError,
    compile_version,
    render,
    validate,
)
from saleor_mautomation.messages.services import template_create, template_version_create
from saleor_mautomation.recommendations.selectors import STRATEGIES
from tests.contacts.factories import make_checkout, make_contact, make_event, make_order, make_shop
from tests.journeys.catalogue_rows import catalogue_urls, make_product

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MJML = (
    "<mjml><mj-body><mj-section><mj-column><mj-text>{}</mj-text>"
    "</mj-column></mj-section></mj-body></mjml>"
)


# -- what a template asks for -------------------------------------------------------------------


def test_needs_name_the_products_used_and_each_strategy_at_its_largest_count():
    # given
    source = (
        "{% for line in cart %}{{ line.name }}{% endfor %}{{ product.name }}"
        '{% for item in recommend("similar", 2) %}{% endfor %}'
        '{% set more = recommend(strategy="similar", count=6) %}'
        '{% for item in recommend("bestsellers") %}{% endfor %}'
        "{% if recommendations %}{% endif %}{{ contact.first_name }}"
    )

    # when
    needs = needs_of(source)

    # then
    assert needs == Needs(
        names=frozenset({"cart", "product"}),
        blocks={"similar": 6, "bestsellers": 4, "personalised": 4},
    )
    assert needs_of("Hi {{ contact.first_name }}").empty
    assert needs_of("{% if %}").empty  # the syntax stage reports it


def test_block_errors_name_what_the_sender_cannot_resolve_at_its_line():
    # given
    source = (
        'ok {{ recommend("similar", 2) }}\n'
        "{{ recommend(strategy, 2) }}\n"
        '{{ recommend("newest", 2) }}\n'
        '{{ recommend("similar", 13) }}\n'
        '{{ recommend("similar", n) }}'
    )

    # when
    errors = block_errors(source)

    # then
    literal = (
        "recommend() takes a strategy and a count written in the template, e.g. "
        'recommend("bought_together", 4)'
    )
    assert errors == [
        StageError("template", "recommend", literal, line=2),
        StageError(
            "template",
            "recommend",
            "Unknown strategy 'newest': one of bought_together, similar, bestsellers, "
            "bestsellers_in_category, recently_viewed, personalised",
            line=3,
        ),
        StageError("template", "recommend", "recommend() shows 1 to 12 products, not 13", line=4),
        StageError("template", "recommend", literal, line=5),
    ]
    assert block_errors('{{ recommend("similar", 12) }}') == []


def test_the_template_strategies_are_the_recommendation_engines():
    assert blocks.STRATEGIES == STRATEGIES
    assert EVERYTHING.blocks == {"personalised": 4}


def test_a_version_with_a_recommend_the_sender_cannot_resolve_is_not_saved(db):
    # given
    shop = make_shop("linden")
    template = template_create(
        installation_id=shop.pk, key="picks", name="Picks", channel="email", kind="marketing"
    )

    # when
    with pytest.raises(RenderFailed) as refused:
        template_version_create(
            template=template,
            language="en",
            subject="For you",
            preheader="",
            mjml_source=MJML.format("{% for item in recommend(kind, 4) %}{% endfor %}"),
            now=NOW,
        )

    # then
    assert [(e.code, e.field) for e in refused.value.errors] == [("recommend", "mjml")]
    assert not TemplateVersion.objects.filter(template=template).exists()


def test_the_preview_shows_sample_cards_and_refuses_an_unknown_strategy_at_its_line():
    # given
    good = MJML.format('{% for item in recommend("similar", 3) %}{{ item.name }};{% endfor %}')
    bad = MJML.format('{{ recommend("newest", 3) }}')

    # when
    rendered = render(compile_version(mjml_source=good, subject="s"), EXAMPLE_CONTEXT, strict=True)
    errors = validate(mjml_source=bad, subject="s", preheader="", example=EXAMPLE_CONTEXT)

    # then
    assert "Merino Wool Blanket;Ceramic Vase;Linen Napkins;" in rendered.html
    assert [(e.stage, e.code) for e in errors] == [("render", "error")]
    assert errors[0].message.startswith("Unknown strategy 'newest'")


def test_recommend_looks_up_what_was_computed_and_shows_nothing_for_the_rest():
    # given
    picks = {"similar": [{"name": "A"}, {"name": "B"}, {"name": "C"}]}
    recommend = recommend_function(picks)

    # then
    assert recommend("similar", 2) == [{"name": "A"}, {"name": "B"}]
    assert recommend("bestsellers", 4) == []


# -- the context --------------------------------------------------------------------------------


@pytest.fixture
def shop(db):
    shop = make_shop("linden")
    catalogue_urls(shop)
    return shop


def line(product_id, name, slug, unit, quantity, total):
    return {
        "product_id": product_id,
        "product_name": name,
        "product_slug": slug,
        "variant_name": "M",
        "thumbnail": f"https://saleor.example/thumbnails/{slug}.png",
        "quantity": quantity,
        "unit_price": unit,
        "total_price": total,
    }


def card(product_id, name, price, *, channel="default-channel", available=True, currency="USD"):
    slug = name.lower().replace(" ", "-")
    return {
        "id": product_id,
        "name": name,
        "slug": slug,
        "url": f"https://shop.example/{channel}/products/{slug}/",
        "image": f"https://media.shop.example/{slug}.png",
        "price": price,
        "currency": currency,
        "category": "",
        "available": available,
    }


def test_cart_ordered_and_viewed_are_cards_of_the_recipients_channel(shop, time_machine):
    # given
    time_machine.move_to(NOW, tick=False)
    make_product(shop, "P1", "Monospace Tee", price="20.00", at=NOW)
    make_product(shop, "P2", "Linen Mug", price="12.50", at=NOW)
    make_product(shop, "P3", "Sold Out Cap", quantity=0, at=NOW)
    contact = make_contact(shop)
    make_checkout(
        contact,
        channel_slug="default-channel",
        last_change_at=NOW - timedelta(hours=3),
        lines=[
            line("P1", "Monospace Tee", "monospace-tee", "20.00", 2, "40.00"),
            line("P9", "Gift Card", "gift-card", "25.00", 1, "25.00"),
        ],
    )
    make_order(contact, lines=[line("P2", "Linen Mug", "linen-mug", "12.50", 1, "12.50")])
    for product, hours in (("P3", 1), ("P2", 2), ("P1", 3), ("P2", 4), ("P8", 5), ("P1", 30)):
        make_event(
            contact,
            "product.viewed",
            NOW - timedelta(hours=hours),
            properties={"product_id": product},
        )

    # when
    context = recipient_context(
        contact=contact,
        app_url="https://app.example",
        sources=["{{ cart }}{{ ordered }}{{ viewed }}"],
    )

    # then: the gift card is not in the catalogue (its line as it came); P3 sold out and P8
    # unknown are not shown as viewed; views older than the browse window (24 h) neither
    assert context["cart"] == [
        card("P1", "Monospace Tee", "$20.00") | {"variant": "M", "quantity": 2, "total": "$40.00"},
        {
            "id": "P9",
            "name": "Gift Card",
            "slug": "gift-card",
            "url": "https://linden.example/products/gift-card",
            "image": "https://saleor.example/thumbnails/gift-card.png",
            "currency": "USD",
            "category": "",
            "available": False,
            "variant": "M",
            "quantity": 1,
            "price": "$25.00",
            "total": "$25.00",
        },
    ]
    assert context["ordered"] == [
        card("P2", "Linen Mug", "$12.50") | {"variant": "M", "quantity": 1, "total": "$12.50"}
    ]
    assert context["viewed"] == [
        card("P2", "Linen Mug", "$12.50"),
        card("P1", "Monospace Tee", "$20.00"),
    ]
    assert context["product"] is None
    assert context["recommendations"] == []


def test_a_batch_reads_only_what_its_templates_name_and_the_events_product(shop, time_machine):
    # given: a back-in-stock message (its run's event names the product and the channel) and
    # a newsletter naming no product
    time_machine.move_to(NOW, tick=False)
    make_product(
        shop, "P1", "Monospace Tee", price="18.00", channels=("default-channel", "eu"), at=NOW
    )
    reader, buyer = make_contact(shop), make_contact(shop)
    trigger = TemplateVersion(
        subject="{{ product.name }} is back", html="{{ product.url }}", text="", preheader=""
    )
    plain = TemplateVersion(subject="News", html="{{ contact.first_name }}", text="", preheader="")
    event = {
        "product_id": "P1",
        "product_name": "Monospace Tee",
        "variant_name": "M",
        "channel": "eu",
        "old_price": "24.00",
        "new_price": "18.00",
        "currency": "USD",
        "drop_percent": 25.0,
    }
    messages = [
        Message(contact=buyer, template_version=trigger, context={"event": event}),
        Message(contact=reader, template_version=plain, context={}),
    ]

    # when
    contexts = recipient_contexts(
        contacts=[reader, buyer], app_url="https://app.example", now=NOW, messages=messages
    )

    # then
    assert contexts[buyer.pk]["product"] == card("P1", "Monospace Tee", "$18.00", channel="eu") | {
        "variant": "M",
        "was": "$24.00",
        "drop_percent": 25.0,
        "quantity_left": None,
    }
    assert (contexts[reader.pk]["product"], contexts[reader.pk]["cart"]) == (None, [])
    assert contexts[reader.pk]["recommend"]("personalised", 4) == []


def test_recommend_is_filled_per_recipient_with_the_context_products_left_out(shop, time_machine):
    # given: viewed P1, P3 (sold out) and P2; P4 in the cart
    time_machine.move_to(NOW, tick=False)
    for product, name in (("P1", "Monospace Tee"), ("P2", "Linen Mug"), ("P4", "Wool Socks")):
        make_product(shop, product, name, at=NOW)
    make_product(shop, "P3", "Sold Out Cap", quantity=0, at=NOW)
    contact = make_contact(shop)
    make_checkout(
        contact,
        last_change_at=NOW - timedelta(hours=1),
        lines=[line("P4", "Wool Socks", "wool-socks", "20.00", 1, "20.00")],
    )
    for product, hours in (("P1", 1), ("P3", 2), ("P2", 3), ("P4", 4)):
        make_event(
            contact,
            "product.viewed",
            NOW - timedelta(hours=hours),
            properties={"product_id": product},
        )
    source = '{% for item in recommend("recently_viewed", 2) %}{{ item.name }}{% endfor %}'
    version = TemplateVersion(subject="s", html=source, text="", preheader="")

    # when
    context = recipient_contexts(
        contacts=[contact],
        app_url="https://app.example",
        now=NOW,
        messages=[Message(contact=contact, template_version=version, context={})],
    )[contact.pk]

    # then
    reason = {"reason": "You viewed it recently"}
    assert context["recommend"]("recently_viewed", 2) == [
        card("P1", "Monospace Tee", "$20.00") | reason,
        card("P2", "Linen Mug", "$20.00") | reason,
    ]
    assert context["recommend"]("recently_viewed", 1) == [
        card("P1", "Monospace Tee", "$20.00") | reason
    ]
    compiled = compile_version(mjml_source=MJML.format(source), subject="s")
    assert "Monospace TeeLinen Mug" in render(compiled, context).html


def test_reasons_are_in_each_recipients_language(shop, time_machine):
    # given a German and an English reader who both viewed the tee, and one of no language
    time_machine.move_to(NOW, tick=False)
    make_product(shop, "P1", "Monospace Tee", at=NOW)
    readers = [make_contact(shop, language_code=code) for code in ("de-DE", "en", "")]
    for reader in readers:
        make_event(
            reader, "product.viewed", NOW - timedelta(hours=1), properties={"product_id": "P1"}
        )
    source = '{% for item in recommend("recently_viewed", 1) %}{{ item.reason }}{% endfor %}'
    version = TemplateVersion(subject="s", html=source, text="", preheader="")

    # when their contexts are filled in one batch
    contexts = recipient_contexts(
        contacts=readers,
        app_url="https://app.example",
        now=NOW,
        messages=[Message(contact=c, template_version=version, context={}) for c in readers],
    )

    # then each reads the reason in their language, English when they have none
    assert [contexts[c.pk]["recommend"]("recently_viewed", 1)[0]["reason"] for c in readers] == [
        "Kürzlich von Ihnen angesehen",
        "You viewed it recently",
        "You viewed it recently",
    ]


def test_a_contact_with_no_channel_gets_the_shops_main_channel(shop, time_machine):
    # given
    time_machine.move_to(NOW, tick=False)
    make_product(shop, "P1", "Monospace Tee", channels=("eu", "us"), currency="EUR", at=NOW)
    make_product(shop, "P2", "Linen Mug", channels=("eu",), currency="EUR", at=NOW)
    contact = make_contact(shop)
    make_event(contact, "product.viewed", NOW - timedelta(hours=1), properties={"product_id": "P2"})

    # when
    context = recipient_context(
        contact=contact, app_url="https://app.example", sources=["{{ viewed }}"]
    )

    # then
    assert context["viewed"] == [card("P2", "Linen Mug", "€20.00", channel="eu", currency="EUR")]


def test_prices_are_formatted_in_the_channels_currency(shop, time_machine):
    # given: a price with four decimals as Saleor stores it
    time_machine.move_to(NOW, tick=False)
    make_product(shop, "P1", "Monospace Tee", price="19.9900", at=NOW)
    contact = make_contact(shop)
    make_event(contact, "product.viewed", NOW - timedelta(hours=1), properties={"product_id": "P1"})

    # when
    context = recipient_context(contact=contact, app_url="https://app.example")

    # then
    assert context["viewed"][0]["price"] == "$19.99"


def test_a_shop_without_a_catalogue_shows_its_lines_as_they_came_and_recommends_nothing(
    db, time_machine
):
    # given: no catalogue synced yet
    time_machine.move_to(NOW, tick=False)
    shop = make_shop("birch")
    contact = make_contact(shop)
    make_checkout(
        contact,
        last_change_at=NOW - timedelta(hours=1),
        lines=[line("P1", "Monospace Tee", "monospace-tee", "20.00", 1, "20.00")],
    )

    # when
    context = recipient_context(
        contact=contact,
        app_url="https://app.example",
        sources=['{{ cart }}{% for i in recommend("bestsellers", 4) %}{% endfor %}'],
    )

    # then
    assert [(line["name"], line["url"], line["price"]) for line in context["cart"]] == [
        ("Monospace Tee", "https://birch.example/products/monospace-tee", "$20.00")
    ]
    assert context["recommend"]("bestsellers", 4) == []
