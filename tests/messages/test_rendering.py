"""The staged rendering pipeline: compile once, personalise per recipient, plain text."""

from __future__ import annotations

import random
from collections import OrderedDict

import jinja2
import pytest
from jinja2.sandbox import SandboxedEnvironment

from saleor_mautomation.messages import rendering
from saleor_mautomation.messages.rendering import (
    RenderFailed,
    compile_version,
    html_to_text,
    render,
    validate,
)

SOURCE = """<mjml>
  <mj-head><mj-preview>Hidden preview</mj-preview><mj-style>.x { color: red; }</mj-style></mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ contact.first_name }},</mj-text>
        <mj-raw>{% if voucher %}</mj-raw>
        <mj-text>Your code: <b>{{ voucher.code }}</b></mj-text>
        <mj-raw>{% endif %}</mj-raw>
        <mj-table>{% for line in lines %}<tr><td>{{ line }}</td></tr>{% endfor %}</mj-table>
        <mj-button href="{{ links.shop }}">Back to the shop</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"""


def context(**overrides):
    base = {
        "contact": {"first_name": "Ada"},
        "voucher": {"code": "WELCOME10"},
        "lines": ["Tee", "Mug"],
        "links": {"shop": "https://shop.example/"},
    }
    return {**base, **overrides}


def test_compiled_once_then_personalised_per_recipient():
    # given
    compiled = compile_version(mjml_source=SOURCE, subject="Hi {{ contact.first_name }}!")

    # when
    ada = render(compiled, context())
    bob = render(compiled, context(contact={"first_name": "Bob"}, voucher=None, lines=[]))

    # then
    assert ada.subject == "Hi Ada!"
    assert "Hello Ada," in ada.html
    assert "WELCOME10" in ada.html
    assert "<td>Tee</td>" in ada.html
    assert "<td>Mug</td>" in ada.html
    assert "{{" not in ada.html
    assert "{%" not in ada.html
    assert bob.subject == "Hi Bob!"
    assert "Hello Bob," in bob.html
    assert "WELCOME10" not in bob.html


def test_values_are_escaped_in_html_but_not_in_the_subject():
    compiled = compile_version(mjml_source=SOURCE, subject="For {{ contact.first_name }}")

    rendered = render(compiled, context(contact={"first_name": "<b>Al & Co</b>"}))

    assert "&lt;b&gt;Al &amp; Co&lt;/b&gt;" in rendered.html
    assert "<b>Al & Co</b>" not in rendered.html
    assert rendered.subject == "For <b>Al & Co</b>"


def test_the_text_part_has_the_visible_text_and_the_links():
    compiled = compile_version(mjml_source=SOURCE, subject="s")

    text = render(compiled, context()).text

    assert "Hello Ada," in text
    assert "Your code: WELCOME10" in text
    assert "Back to the shop (https://shop.example/)" in text
    assert "color: red" not in text
    assert "Hidden preview" not in text


def test_html_to_text_keeps_blocks_apart():
    html = "<html><head><title>T</title></head><body><p>One</p><p>Two <a href='https://x.example'>x.example</a></p><br>Three</body></html>"
    assert html_to_text(html) == "One\n\nTwo x.example (https://x.example)\n\nThree\n"


@pytest.mark.parametrize(
    "attempt",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ lipsum.__globals__['os'].system('true') }}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    ],
)
def test_sandbox_escapes_are_refused(attempt):
    source = SOURCE.replace("Hello {{ contact.first_name }},", attempt)
    compiled = compile_version(mjml_source=source, subject="s")

    with pytest.raises(RenderFailed) as failed:
        render(compiled, context())

    (error,) = failed.value.errors
    assert (error.stage, error.code) == ("render", "forbidden")


def test_internals_of_context_values_render_as_nothing():
    source = SOURCE.replace("Hello {{ contact.first_name }},", "[{{ contact.__class__ }}]")
    compiled = compile_version(mjml_source=source, subject="s")

    html = render(compiled, context()).html

    assert "[]" in html
    assert "dict" not in html


def test_each_stage_reports_where_it_can():
    # template language, with its line
    broken = SOURCE.replace("{% endif %}", "{% endfi %}")
    (error,) = validate(mjml_source=broken, subject="s", preheader="", example=context())
    assert (error.stage, error.code, error.line, error.field) == ("template", "syntax", 9, "mjml")

    # the subject is checked too
    (error,) = validate(mjml_source=SOURCE, subject="{{ oops", preheader="", example=context())
    assert (error.stage, error.field) == ("template", "subject")

    # MJML: an unknown tag at its line
    unknown = SOURCE.replace("<mj-text>Hello", "<mj-txt>Hello").replace(",</mj-text>", ",</mj-txt>")
    errors = validate(mjml_source=unknown, subject="s", preheader="", example=context())
    assert [(e.stage, e.code, e.line) for e in errors] == [("mjml", "unknown_tag", 6)]

    # links must be absolute or variables
    relative = SOURCE.replace('href="{{ links.shop }}"', 'href="/cart"')
    (error,) = validate(mjml_source=relative, subject="s", preheader="", example=context())
    assert (error.stage, error.code, error.line) == ("links", "bad_link", 11)

    # a name the example does not have, when rendering strictly
    typo = SOURCE.replace("contact.first_name", "contact.frist_name")
    (error,) = validate(mjml_source=typo, subject="s", preheader="", example=context())
    assert (error.stage, error.code) == ("render", "undefined")


