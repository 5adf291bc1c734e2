"""Starter layouts an admin creates an email template from, and the blank document.

A starter is not a default: nothing installs it, and no journey names it. It is a layout to
start writing in (``createEmailTemplate`` with ``start: {starter: "<key>"}``), each in the
languages the defaults have, written against the same names as the defaults (the contract of
``messages.context``, rendered strictly with ``EXAMPLE_CONTEXT`` by the tests). Each is MJML in
``<key>/<language>.mjml``; ``catalog.json`` holds the rest (name, kind, description, subject,
preheader).

``order-confirmation`` is transactional: it is meant for a journey entered on ``order.placed``,
whose messages get the contact's newest order as ``order`` (number, lines, total, url). The
context carries no shipping address, subtotal or shipping cost (the order record keeps only
its gross total and lines), so the starter shows none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "de")
STARTERS_DIR = Path(__file__).parent

# What a blank template starts with: valid MJML the admin writes into (the subject is theirs).
BLANK_MJML = """<mjml>
  <mj-body width="600px">
    <mj-section>
      <mj-column>
        <mj-text font-size="16px" line-height="26px">Write your email here.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


@dataclass(frozen=True)
class Starter:
    key: str
    name: str
    kind: str  # marketing or transactional
    description: str
    subjects: dict[str, str]  # per language, Jinja
    preheaders: dict[str, str]  # per language, Jinja, also the layout's <mj-preview>
    sources: dict[str, str]  # per language, MJML

    @property
    def languages(self) -> list[str]:
        return list(self.sources)


@cache
def starters() -> tuple[Starter, ...]:
    """Every starter, in catalog order (read once: the files ship with the app)."""
    catalog = json.loads((STARTERS_DIR / "catalog.json").read_text(encoding="utf-8"))
    return tuple(
        Starter(
            key=entry["key"],
            name=entry["name"],
            kind=entry["kind"],
            description=entry["description"],
            subjects={language: entry["subject"][language] for language in LANGUAGES},
            preheaders={language: entry["preheader"][language] for language in LANGUAGES},
            sources={
                language: (STARTERS_DIR / entry["key"] / f"{language}.mjml").read_text(
                    encoding="utf-8"
                )
                for language in LANGUAGES
            },
        )
        for entry in catalog
    )


def starter_of(key: str) -> Starter | None:
    return next((starter for starter in starters() if starter.key == key), None)
