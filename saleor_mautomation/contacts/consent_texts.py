"""Consent texts: the wording a person agreed to, per consent channel and language, in versions.

The storefront shows the current text of a channel (``email``, ``sms``, ``push``) in the
visitor's language and sends its version label back with the consent (``subscribe``,
``setPhone``: ``consentTextVersion``), which the ledger keeps (``ConsentRecord.text_version``).
So a version is never changed or deleted once created (the ledger points at it by its label);
a new wording is a new version, and the current one is the newest.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import IntegrityError, transaction

from saleor_mautomation.contacts.models import CONSENT_TEXT_MAX_VERSION as MAX_VERSION
from saleor_mautomation.contacts.models import ConsentText
from saleor_mautomation.core.errors import PermanentError

CHANNELS = ("email", "sms", "push")
# A BCP 47 tag as storefronts send it: a primary language and optional subtags (en, de-AT).
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
MAX_TEXT = 10_000


class ConsentTextInvalid(PermanentError):
    """A version refused; ``code`` names the field (``invalid_channel``, ``invalid_language``,
    ``invalid_version``, ``version_taken``, ``invalid_text``)."""


def language_normal(language: str) -> str:
    """``language`` lower-cased and with ``-`` (``de_AT`` is ``de-at``); refused if no tag."""
    normal = language.strip().replace("_", "-").lower()
    if not LANGUAGE.match(normal):
        raise ConsentTextInvalid("A language tag such as en, de or de-AT", code="invalid_language")
    return normal


def _channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise ConsentTextInvalid(
            f"The channel is one of {', '.join(CHANNELS)}", code="invalid_channel"
        )
    return channel


def consent_text_add(
    *, installation_id: int, channel: str, language: str, version: str, text: str, now: datetime
) -> ConsentText:
    """A new version, which becomes the current one of its channel and language."""
    channel = _channel(channel)
    language = language_normal(language)
    version = version.strip()
    if not 0 < len(version) <= MAX_VERSION or any(c.isspace() for c in version):
        raise ConsentTextInvalid(
            f"A version label of 1 to {MAX_VERSION} characters without spaces, e.g. 2026-06",
            code="invalid_version",
        )
    text = text.strip()
    if not 0 < len(text) <= MAX_TEXT:
        raise ConsentTextInvalid(
            f"The text the visitor agrees to, 1 to {MAX_TEXT} characters", code="invalid_text"
        )
    taken = ConsentTextInvalid(
        f"Version {version} of the {channel} text in {language} exists: versions never change, "
        "give the new wording a new label",
        code="version_taken",
    )
    scope = {"installation_id": installation_id, "channel": channel, "language": language}
    if ConsentText.objects.filter(**scope, version=version).exists():
        raise taken
    try:
        with transaction.atomic():
            return ConsentText.objects.create(**scope, version=version, text=text, created_at=now)
    except IntegrityError as exc:  # added by someone else meanwhile
        raise taken from exc


def consent_texts(
    *, installation_id: int, channel: str | None = None, language: str | None = None
) -> list[ConsentText]:
    """The installation's versions, by channel and language, each's newest first."""
    texts = ConsentText.objects.filter(installation_id=installation_id)
    if channel is not None:
        texts = texts.filter(channel=_channel(channel))
    if language is not None:
        texts = texts.filter(language=language_normal(language))
    return list(texts.order_by("channel", "language", "-created_at", "-pk"))


def consent_text_current(
    *, installation_id: int, channel: str, language: str
) -> ConsentText | None:
    """The newest version of ``channel`` in ``language``, else in its primary language (a
    ``de-at`` visitor gets the ``de`` text when there is no ``de-at`` one); ``None`` if none."""
    channel, language = _channel(channel), language_normal(language)
    candidates = [language]
    if "-" in language:
        candidates.append(language.split("-")[0])
    for candidate in candidates:
        found = (
            ConsentText.objects.filter(
                installation_id=installation_id, channel=channel, language=candidate
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if found is not None:
            return found
    return None


def consent_texts_current_ids(texts: list[ConsentText]) -> set[int]:
    """Of ``texts`` (as ``consent_texts`` orders them), the ids of the current versions."""
    seen: set[tuple[str, str]] = set()
    current: set[int] = set()
    for text in texts:
        if (text.channel, text.language) not in seen:
            seen.add((text.channel, text.language))
            current.add(text.pk)
    return current
