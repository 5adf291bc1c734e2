"""The MJML pre-parse: one test per problem code with its exact position, and the things it must
leave alone (Jinja anywhere, any HTML inside ending tags)."""

from __future__ import annotations

from textwrap import dedent

import mjml
import pytest

from saleor_mautomation.messages.mjml_check import Problem, mjml_problems


def body(*lines: str) -> str:
    """A template whose one column holds ``lines``; they start on line 5, column 9."""
    inner = "\n".join(f"        {line}" for line in lines)
    return (
        "<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column>\n"
        f"{inner}\n"
        "      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>\n"
    )


VALID = dedent(
    """\
    <mjml lang="en">
      <mj-head>
        <mj-title>{{ shop.name }}</mj-title>
        <mj-preview>Hi {{ contact.first_name or "there" }}</mj-preview>
        <mj-attributes>
          <mj-all font-family="'Helvetica Neue', Arial" />
          <mj-text color="#111111" padding="0" />
          <mj-class name="muted" color="#666666" />
        </mj-attributes>
        <mj-style>
          a { color: #2f5d50; }
          .card > td { padding: 0; }
        </mj-style>
      </mj-head>
      <mj-body>
        <!-- header -->
        <mj-section>
          <mj-column>
            <mj-raw>{% if shop.logo_url %}</mj-raw>
            <mj-image src="{{ shop.logo_url }}" alt="{{ shop.name }}" href="{{ shop.url }}" />
            <mj-raw>{% else %}</mj-raw>
            <mj-text mj-class="muted"><a href="{{ shop.url }}">{{ shop.name }}</a></mj-text>
            <mj-raw>{% endif %}</mj-raw>
          </mj-column>
        </mj-section>
        <mj-raw>{% if voucher %}</mj-raw>
        <mj-wrapper>
          <mj-section>
            <mj-group>
              <mj-column>
                <mj-text>
                  <p>Hi <b>{{ contact.first_name or "there" }}</b>,<br>
                  {# a comment #}{% if checkout.lines|length > 1 %}items{% endif %}</p>
                </mj-text>
                <mj-button href="{{ checkout.resume_url }}?utm={{ 'a' if x > 1 else 'b' }}">
                  Go &rarr;
                </mj-button>
                <mj-table>
                  {% for line in checkout.lines %}
                  <tr><td><img src="{{ line.image }}" /></td><td>{{ line.name }}</td></tr>
                  {% endfor %}
                </mj-table>
              </mj-column>
            </mj-group>
          </mj-section>
        </mj-wrapper>
        <mj-raw>{% endif %}</mj-raw>
        <mj-hero background-url="{{ shop.logo_url }}">
          <mj-text>{{ shop.name }}</mj-text>
        </mj-hero>
      </mj-body>
    </mjml>
    """
)


def test_valid_template_has_no_problems():
    # when
    problems = mjml_problems(VALID)

    # then
    assert problems == []
    mjml.mjml2html(VALID)  # and the compiler agrees


def test_html_inside_ending_tags_is_allowed():
    # given
    source = body(
        '<mj-text><div class="x"><p>One<br/>two</p><ul><li><i>three</i></li></ul></div></mj-text>',
        "<mj-table><thead><tr><th>a</th></tr></thead><tr><td>1</td></tr></mj-table>",
        "<mj-raw><!-- htmlmin:ignore --><span>raw</span></mj-raw>",
    )

    # when
    problems = mjml_problems(source)

    # then
    assert problems == []


def test_jinja_in_attributes_and_text_is_left_alone():
    # given
    source = body(
        '<mj-image src="{{ item.image }}" alt="{{ item.name }} > {{ other }}" />',
        "<mj-button href='{{ links.review }}?next={{ \"a\" }}'>{{ label }}</mj-button>",
        "<mj-text>{% for tag in tags %}{{ tag }}{% if not loop.last %}, {% endif %}{% endfor %}"
        "</mj-text>",
        "<mj-text css-class=\"{{ 'big' if a < b else 'small' }}\">{% raw %}{{ x }}{% endraw %}"
        "</mj-text>",
        "{% if voucher %}{# text between elements is passed through #}{% endif %}",
    )

    # when
    problems = mjml_problems(source)

    # then
    assert problems == []


