"""The template sandbox: immutable (one shop's template changes nothing another shop renders)
and bounded (a template that would run or grow without end is refused with ``too_expensive``),
while ordinary templates render exactly as Jinja2's own sandbox renders them."""

from __future__ import annotations

import copy
import email
from email import policy

import jinja2
import mjml
import pytest
from jinja2.sandbox import SandboxedEnvironment

from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT, default_templates
from saleor_mautomation.messages.models import Template, TemplateVersion
from saleor_mautomation.messages.rendering import (
    Compiled,
    RenderFailed,
    compile_version,
    render,
    validate,
)
from tests.contacts.factories import T0, make_signed_shop
from tests.graphql.test_contacts import ask
from tests.graphql.test_templates import SIMPLE, gid

VALIDATE = """query V($mjml: String!, $subject: String!) {
  templateValidate(mjml: $mjml, subject: $subject) { stage code line } }"""
PREVIEW = """query P($id: ID, $mjml: String, $subject: String) {
  templatePreview(templateId: $id, mjml: $mjml, subject: $subject) {
    subject html errors { stage code line } } }"""
TEST_SEND = """mutation T($id: ID!, $to: String!) {
  sendTestEmail(templateId: $id, language: "en", to: $to) { messageId } }"""
INJECTION = SIMPLE.replace(
    "Hi {{ contact.first_name }}",
    "{% set x = contact.update({'first_name': 'Injected'}) %}"
    "{% set y = links.update({'unsubscribe': 'https://attacker.example/u'}) %}"
    "{% set z = checkout.lines.append(checkout.lines[0]) %}Hi",
)
NESTED_LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


@pytest.fixture
def shops(db):
    a, b = make_signed_shop("a-shop", now=T0), make_signed_shop("b-shop", now=T0)
    b.app_id = "QXBwOjI="
    b.save(update_fields=["app_id"])
    return a, b


def raw_render(html, context=EXAMPLE_CONTEXT, strict=False):
    return render(Compiled(subject="", preheader="", html=html, text="-"), context, strict=strict)


def refusal(html, strict=False):
    with pytest.raises(RenderFailed) as failed:
        raw_render(html, strict=strict)
    return [(e.stage, e.code, e.line) for e in failed.value.errors]


def test_one_shops_template_cannot_change_another_shops_preview_or_test_email(
    client, shops, mailbox
):
    # given
    a, b = shops
    welcome = Template.objects.get(installation=b, key="welcome-1")

    # when: shop A validates a template that would change the example context
    errors = ask(client, a, VALIDATE, mjml=INJECTION, subject="Hi")["data"]["templateValidate"]
    preview = ask(client, b, PREVIEW, id=gid("Template", welcome.pk))["data"]["templatePreview"]
    sent = ask(client, b, TEST_SEND, id=gid("Template", welcome.pk), to="admin@b.example")

    # then: A's template is refused, B sees its own example
    assert errors == [{"stage": "render", "code": "forbidden", "line": None}]
    assert preview["errors"] == []
    assert "Ada" in preview["html"]
    assert "Injected" not in preview["html"]
    assert "attacker.example" not in preview["html"]
    assert sent["data"]["sendTestEmail"]["messageId"]
    ((_, _, raw),) = mailbox.received
    mime = email.message_from_bytes(raw, policy=policy.default)
    body = mime.get_body(preferencelist=("html",))
    assert body is not None
    html = body.get_content()
    assert "Ada" in html
    assert "Injected" not in html
    assert "attacker.example" not in raw.decode(errors="replace")
    assert EXAMPLE_CONTEXT["contact"]["first_name"] == "Ada"
    assert len(EXAMPLE_CONTEXT["checkout"]["lines"]) == 2


def test_a_test_email_of_a_version_over_the_limits_is_an_invalid_template(client, shops, mailbox):
    # given: a current version saved before the limits, its HTML a loop without end
    a, _ = shops
    welcome = Template.objects.get(installation=a, key="welcome-1")
    TemplateVersion.objects.create(
        template=welcome,
        language="en",
        number=2,
        subject="Hi",
        mjml=SIMPLE,
        html=f"<p>Hi</p>\n{NESTED_LOOPS}",
        created_at=T0,
    )

    # when
    answer = ask(client, a, TEST_SEND, id=gid("Template", welcome.pk), to="admin@a.example")

    # then
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "INVALID_TEMPLATE"
    assert [(e["stage"], e["code"], e["line"]) for e in error["extensions"]["errors"]] == [
        ("render", "too_expensive", 2)
    ]
    assert mailbox.received == []