def test_sending_renders_a_missing_value_empty():
    compiled = compile_version(mjml_source=SOURCE, subject="Hi {{ contact.first_name }}")

    rendered = render(compiled, context(contact={}))

    assert rendered.subject == "Hi"
    assert "Hello ," in rendered.html


def test_garbage_is_a_staged_error_not_a_crash():
    for source in ["", "not mjml at all", "<mjml><mj-body>", "<mjml>{% for %}</mjml>"]:
        with pytest.raises(RenderFailed) as failed:
            compile_version(mjml_source=source, subject="s")
        assert failed.value.errors


# -- the per-recipient fast paths give what Jinja2's own sandbox gives -------------------------

EXPRESSIONS = [
    "{{ d.name }}",
    "{{ d.missing }}",
    "{{ d.missing.deeper }}",
    "{{ d.nested.name }}",
    "{{ d['name'] }}",
    "{{ d.items }}",  # a key named like a dict method: the method wins, as in Jinja2
    "{{ d.get('name') }}",
    "{{ d.__class__ }}",
    "{{ d.__class__.__mro__ }}",
    "{{ ordered.name }}",  # a dict subclass: the sandbox's own path
    "{{ text.upper() }}",
    "{% for key, value in d.nested.items() %}{{ key }}={{ value }};{% endfor %}",
]


def _outcome(environment, source, values):
    try:
        return environment.from_string(source).render(values)
    except jinja2.TemplateError as exc:
        return type(exc)


@pytest.mark.parametrize("source", EXPRESSIONS)
@pytest.mark.parametrize("strict", [False, True], ids=["sending", "checking"])
def test_dict_lookups_give_what_jinjas_own_sandbox_gives(source, strict):
    # given
    ours = rendering.CHECKING if strict else rendering.SENDING
    undefined = jinja2.StrictUndefined if strict else jinja2.ChainableUndefined
    jinjas = SandboxedEnvironment(autoescape=True, undefined=undefined)
    values = {
        "d": {"name": "<Ada>", "items": "shadowed", "nested": {"name": "Bob", "n": 2}},
        "ordered": OrderedDict(name="Cy"),
        "text": "tee",
    }

    # when / then
    assert _outcome(ours, source, values) == _outcome(jinjas, source, values)


def test_a_runtime_template_error_is_reported_at_its_template_line():
    # given: the third line asks for a test that does not exist
    source = SOURCE.replace(
        "<mj-table>", "<mj-table>\n{{ lines | select('no_such_test') | list }}\n"
    )
    compiled = compile_version(mjml_source=source, subject="s")
    line = next(
        number
        for number, text in enumerate(compiled.html.splitlines(), start=1)
        if "no_such_test" in text
    )

    # when
    with pytest.raises(RenderFailed) as failed:
        render(compiled, context())

    # then
    (error,) = failed.value.errors
    assert (error.stage, error.code, error.line) == ("render", "error", line)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ 'abc'.index('z') }}", "ValueError: substring not found"),
        ("{{ 1 // 0 }}", "ZeroDivisionError: integer division or modulo by zero"),
        ("{{ 'a' + 1 }}", 'TypeError: can only concatenate str (not "int") to str'),
        (
            "{% for i in range(10 ** 9) %}{% endfor %}",
            "OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE"
            " (100000).",
        ),
    ],
)
def test_whatever_python_raises_inside_the_sandbox_is_a_render_error(expression, message):
    # given: a template that raises a Python error, not a Jinja one, on its third line
    source = SOURCE.replace("<mj-table>", f"<mj-table>\n{expression}\n")
    compiled = compile_version(mjml_source=source, subject="s")
    line = next(
        number
        for number, text in enumerate(compiled.html.splitlines(), start=1)
        if expression in text
    )

    # when
    with pytest.raises(RenderFailed) as failed:
        render(compiled, context())
    previewed = validate(mjml_source=source, subject="s", preheader="", example=context())

    # then: the send fails with it, and the editor's preview shows it at its line
    (error,) = failed.value.errors
    assert (error.stage, error.code, error.message, error.line) == (
        "render",
        "runtime",
        message,
        line,
    )
    assert previewed == [error]


@pytest.mark.parametrize(
    "subject",
    ["Plain", "  Two\tspaces \r\n and lines\n", "A } brace", "Ünïcödé\u00a0nbsp \u2013 dash", ""],
)
def test_a_subject_without_tags_is_what_rendering_it_would_give(subject):
    # given
    compiled = compile_version(mjml_source=SOURCE, subject=subject, preheader=subject)

    # when
    rendered = render(compiled, context())

    # then
    expected = " ".join(rendering.SUBJECTS.from_string(subject).render().split())
    assert (rendered.subject, rendered.preheader) == (expected, expected)


def _tidy_line_by_line(raw):
    """What the text part's tidying means: each line's words single-spaced, runs of blank
    lines down to one, no white space at either end, one final newline."""
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def test_tidying_the_text_part_handles_every_kind_of_white_space_and_line_break():
    # given: every white-space character (line breaks among them) mixed with words
    spaces = [chr(code) for code in range(0x3001) if chr(code).isspace()]
    pieces = [*spaces, "\r\n", "a", "bc", " ", "\n"]
    generator = random.Random(20260615)
    samples = [
        "".join(generator.choice(pieces) for _ in range(generator.randint(0, 16)))
        for _ in range(5000)
    ]

    # when / then
    for raw in samples:
        assert rendering._tidy(raw) == _tidy_line_by_line(raw), repr(raw)