def test_root_that_is_not_mjml():
    # given
    source = "<mj-body>\n  <mj-section></mj-section>\n</mj-body>\n"

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [Problem(1, 1, "not_mjml", "the root element is <mj-body>, not <mjml>")]


def test_empty_source_is_not_mjml():
    # when
    problems = mjml_problems("  \n")

    # then
    assert problems == [
        Problem(1, 1, "not_mjml", "no <mjml> element found: a template starts with <mjml>")
    ]


def test_text_before_the_root_is_not_mjml():
    # given
    source = "<!-- fine -->\n  Hello\n<mjml><mj-body></mj-body></mjml>"

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(2, 3, "not_mjml", "text before <mjml>: only comments may stand outside <mjml>")
    ]


def test_unknown_tag_with_a_suggestion():
    # given
    source = body("<mj-text>a</mj-text>", "<mj-buton href='x'>b</mj-buton>")

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(6, 9, "unknown_tag", "<mj-buton> is not an MJML tag: did you mean <mj-button>?")
    ]


def test_html_outside_ending_tags_is_an_unknown_tag():
    # given
    source = body("<div>x</div>")

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            5,
            9,
            "unknown_tag",
            "<div> is not an MJML tag: HTML belongs inside <mj-text>, <mj-raw> or <mj-table>",
        )
    ]


def test_element_never_closed():
    # given
    source = "<mjml>\n  <mj-body>\n  </mj-body>\n"

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(1, 1, "unclosed", "<mjml> opened at line 1, column 1 is never closed")
    ]


def test_ending_tag_never_closed():
    # given
    source = "<mjml>\n  <mj-head>\n    <mj-style>\n      a { color: red; }\n"

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(1, 1, "unclosed", "<mjml> opened at line 1, column 1 is never closed"),
        Problem(2, 3, "unclosed", "<mj-head> opened at line 2, column 3 is never closed"),
        Problem(
            3,
            5,
            "unclosed",
            "<mj-style> opened at line 3, column 5 is never closed: add </mj-style>",
        ),
    ]


def test_tag_without_its_closing_bracket():
    # given
    source = body('<mj-image src="a.png"', "<mj-text>x</mj-text>")

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(5, 9, "unclosed", "<mj-image> opened at line 5, column 9 is missing its '>'")
    ]


def test_closing_tag_that_skips_an_open_element():
    # given
    source = dedent(
        """\
        <mjml>
          <mj-body>
            <mj-section>
              <mj-column>
                <mj-text>x</mj-text>
            </mj-section>
          </mj-body>
        </mjml>
        """
    )

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            6,
            5,
            "mismatched",
            "</mj-section> found, but <mj-column> opened at line 4, column 7 must be closed "
            "first with </mj-column>",
        )
    ]


def test_misspelt_closing_tag():
    # given
    source = body("<mj-text>x</mj-text>").replace("</mj-column>", "</mj-colum>")

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            6,
            7,
            "mismatched",
            "</mj-colum> matches no opening tag: the open element is <mj-column> from line 4, "
            "column 7: did you mean </mj-column>?",
        )
    ]


def test_ending_tag_closed_by_an_outer_closing_tag():
    # given
    source = body("<mj-text>", "  Hello")

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            7,
            7,
            "mismatched",
            "</mj-column> found, but <mj-text> opened at line 5, column 9 must be closed first "
            "with </mj-text>",
        )
    ]


def test_unclosed_html_inside_an_ending_tag():
    # given
    source = body("<mj-text><p>One", "<b>two</b></mj-text>")

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            6,
            19,
            "mismatched",
            "</mj-text> found, but <p> opened at line 5, column 18 must be closed first with </p>",
        )
    ]