@pytest.mark.parametrize(
    "source",
    [
        "{{ contact.update({'first_name': 'X'}) }}",
        "{{ links.pop('unsubscribe') }}",
        "{{ checkout.lines.append(1) }}",
        "{{ checkout.lines.clear() }}",
        "{{ contact.setdefault('x', 1) }}",
    ],
)
def test_a_template_cannot_change_its_context(source):
    # given
    before = copy.deepcopy(EXAMPLE_CONTEXT)

    # when
    for strict in (False, True):
        refused = refusal(source, strict=strict)

        # then
        assert refused == [("render", "forbidden", None)]
    assert before == EXAMPLE_CONTEXT


def test_the_example_context_is_read_only_and_its_deep_copy_is_not():
    # given
    copied = copy.deepcopy(EXAMPLE_CONTEXT)

    # when
    copied["contact"]["first_name"] = "Grace"
    copied["checkout"]["lines"].append({"name": "Extra"})

    # then
    with pytest.raises(TypeError):
        EXAMPLE_CONTEXT["contact"]["first_name"] = "Injected"
    with pytest.raises(TypeError):
        EXAMPLE_CONTEXT["links"].update(unsubscribe="https://attacker.example/u")
    with pytest.raises(TypeError):
        EXAMPLE_CONTEXT["checkout"]["lines"].append({})
    assert type(copied) is dict
    assert type(copied["checkout"]["lines"]) is list
    assert EXAMPLE_CONTEXT["contact"]["first_name"] == "Ada"
    assert len(EXAMPLE_CONTEXT["checkout"]["lines"]) == 2


EXPENSIVE = {
    "nested loops": NESTED_LOOPS,
    "a loop in a recursive loop": (
        "{% for row in [range(100000)|list, range(100000)|list] recursive %}"
        "{% if row is iterable %}{{ loop(row) }}{% endif %}{% endfor %}"
    ),
    "string multiplication": "{{ 'a' * 10**10 }}",
    "string multiplication by a variable": "{% set n = 10**10 %}{{ n * 'a' }}",
    "list multiplication": "{{ ([1] * 10**9)|length }}",
    "a number too large": "{{ 10**100000 }}",
    "doubling by concatenation": "{% set s = 'ab' %}" + "{% set s = s ~ s %}" * 40,
    "doubling by addition": "{% set s = ['a'] %}" + "{% set s = s + s %}" * 40,
    "doubling a nested list": "{% set x = [1] %}" + "{% set x = [x, x] %}" * 40 + "{{ x }}",
    "doubling a nested tuple": "{% set x = (1,) %}" + "{% set x = (x, x) %}" * 40 + "{{ x }}",
    "doubling a nested dict": "{% set x = {} %}" + "{% set x = {'a': x, 'b': x} %}" * 40,
    "doubling by multiplication": "{% set x = [1] %}" + "{% set x = [x] * 2 %}" * 40,
    "doubling by dict()": "{% set x = {} %}" + "{% set x = dict(a=x, b=x) %}" * 40,
    "doubling a namespace": "{% set x = 1 %}"
    + "{% set x = namespace(a=x, b=x) %}" * 40
    + "{{ [x] }}",
    "doubling by capture": "{% set s = 'ab' %}" + "{% set s %}{{ s }}{{ s }}{% endset %}" * 40,
    "center": "{{ 'a'|center(10**8) }}",
    "str.center": "{{ 'a'.center(10**8) }}",
    "str.ljust": "{{ 'a'.ljust(10**8) }}",
    "str.zfill": "{{ '1'.zfill(10**8) }}",
    "wordwrap with a huge text": "{{ ('a' * 1000000)|wordwrap(1) }}",
    "wordwrap with a huge separator": "{{ ('a' * 50000)|wordwrap(1, wrapstring='x' * 1000) }}",
    "indent": "{{ ('a\\n' * 1000)|indent(10**6) }}",
    "format width": "{{ '%100000000s'|format('a') }}",
    "percent precision": "{{ '%.100000000f' % 1.0 }}",
    "percent width from an argument": "{{ '%*s' % (10**8, 'a') }}",
    "str.format width": "{{ '{:>100000000}'.format('a') }}",
    "str.format width from an argument": "{{ '{:>{w}}'.format('a', w=10**8) }}",
    "replace": "{{ ('a' * 100000)|replace('a', 'b' * 100000) }}",
    "str.replace": "{{ ('a' * 100000).replace('a', 'b' * 100000) }}",
    "join": "{{ range(100000)|join('x' * 100000) }}",
    "batch": "{{ [1]|batch(10**9, 0)|list|length }}",
    "slice": "{{ [1]|slice(10**9)|list|length }}",
    "sum of lists": "{{ ([[1] * 1000] * 100000)|sum(start=[]) }}",
    "lipsum": "{{ lipsum(10**6, max=10**6) }}",
    "huge output": "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}",
    "huge literal output": "{% for i in range(50000) %}" + "y" * 1000 + "{% endfor %}",
    "a macro's text": "{% macro m() %}" + "z" * 10000 + "{% endmacro %}"
    "{% for i in range(1000) %}{{ m() }}{% endfor %}",
    "membership in a loop": (
        "{% set big = range(100000)|list %}"
        "{% for i in range(100000) %}{% if -1 in big %}{% endif %}{% endfor %}"
    ),
    "a filter in a loop": (
        "{% set big = range(100000)|list %}"
        "{% for i in range(100000) %}{{ (big|sort)[0] }}{% endfor %}"
    ),
}


