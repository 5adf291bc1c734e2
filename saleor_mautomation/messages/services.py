"""Templates and their versions: saved only when every stage passes."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.defaults import default_templates
from saleor_mautomation.messages.models import Template, TemplateVersion
from saleor_mautomation.messages.rendering import compile_version

TRANSACTIONAL_DEFAULTS = {"double-opt-in"}


def template_version_create(
    *,
    template: Template,
    language: str,
    subject: str,
    preheader: str,
    mjml_source: str,
    now: datetime,
) -> TemplateVersion:
    """Compile and store a new version (``RenderFailed`` with staged errors otherwise)."""
    if not 2 <= len(language) <= 8:
        raise PermanentError("A language code such as 'en' or 'de'", code="invalid_language")
    compiled = compile_version(mjml_source=mjml_source, subject=subject, preheader=preheader)
    with transaction.atomic():
        Template.objects.select_for_update().filter(pk=template.pk).first()
        last = TemplateVersion.objects.filter(template=template, language=language).aggregate(
            n=Max("number")
        )["n"]
        return TemplateVersion.objects.create(
            template=template,
            language=language,
            number=(last or 0) + 1,
            subject=subject,
            preheader=preheader,
            mjml=mjml_source,
            html=compiled.html,
            text=compiled.text,
            created_at=now,
        )


def template_current(template: Template, language: str) -> TemplateVersion | None:
    """The newest version in ``language``, else in the template's default language."""
    for wanted in (language, template.default_language):
        version = (
            TemplateVersion.objects.filter(template=template, language=wanted)
            .order_by("-number")
            .first()
        )
        if version is not None:
            return version
    return None


def templates_builtin_ensure(*, installation_id: int, now: datetime) -> list[Template]:
    """The default templates (English and German) the installation lacks; idempotent."""
    existing = set(
        Template.objects.filter(installation_id=installation_id).values_list("key", flat=True)
    )
    created: list[Template] = []
    by_key: dict[str, Template] = {}
    for default in default_templates():
        if default.key in existing:
            continue
        template = by_key.get(default.key)
        if template is None:
            template = by_key[default.key] = Template.objects.create(
                installation_id=installation_id,
                key=default.key,
                name=default.key.replace("-", " ").capitalize(),
                description=default.purpose,
                kind=(
                    Template.Kind.TRANSACTIONAL
                    if default.key in TRANSACTIONAL_DEFAULTS
                    else Template.Kind.MARKETING
                ),
                is_builtin=True,
            )
            created.append(template)
        template_version_create(
            template=template,
            language=default.language,
            subject=default.subject,
            preheader=default.preheader,
            mjml_source=default.mjml,
            now=now,
        )
    return created