def test_stray_closing_tag_inside_an_ending_tag():
    # given
    source = body("<mj-text>a</p></mj-text>")

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            5,
            19,
            "mismatched",
            "</p> inside <mj-text> (opened at line 5, column 9) matches no opening tag",
        )
    ]


def test_column_directly_in_body():
    # given
    source = "<mjml>\n  <mj-body>\n    <mj-column></mj-column>\n  </mj-body>\n</mjml>"

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            3,
            5,
            "misplaced",
            "<mj-column> is not allowed inside <mj-body> (opened at line 2, column 3): "
            "put it inside an <mj-section> (or <mj-group>)",
        )
    ]


def test_section_inside_a_column():
    # given
    source = body("<mj-section></mj-section>")

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            5,
            9,
            "misplaced",
            "<mj-section> is not allowed inside <mj-column> (opened at line 4, column 7): "
            "close the <mj-column> first: <mj-section> belongs in <mj-body>",
        )
    ]


@pytest.mark.parametrize("tag", ["mj-text", "mj-button", "mj-image"])
def test_content_outside_a_column(tag):
    # given
    source = f"<mjml>\n  <mj-body>\n    <mj-section>\n      <{tag}></{tag}>\n"
    source += "    </mj-section>\n  </mj-body>\n</mjml>"

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [
        Problem(
            4,
            7,
            "misplaced",
            f"<{tag}> is not allowed inside <mj-section> (opened at line 3, column 5): "
            "put it inside an <mj-column> (or <mj-hero>)",
        )
    ]


def test_anything_goes_inside_mj_attributes():
    # given
    source = (
        "<mjml><mj-head><mj-attributes><mj-section padding='0' /><mj-column />"
        "<mj-class name='x' color='red' /></mj-attributes></mj-head><mj-body></mj-body></mjml>"
    )

    # when
    problems = mjml_problems(source)

    # then
    assert problems == []


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("<mj-text>a < b</mj-text>", 20, "'<' must start a tag: write &lt; in text"),
        (
            "<mj-text>{% if a < b %}x{% endif %}</mj-text>",
            18,
            "'<' inside Jinja breaks MJML parsing: turn the comparison around (b > a)",
        ),
        (
            '<mj-button href="{{ url or "#" }}">x</mj-button>',
            26,
            "this Jinja contains the \" that delimits the attribute value: use ' inside it",
        ),
        (
            "<mj-button href=https://example.com>x</mj-button>",
            25,
            "the value of 'href' must be quoted",
        ),
        (
            '<mj-text {% if a %}css-class="b"{% endif %}>x</mj-text>',
            18,
            "Jinja cannot stand for an attribute: put it inside an attribute value",
        ),
    ],
)
def test_markup_the_compiler_cannot_read(line, column, message):
    # given
    source = body(line)

    # when
    problems = mjml_problems(source)

    # then
    assert problems == [Problem(5, column, "invalid_markup", message)]
    with pytest.raises(ValueError):  # noqa: PT011 - mjml-python raises a bare ValueError
        mjml.mjml2html(source)


def test_every_problem_is_reported_in_source_order():
    # given
    source = "<mjml>\n<mj-body>\n<mj-column>\n<mj-txt />\n</mj-column>\n"

    # when
    problems = mjml_problems(source)

    # then
    assert [(p.line, p.column, p.code) for p in problems] == [
        (1, 1, "unclosed"),
        (2, 1, "unclosed"),
        (3, 1, "misplaced"),
        (4, 1, "unknown_tag"),
    ]


def test_columns_count_characters_not_bytes():
    # given
    source = body("<mj-text>Grüße</mj-text><mj-txt />")

    # when
    problems = mjml_problems(source)

    # then
    assert [(p.line, p.column) for p in problems] == [(5, 33)]