@pytest.mark.parametrize("source", EXPENSIVE.values(), ids=EXPENSIVE.keys())
def test_an_expensive_template_is_refused_at_send_and_in_preview(source):
    # when
    sending = refusal(source)
    checking = refusal(source, strict=True)

    # then
    assert sending == [("render", "too_expensive", 1)]
    assert checking == sending


def test_the_refusal_names_its_line_in_validation_and_preview(client, shops):
    # given
    a, _ = shops
    mjml_source = SIMPLE.replace("Hi {{ contact.first_name }}", f"Hi\n{NESTED_LOOPS}")

    # when
    validated = validate(
        mjml_source=mjml_source, subject="Hi", preheader="", example=EXAMPLE_CONTEXT
    )
    subject = validate(
        mjml_source=SIMPLE, subject="{{ 'a' * 10**10 }}", preheader="", example=EXAMPLE_CONTEXT
    )
    answer = ask(client, a, PREVIEW, mjml=mjml_source, subject="Hi")["data"]["templatePreview"]

    # then
    lines = compile_version(mjml_source=mjml_source, subject="Hi").html.splitlines()
    line = next(n for n, text in enumerate(lines, 1) if NESTED_LOOPS in text)
    assert line > 1
    assert [(e.stage, e.code, e.line) for e in validated] == [("render", "too_expensive", line)]
    assert [(e.stage, e.code) for e in subject] == [("render", "too_expensive")]
    assert answer["errors"] == [{"stage": "render", "code": "too_expensive", "line": line}]
    assert answer["html"] == ""


def test_each_render_has_its_own_budget():
    # given: a loop of 60,000 items, more than half the operations a render may do
    source = "{% for i in range(60000) %}{% endfor %}{{ contact.first_name }}"

    # when
    renders = [raw_render(source).html for _ in range(3)]

    # then
    assert renders == ["Ada"] * 3


def stock(html, context, undefined, autoescape=True):
    """The same source rendered by Jinja2's own sandbox, without limits."""
    environment = SandboxedEnvironment(
        autoescape=autoescape,
        undefined=undefined,
        trim_blocks=autoescape,
        lstrip_blocks=autoescape,
        keep_trailing_newline=False,
    )
    return environment.from_string(html).render(context)


@pytest.mark.parametrize("template", default_templates(), ids=lambda t: f"{t.key}.{t.language}")
def test_a_default_template_renders_as_jinjas_own_sandbox_renders_it(template):
    # given
    compiled = compile_version(
        mjml_source=template.mjml, subject=template.subject, preheader=template.preheader
    )
    html = mjml.mjml2html(template.mjml)
    context = copy.deepcopy(EXAMPLE_CONTEXT)
    empty = {**copy.deepcopy(EXAMPLE_CONTEXT), "checkout": None, "voucher": None, "offers": []}

    # when
    checking = render(compiled, context, strict=True)

    # then
    assert checking.html == stock(html, context, jinja2.StrictUndefined)
    for example in (context, empty):
        sending = render(compiled, example)
        assert sending.html == stock(html, example, jinja2.ChainableUndefined)
        assert sending.subject == " ".join(
            stock(template.subject, example, jinja2.ChainableUndefined, False).split()
        )
        assert sending.preheader == " ".join(
            stock(template.preheader, example, jinja2.ChainableUndefined, False).split()
        )
