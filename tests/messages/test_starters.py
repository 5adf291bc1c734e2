"""The starter layouts: complete, valid MJML that compiles with its Jinja intact and renders in
the strict sandbox with the example context and with every optional part missing, like the
defaults; the transactional order confirmation without unsubscribe links."""

from __future__ import annotations

import mjml
import pytest

from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT
from saleor_mautomation.messages.mjml_check import mjml_problems
from saleor_mautomation.messages.rendering import compile_version
from saleor_mautomation.messages.rendering import render as render_version
from saleor_mautomation.messages.starters import BLANK_MJML, LANGUAGES, starter_of, starters
from tests.messages.test_defaults import (
    ANONYMOUS_GREETING,
    GREETING,
    JINJA,
    minimal_context,
    render,
)

LAYOUTS = [(starter, language) for starter in starters() for language in starter.languages]
each_layout = pytest.mark.parametrize(
    ("starter", "language"), LAYOUTS, ids=[f"{s.key}-{lang}" for s, lang in LAYOUTS]
)


def test_the_starters_and_their_kinds():
    # when
    found = [(s.key, s.kind, s.languages) for s in starters()]

    # then
    assert found == [
        ("newsletter", "marketing", ["en", "de"]),
        ("one-product", "marketing", ["en", "de"]),
        ("order-confirmation", "transactional", ["en", "de"]),
    ]
    assert all(s.name and s.description for s in starters())
    assert starter_of("order-confirmation") is starters()[2]
    assert starter_of("nope") is None


@each_layout
def test_starter_passes_the_pre_parse(starter, language):
    assert mjml_problems(starter.sources[language]) == []


@each_layout
def test_starter_compiles_with_its_jinja_intact(starter, language):
    # when
    html = mjml.mjml2html(starter.sources[language])

    # then
    assert f'lang="{language}"' in html
    assert "{% if shop.logo_url %}" in html
    assert html.count("{% if") + html.count("{% for") == (
        html.count("{% endif %}") + html.count("{% endfor %}")
    )
    if starter.kind == "transactional":
        assert "links.unsubscribe" not in html
        assert "links.preferences" not in html
    else:
        assert "{{ links.unsubscribe }}" in html
        assert "{{ links.preferences }}" in html


@each_layout
def test_preview_is_the_catalog_preheader(starter, language):
    assert f"<mj-preview>{starter.preheaders[language]}</mj-preview>" in starter.sources[language]


@each_layout
def test_starter_renders_the_example_context(starter, language):
    # given
    html = mjml.mjml2html(starter.sources[language])
    context = EXAMPLE_CONTEXT

    # when
    rendered = render(html, context)

    # then
    assert not JINJA.search(rendered)
    assert GREETING[language] in rendered
    assert context["shop"]["logo_url"] in rendered
    assert context["shop"]["address"] in rendered
    assert f'href="mailto:{context["shop"]["support_email"]}"' in rendered
    if starter.kind == "marketing":
        assert context["links"]["unsubscribe"] in rendered
        assert context["links"]["preferences"] in rendered
    else:
        assert context["links"]["unsubscribe"] not in rendered


@each_layout
def test_starter_renders_without_the_optional_parts(starter, language):
    # given
    html = mjml.mjml2html(starter.sources[language])
    context = minimal_context()

    # when
    rendered = render(html, context)

    # then
    assert not JINJA.search(rendered)
    assert ANONYMOUS_GREETING[language] in rendered
    assert "Ada," not in rendered
    assert f">{context['shop']['name']}</a>" in rendered  # the name stands in for the logo
    assert "mailto:" not in rendered


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_order_confirmation_shows_the_order(language):
    # given
    starter = starter_of("order-confirmation")
    assert starter is not None
    compiled = compile_version(
        mjml_source=starter.sources[language],
        subject=starter.subjects[language],
        preheader=starter.preheaders[language],
    )

    # when
    rendered = render_version(compiled, EXAMPLE_CONTEXT, strict=True)

    # then
    order = EXAMPLE_CONTEXT["order"]
    assert (
        rendered.subject
        == {
            "en": "Your order #10482 at Linden Goods",
            "de": "Ihre Bestellung Nr. 10482 bei Linden Goods",
        }[language]
    )
    assert order["total"] in rendered.html
    assert f'href="{order["url"]}"' in rendered.html
    for line in order["lines"]:
        assert line["name"] in rendered.html
        assert line["price"] in rendered.html
        assert line["image"] in rendered.html
    assert {"en": "Qty: 2", "de": "Menge: 2"}[language] in rendered.html
    assert "Oak Serving Tray" in rendered.text
    assert "€79.00" in rendered.text


@each_layout
def test_subject_and_preheader_render(starter, language):
    for context in (EXAMPLE_CONTEXT, minimal_context()):
        # when
        subject = render(starter.subjects[language], context)
        preheader = render(starter.preheaders[language], context)

        # then
        assert subject.strip() == subject
        assert 0 < len(subject) <= 80
        assert 0 < len(preheader) <= 140
        assert not JINJA.search(subject + preheader)


def test_the_blank_document_compiles_and_renders():
    # when
    compiled = compile_version(mjml_source=BLANK_MJML, subject="Hello {{ contact.first_name }}")
    rendered = render_version(compiled, EXAMPLE_CONTEXT, strict=True)

    # then
    assert rendered.subject == "Hello Ada"
    assert "Write your email here." in rendered.html
    assert rendered.text == "Write your email here.\n"
