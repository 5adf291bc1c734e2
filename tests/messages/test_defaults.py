"""The default templates: complete, valid MJML that compiles with the Jinja intact, and that
renders in the strict sandbox with the example context and with every optional part missing."""

from __future__ import annotations

import copy
import re
from typing import Any

import jinja2
import mjml
import pytest
from jinja2.sandbox import SandboxedEnvironment

from saleor_mautomation.messages.blocks import recommend_function
from saleor_mautomation.messages.defaults import (
    EXAMPLE_CONTEXT,
    LANGUAGES,
    DefaultTemplate,
    default_templates,
)
from saleor_mautomation.messages.mjml_check import mjml_problems

KEYS = [
    "double-opt-in",
    "welcome-1",
    "welcome-2",
    "welcome-3",
    "welcome-buyer-1",
    "welcome-buyer-2",
    "welcome-incentive",
    "welcome-reminder",
    "abandoned-checkout-1",
    "abandoned-checkout-2",
    "abandoned-checkout-3",
    "browse-abandonment",
    "win-back-1",
    "win-back-2",
    "win-back-3",
    "birthday",
    "post-purchase-thanks",
    "post-purchase-review",
    "vip",
    "coupon",
    "nps-survey",
    "prize-draw-invitation",
    "prize-draw-winner",
    "back-in-stock",
    "price-drop",
    "low-stock",
    "check-up-reminder",
    "monthly-tips",
    "loyalty-milestone",
]
TEMPLATES = default_templates()
GREETING = {"en": "Hi Ada,", "de": "Hallo Ada,"}
ANONYMOUS_GREETING = {"en": "Hi there,", "de": "Guten Tag,"}
JINJA = re.compile(r"\{\{|\{%|\{#")


def minimal_context() -> dict[str, Any]:
    """The example context with every optional part missing."""
    context = copy.deepcopy(EXAMPLE_CONTEXT)
    context["voucher"] = None
    context["recommendations"] = []
    context["recommend"] = recommend_function({})
    context["viewed"] = []
    context["offers"] = []
    context["contact"]["first_name"] = ""
    context["shop"]["logo_url"] = ""
    context["shop"]["address"] = ""
    context["shop"]["support_email"] = ""
    return context


def render(source: str, context: dict[str, Any]) -> str:
    environment = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(source).render(context)


def by_template(template: DefaultTemplate) -> str:
    return f"{template.key}-{template.language}"


each_template = pytest.mark.parametrize("template", TEMPLATES, ids=by_template)


def test_every_key_exists_in_both_languages():
    # when
    found = [(template.key, template.language) for template in TEMPLATES]

    # then
    assert found == [(key, language) for key in KEYS for language in LANGUAGES]
    assert all(template.purpose and template.subject for template in TEMPLATES)


@each_template
def test_template_passes_the_pre_parse(template):
    # when
    problems = mjml_problems(template.mjml)

    # then
    assert problems == []


@each_template
def test_template_compiles_with_its_jinja_intact(template):
    # when
    html = mjml.mjml2html(template.mjml)

    # then
    assert f'lang="{template.language}"' in html
    assert "{% if shop.logo_url %}" in html
    assert "{{ shop.address }}" in html
    assert html.count("{% if") + html.count("{% for") == (
        html.count("{% endif %}") + html.count("{% endfor %}")
    )
    if template.key == "double-opt-in":
        assert "{{ links.confirm }}" in html
        assert "links.unsubscribe" not in html
    else:
        assert "{{ links.unsubscribe }}" in html
        assert "{{ links.preferences }}" in html


@each_template
def test_preview_is_the_catalog_preheader(template):
    # then
    assert f"<mj-preview>{template.preheader}</mj-preview>" in template.mjml


@each_template
def test_template_renders_the_example_context(template):
    # given
    html = mjml.mjml2html(template.mjml)
    context = EXAMPLE_CONTEXT

    # when
    rendered = render(html, context)

    # then
    assert not JINJA.search(rendered)
    assert GREETING[template.language] in rendered
    assert context["shop"]["logo_url"] in rendered
    assert context["shop"]["address"] in rendered
    assert f'href="mailto:{context["shop"]["support_email"]}"' in rendered
    if template.key == "double-opt-in":
        assert rendered.count(context["links"]["confirm"]) == 3  # button, link and its text
        assert context["links"]["unsubscribe"] not in rendered
    else:
        assert context["links"]["unsubscribe"] in rendered
        assert context["links"]["preferences"] in rendered
    if template.key.startswith("abandoned-checkout"):
        assert context["checkout"]["resume_url"] in rendered
        assert context["checkout"]["total"] in rendered
        for line in context["checkout"]["lines"]:
            assert line["name"] in rendered
            assert line["image"] in rendered
    if template.key.startswith("post-purchase"):
        for line in context["order"]["lines"]:
            assert line["name"] in rendered
    if template.key == "post-purchase-review":
        assert context["links"]["review"] in rendered
    if "voucher.code" in template.mjml:
        assert "WELCOME10" in rendered
    if "recommend(" in template.mjml:
        assert "Merino Wool Blanket" in rendered
        assert "Ceramic Vase" in rendered
    if template.key == "browse-abandonment":
        for card in context["viewed"]:
            assert f'href="{card["url"]}"' in rendered
            assert card["price"] in rendered
    if template.key in {"back-in-stock", "price-drop", "low-stock"}:
        assert context["product"]["image"] in rendered
        assert context["product"]["price"] in rendered
    if "{% if offers %}" in template.mjml:
        assert "Autumn edit" in rendered


@each_template
def test_template_renders_without_the_optional_parts(template):
    # given
    html = mjml.mjml2html(template.mjml)
    context = minimal_context()

    # when
    rendered = render(html, context)

    # then
    assert not JINJA.search(rendered)
    assert ANONYMOUS_GREETING[template.language] in rendered
    assert "Ada," not in rendered
    assert f">{context['shop']['name']}</a>" in rendered  # the name stands in for the logo
    assert "WELCOME10" not in rendered
    assert "Merino Wool Blanket" not in rendered
    assert "Autumn edit" not in rendered
    assert "mailto:" not in rendered


def test_shop_values_are_escaped():
    # given
    template = TEMPLATES[0]
    context = copy.deepcopy(EXAMPLE_CONTEXT)
    context["shop"]["name"] = "Tom & <Jerry>"

    # when
    rendered = render(mjml.mjml2html(template.mjml), context)

    # then
    assert "Tom &amp; &lt;Jerry&gt;" in rendered
    assert "<Jerry>" not in rendered


def test_a_misspelt_variable_fails_to_render():
    # given
    source = "Hi {{ contact.frist_name }}"

    # when / then
    with pytest.raises(jinja2.UndefinedError):
        render(source, EXAMPLE_CONTEXT)


@each_template
def test_subject_and_preheader_render(template):
    for context in (EXAMPLE_CONTEXT, minimal_context()):
        # when
        subject = render(template.subject, context)
        preheader = render(template.preheader, context)

        # then
        assert subject.strip() == subject
        assert 0 < len(subject) <= 80
        assert 0 < len(preheader) <= 140
        assert not JINJA.search(subject + preheader)


@pytest.mark.parametrize("key", KEYS)
def test_german_subjects_differ_from_english(key):
    # given
    english, german = (template for template in TEMPLATES if template.key == key)

    # when
    subjects = [render(template.subject, EXAMPLE_CONTEXT) for template in (english, german)]

    # then
    assert english.language == "en"
    assert subjects[0] != subjects[1]
    assert english.preheader != german.preheader
