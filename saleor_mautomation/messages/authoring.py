"""Templates an admin makes: a new email template (blank, from a starter layout, or a copy),
a copy of any template, a new name.

Apart from ``services`` (which saves versions and installs the defaults) because these are
the admin's own templates: never built in, keyed from their names like journeys and segments
(``newsletter``, ``newsletter-2``), and a copy is independent of its source (its versions are
new rows, numbered from 1, that a later version of the source does not change).
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.models import Template, TemplateVersion
from saleor_mautomation.messages.rendering import RenderFailed, StageError
from saleor_mautomation.messages.services import template_version_create
from saleor_mautomation.messages.starters import BLANK_MJML, starter_of

DEFAULT_LANGUAGE = "en"  # no shop-wide language yet: the model's default
KEY_ATTEMPTS = 3  # a key taken between the check and the insert: the next suffix


def _name(name: str) -> str:
    name = name.strip()
    if not 0 < len(name) <= 120:
        raise PermanentError("A name of 1 to 120 characters", code="invalid_name")
    return name


def _kind(kind: str) -> str:
    if kind not in Template.Kind.values:
        raise PermanentError("A kind is marketing or transactional", code="invalid_kind")
    return kind


def _language(language: str, available: list[str]) -> str:
    if language not in available:
        raise PermanentError(
            f"Not available in {language!r}: {', '.join(available)}", code="invalid_language"
        )
    return language


def _unique_key(installation_id: int, base: str) -> str:
    key, n = base, 1
    while Template.objects.filter(installation_id=installation_id, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def _template_insert(
    *,
    installation_id: int,
    key: str,
    name: str,
    channel: str,
    kind: str,
    language: str,
    description: str,
) -> Template:
    """The template row under a key unique in the shop (slugified; ``-2``, ``-3`` appended)."""
    base = slugify(key or name)[:50] or "template"
    for attempt in range(KEY_ATTEMPTS):
        try:
            with transaction.atomic():
                return Template.objects.create(
                    installation_id=installation_id,
                    key=_unique_key(installation_id, base),
                    name=name,
                    description=description,
                    channel=channel,
                    kind=kind,
                    default_language=language,
                )
        except IntegrityError:
            if attempt == KEY_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _versions_copy(*, source: Template, into: Template, now: datetime) -> None:
    """Each language's newest version of ``source`` as version 1 of ``into`` (saved versions
    compiled when saved: copied as they are, not compiled again)."""
    newest: dict[str, TemplateVersion] = {}
    for version in source.versions.order_by("language", "-number"):
        newest.setdefault(version.language, version)
    TemplateVersion.objects.bulk_create(
        TemplateVersion(
            template=into,
            language=language,
            number=1,
            subject=version.subject,
            preheader=version.preheader,
            mjml=version.mjml,
            html=version.html,
            text=version.text,
            push_url=version.push_url,
            created_at=now,
        )
        for language, version in newest.items()
    )


def template_email_create(
    *,
    installation_id: int,
    name: str,
    now: datetime,
    key: str = "",
    kind: str | None = None,
    language: str | None = None,
    starter: str | None = None,
    source: Template | None = None,
    subject: str = "",
    preheader: str = "",
) -> Template:
    """A new email template with its first version(s): from ``source`` (every language's
    newest version, its kind unless given), from the ``starter`` layout (its languages and
    kind), else blank (``subject`` and ``preheader`` used only here: a subject is required)."""
    name = _name(name)
    with transaction.atomic():
        if source is not None:
            if source.channel != Template.Channel.EMAIL:
                raise PermanentError("Copy an email template here", code="wrong_channel")
            languages = sorted(set(source.versions.values_list("language", flat=True)))
            if not languages:
                raise PermanentError("The template has no version to copy", code="empty")
            template = _template_insert(
                installation_id=installation_id,
                key=key,
                name=name,
                channel=Template.Channel.EMAIL,
                kind=_kind(kind or source.kind),
                language=_language(language or source.default_language, languages),
                description=source.description,
            )
            _versions_copy(source=source, into=template, now=now)
            return template
        if starter is not None:
            layout = starter_of(starter)
            if layout is None:
                raise PermanentError(f"No starter {starter!r}", code="unknown_starter")
            template = _template_insert(
                installation_id=installation_id,
                key=key,
                name=name,
                channel=Template.Channel.EMAIL,
                kind=_kind(kind or layout.kind),
                language=_language(language or DEFAULT_LANGUAGE, layout.languages),
                description=layout.description,
            )
            for each in layout.languages:
                template_version_create(
                    template=template,
                    language=each,
                    subject=layout.subjects[each],
                    preheader=layout.preheaders[each],
                    mjml_source=layout.sources[each],
                    now=now,
                )
            return template
        if not subject.strip():
            raise RenderFailed(
                [StageError("template", "empty", "The email needs a subject", field="subject")]
            )
        language = language or DEFAULT_LANGUAGE
        if not 2 <= len(language) <= 8:
            raise PermanentError("A language code such as 'en' or 'de'", code="invalid_language")
        template = _template_insert(
            installation_id=installation_id,
            key=key,
            name=name,
            channel=Template.Channel.EMAIL,
            kind=_kind(kind or Template.Kind.MARKETING),
            language=language,
            description="",
        )
        template_version_create(
            template=template,
            language=language,
            subject=subject,
            preheader=preheader,
            mjml_source=BLANK_MJML,
            now=now,
        )
        return template


def template_copy(*, source: Template, now: datetime, name: str = "") -> Template:
    """A copy of a template of any channel (every language's newest version as version 1),
    named ``<name> (copy)`` unless a name is given."""
    name = _name(name or f"{source.name} (copy)"[:120])
    with transaction.atomic():
        template = _template_insert(
            installation_id=source.installation_id,
            key="",
            name=name,
            channel=source.channel,
            kind=source.kind,
            language=source.default_language,
            description=source.description,
        )
        _versions_copy(source=source, into=template, now=now)
        return template


def template_rename(*, template: Template, name: str, description: str | None = None) -> Template:
    """A new name (and description, unless ``None``); the key stays: journeys name it."""
    template.name = _name(name)
    if description is not None:
        if len(description) > 1000:
            raise PermanentError(
                "A description of at most 1000 characters", code="invalid_description"
            )
        template.description = description
    template.save(update_fields=["name", "description", "updated_at"])
    return template
