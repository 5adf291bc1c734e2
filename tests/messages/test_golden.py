"""Golden outputs of every default template, rendered by the sending path (compile once,
personalise with the example context): subject, preheader, text part and HTML, in
``golden/<key>.<language>.{txt,html}``. A change to a template, to the renderer or to
mjml-python shows up here as a reviewable diff; regenerate with ``UPDATE_GOLDEN=1``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT, default_templates
from saleor_mautomation.messages.rendering import compile_version, render

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("template", default_templates(), ids=lambda t: f"{t.key}.{t.language}")
def test_default_template_matches_its_golden_output(template):
    # given
    compiled = compile_version(
        mjml_source=template.mjml, subject=template.subject, preheader=template.preheader
    )

    # when
    rendered = render(compiled, EXAMPLE_CONTEXT, strict=True)

    # then
    text = f"Subject: {rendered.subject}\nPreheader: {rendered.preheader}\n\n{rendered.text}"
    text_file = GOLDEN / f"{template.key}.{template.language}.txt"
    html_file = GOLDEN / f"{template.key}.{template.language}.html"
    if UPDATE:
        text_file.write_text(text, encoding="utf-8")
        html_file.write_text(rendered.html, encoding="utf-8")
    assert text == text_file.read_text(encoding="utf-8")
    assert rendered.html == html_file.read_text(encoding="utf-8")
