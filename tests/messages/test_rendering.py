"""The staged rendering pipeline: compile once, personalise per recipient, plain text."""

from __future__ import annotations

import pytest

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
