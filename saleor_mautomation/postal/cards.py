"""The postal cards' personalised texts, in English and German (``cards.json``): a greeting
and a message per card key, rendered per contact in the template sandbox (no markup: the
print partner sets them into the card's artwork). A card key the catalogue does not know
leaves both empty: the partner's artwork then carries the whole text."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from saleor_mautomation.messages.rendering import SUBJECTS

CATALOG = Path(__file__).with_name("cards.json")
LANGUAGES = ("en", "de")


@cache
def cards() -> dict[str, dict[str, dict[str, str]]]:
    """Card key -> field (``greeting``, ``message``) -> language -> Jinja2 source."""
    raw: list[dict[str, Any]] = json.loads(CATALOG.read_text(encoding="utf-8"))
    return {entry["key"]: {f: entry[f] for f in ("greeting", "message")} for entry in raw}


def card_language(language_code: str) -> str:
    """The card's language: the contact's when the catalogue has it, else English."""
    language = (language_code or "")[:2].lower()
    return language if language in LANGUAGES else "en"


@cache
def _compiled(source: str) -> jinja2.Template:
    return SUBJECTS.from_string(source)


def card_texts(key: str, language: str, context: dict[str, Any]) -> dict[str, str]:
    """The card's greeting and message for one contact (empty for an unknown card)."""
    card = cards().get(key)
    if card is None:
        return {"greeting": "", "message": ""}
    return {
        name: " ".join(_compiled(texts[language]).render(context).split())
        for name, texts in card.items()
    }
