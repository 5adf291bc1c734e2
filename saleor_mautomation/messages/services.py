"""Templates and their versions: saved only when every stage passes."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.defaults import default_templates
from saleor_mautomation.messages.mime import HeaderInvalid, encode_address
from saleor_mautomation.messages.models import (
    SendingRules,
    Suppression,
    Template,
    TemplateVersion,
)
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


def sending_rules_update(*, installation_id: int, **changes: object) -> SendingRules:
    """Change the sender identity and the sending rules (``None`` leaves a value as it is)."""
    rules, _ = SendingRules.objects.get_or_create(installation_id=installation_id)
    for field in ("from_email", "reply_to"):
        value = changes.get(field)
        if value:
            try:
                encode_address(str(value))
            except HeaderInvalid as exc:
                raise PermanentError(str(exc), code=f"invalid_{field}") from exc
    hours = [changes.get("quiet_start_hour"), changes.get("quiet_end_hour")]
    if any(h is not None and not 0 <= int(str(h)) <= 23 for h in hours):
        raise PermanentError("Quiet hours are whole hours from 0 to 23", code="invalid_hour")
    cap_hours = changes.get("cap_hours")
    if cap_hours is not None and not 1 <= int(str(cap_hours)) <= 24 * 30:
        raise PermanentError("The cap window is 1 hour to 30 days", code="invalid_cap")
    if changes.get("quiet_action") not in {None, "defer", "skip"}:
        raise PermanentError("Quiet hours either defer or skip", code="invalid_quiet_action")
    for field, value in changes.items():
        if value is not None:
            setattr(rules, field, value)
    rules.save()
    return rules


def suppression_add(
    *, installation_id: int, address: str, reason: str, detail: str, now: datetime
) -> None:
    """No marketing message goes to ``address`` any more (kept as first recorded)."""
    Suppression.objects.get_or_create(
        installation_id=installation_id,
        address=address.lower(),
        defaults={"reason": reason, "detail": detail, "created_at": now},
    )
