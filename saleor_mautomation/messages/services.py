"""Templates and their versions: saved only when every stage passes.

Email versions are MJML (compiled once when saved); SMS and push versions are plain text
templates (an SMS's body; a notification's title, body and click URL), checked the same way:
syntax, then a strict render of the editor's example context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import jinja2
from django.db import transaction
from django.db.models import Max

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.blocks import block_errors
from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT, default_templates
from saleor_mautomation.messages.mime import HeaderInvalid, encode_address
from saleor_mautomation.messages.models import (
    EmailProvider,
    Message,
    SendingRules,
    SmsProvider,
    Suppression,
    Template,
    TemplateVersion,
)
from saleor_mautomation.messages.rendering import (
    TEXTS,
    Compiled,
    RenderFailed,
    StageError,
    compile_version,
    render,
)
from saleor_mautomation.messages.rules import Rules

TRANSACTIONAL_DEFAULTS = {"double-opt-in"}


def _next_number(template: Template, language: str) -> int:
    """The next version number in ``language``; the template's row is locked (in the
    caller's transaction) so concurrent saves number apart."""
    Template.objects.select_for_update().filter(pk=template.pk).first()
    last = TemplateVersion.objects.filter(template=template, language=language).aggregate(
        n=Max("number")
    )["n"]
    return (last or 0) + 1


def template_version_create(
    *,
    template: Template,
    language: str,
    subject: str,
    preheader: str,
    mjml_source: str,
    now: datetime,
) -> TemplateVersion:
    """Compile and store a new version (``RenderFailed`` with staged errors otherwise: a
    ``recommend()`` the sender could not resolve too, ``messages.blocks``)."""
    if not 2 <= len(language) <= 8:
        raise PermanentError("A language code such as 'en' or 'de'", code="invalid_language")
    compiled = compile_version(mjml_source=mjml_source, subject=subject, preheader=preheader)
    blocks = [
        *block_errors(mjml_source),
        *block_errors(subject, "subject"),
        *block_errors(preheader, "preheader"),
    ]
    if blocks:
        raise RenderFailed(blocks)
    with transaction.atomic():
        return TemplateVersion.objects.create(
            template=template,
            language=language,
            number=_next_number(template, language),
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


KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def template_create(
    *,
    installation_id: int,
    key: str,
    name: str,
    channel: str,
    kind: str,
    description: str = "",
    is_builtin: bool = False,
) -> Template:
    """A new, empty template of a channel (its content comes in versions)."""
    if not KEY.match(key):
        raise PermanentError("A key of lower-case letters, digits and -", code="invalid_key")
    if channel not in Template.Channel.values or kind not in Template.Kind.values:
        raise PermanentError("An unknown channel or kind", code="invalid_template")
    if not 1 <= len(name) <= 120:
        raise PermanentError("A name of 1 to 120 characters", code="invalid_name")
    with transaction.atomic():
        if Template.objects.filter(installation_id=installation_id, key=key).exists():
            raise PermanentError("A template with this key exists", code="key_taken")
        return Template.objects.create(
            installation_id=installation_id,
            key=key,
            name=name,
            description=description,
            channel=channel,
            kind=kind,
            is_builtin=is_builtin,
        )


def _text_errors(field: str, source: str) -> list[StageError]:
    """A text source's errors: syntax, and names the example context does not have."""
    try:
        TEXTS.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        message = exc.message or str(exc)
        return [StageError("template", "syntax", message, exc.lineno, field=field)]
    try:
        render(
            Compiled(subject="", preheader="", html=source, text="-"), EXAMPLE_CONTEXT, strict=True
        )
    except RenderFailed as exc:
        return [StageError(e.stage, e.code, e.message, e.line, e.column, field) for e in exc.errors]
    return []


def text_version_errors(
    *, channel: str, subject: str, text: str, push_url: str
) -> list[StageError]:
    """What is wrong with an SMS's body or a notification's title, body and URL."""
    errors = _text_errors("text", text)
    if not text.strip():
        errors.append(StageError("template", "empty", "The message has no text", field="text"))
    if channel == Template.Channel.PUSH:
        errors += _text_errors("subject", subject) + _text_errors("push_url", push_url)
        if not subject.strip():
            errors.append(StageError("template", "empty", "A title is needed", field="subject"))
        if push_url and not re.match(r"^(https?://|\{[{%])", push_url.strip(), re.IGNORECASE):
            errors.append(
                StageError(
                    "links", "bad_link", "The URL is absolute or a variable", field="push_url"
                )
            )
    return errors


def template_text_version_create(
    *, template: Template, language: str, subject: str, text: str, push_url: str, now: datetime
) -> TemplateVersion:
    """A new version of an SMS or push template (``RenderFailed`` with its errors otherwise)."""
    if template.channel == Template.Channel.EMAIL:
        raise PermanentError("Email templates are MJML", code="wrong_channel")
    if not 2 <= len(language) <= 8:
        raise PermanentError("A language code such as 'en' or 'de'", code="invalid_language")
    if template.channel == Template.Channel.SMS:
        subject, push_url = "", ""
    errors = text_version_errors(
        channel=template.channel, subject=subject, text=text, push_url=push_url
    )
    if errors:
        raise RenderFailed(errors)
    with transaction.atomic():
        return TemplateVersion.objects.create(
            template=template,
            language=language,
            number=_next_number(template, language),
            subject=subject,
            mjml="",
            html="",
            text=text,
            push_url=push_url,
            created_at=now,
        )


@dataclass(frozen=True)
class ChannelDefault:
    key: str
    channel: str
    purpose: str
    title: dict[str, str]  # push only
    text: dict[str, str]
    url: str = ""
    kind: str = Template.Kind.MARKETING


STOP_HINT = {"en": "Reply STOP to opt out.", "de": "Antworte STOP zum Abmelden."}
CHECKOUT_URL = "{% if checkout %}{{ checkout.resume_url }}{% else %}{{ shop.url }}{% endif %}"
SMS_CONFIRM = "sms-confirm"
CHANNEL_DEFAULTS = (
    ChannelDefault(
        key=SMS_CONFIRM,
        channel="sms",
        purpose="Asks a new subscriber to confirm marketing texts by replying YES.",
        title={},
        text={
            "en": "{{ shop.name }}: reply YES to get our offers by text message. "
            "Msg&data rates may apply. Reply STOP to opt out.",
            "de": "{{ shop.name }}: Antworte JA, um unsere Angebote per SMS zu erhalten. "
            "Antworte STOP zum Abmelden.",
        },
        kind=Template.Kind.TRANSACTIONAL,
    ),
    ChannelDefault(
        key="abandoned-checkout-sms",
        channel="sms",
        purpose="Reminds of a cart left behind, by text message.",
        title={},
        text={
            "en": "{{ shop.name }}: your cart is still waiting"
            "{% if checkout %} ({{ checkout.total }}){% endif %}. Complete your order: "
            f"{CHECKOUT_URL} {STOP_HINT['en']}",
            "de": "{{ shop.name }}: Dein Warenkorb wartet noch"
            "{% if checkout %} ({{ checkout.total }}){% endif %}. Jetzt abschließen: "
            f"{CHECKOUT_URL} {STOP_HINT['de']}",
        },
    ),
    ChannelDefault(
        key="abandoned-checkout-push",
        channel="push",
        purpose="Reminds of a cart left behind, as a browser notification.",
        title={"en": "Your cart is waiting", "de": "Dein Warenkorb wartet"},
        text={
            "en": "Complete your order at {{ shop.name }} before your picks sell out.",
            "de": "Schließe Deine Bestellung bei {{ shop.name }} ab, bevor alles weg ist.",
        },
        url="{% if checkout %}{{ checkout.resume_url }}{% endif %}",
    ),
    ChannelDefault(
        key="win-back-push",
        channel="push",
        purpose="Gets back in touch with a customer who has not ordered for a while.",
        title={
            "en": "We miss you{% if contact.first_name %}, {{ contact.first_name }}{% endif %}",
            "de": "Lange nicht gesehen{% if contact.first_name %}, "
            "{{ contact.first_name }}{% endif %}",
        },
        text={
            "en": "See what is new at {{ shop.name }} since your last visit.",
            "de": "Sieh Dir an, was es bei {{ shop.name }} Neues gibt.",
        },
        url="{{ shop.url }}",
    ),
)


def templates_channel_ensure(
    *, installation_id: int, channel: str, now: datetime
) -> list[Template]:
    """The default SMS or push templates (English and German) the installation lacks."""
    existing = set(
        Template.objects.filter(installation_id=installation_id).values_list("key", flat=True)
    )
    created = []
    for default in CHANNEL_DEFAULTS:
        if default.channel != channel or default.key in existing:
            continue
        template = template_create(
            installation_id=installation_id,
            key=default.key,
            name=default.key.replace("-", " ").capitalize(),
            channel=channel,
            kind=default.kind,
            description=default.purpose,
            is_builtin=True,
        )
        for language, text in default.text.items():
            template_text_version_create(
                template=template,
                language=language,
                subject=default.title.get(language, ""),
                text=text,
                push_url=default.url,
                now=now,
            )
        created.append(template)
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
    name = changes.get("sender_name")
    if name is not None and (len(str(name)) > 100 or any(c in str(name) for c in '\r\n<>"')):
        raise PermanentError(
            "A sender name is at most 100 characters, without line breaks, <, > or quotes",
            code="invalid_sender_name",
        )
    hours = [changes.get("quiet_start_hour"), changes.get("quiet_end_hour")]
    if any(h is not None and not 0 <= int(str(h)) <= 23 for h in hours):
        raise PermanentError("Quiet hours are whole hours from 0 to 23", code="invalid_hour")
    cap_hours = changes.get("cap_hours")
    if cap_hours is not None and not 1 <= int(str(cap_hours)) <= 24 * 30:
        raise PermanentError("The cap window is 1 hour to 30 days", code="invalid_cap")
    if changes.get("quiet_action") not in {None, "defer", "skip"}:
        raise PermanentError("Quiet hours either defer or skip", code="invalid_quiet_action")
    if changes.get("channel_caps") is not None:
        changes["channel_caps"] = _channel_caps_valid(changes["channel_caps"])
    for field, value in changes.items():
        if value is not None:
            setattr(rules, field, value)
    rules.save()
    return rules


CAPPED_CHANNELS = ("sms", "push", "postal")  # email's cap is ``cap_count`` / ``cap_hours``


def _channel_caps_valid(raw: object) -> dict[str, list[int]]:
    """``{"sms": [count, hours], ...}``: a count of 0 to 100 (0: no cap) per 1 hour to 30 days
    (``postal``: cards added to print batches, ``postal.services``)."""
    problem = PermanentError(
        "Channel caps map sms, push or postal to a count (0-100) per a window of 1 to 720 hours",
        code="invalid_cap",
    )
    if not isinstance(raw, dict):
        raise problem
    clean: dict[str, list[int]] = {}
    for channel, cap in raw.items():
        if channel not in CAPPED_CHANNELS or not isinstance(cap, list | tuple) or len(cap) != 2:
            raise problem
        count, hours = cap
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (count, hours)):
            raise problem
        if not (0 <= count <= 100 and 1 <= hours <= 24 * 30):
            raise problem
        clean[channel] = [count, hours]
    return clean


def rules_of(installation_id: int) -> tuple[Rules, SendingRules]:
    """The installation's sending rules (made with the defaults on first need)."""
    stored, _ = SendingRules.objects.get_or_create(installation_id=installation_id)
    return (
        Rules(
            cap_count=stored.cap_count,
            cap_hours=stored.cap_hours,
            quiet_start_hour=stored.quiet_start_hour,
            quiet_end_hour=stored.quiet_end_hour,
            quiet_action="skip" if stored.quiet_action == "skip" else "defer",
            channel_caps=tuple(
                (channel, int(cap[0]), int(cap[1]))
                for channel, cap in sorted(stored.channel_caps.items())
            ),
        ),
        stored,
    )


def suppression_add(
    *, installation_id: int, address: str, reason: str, detail: str, now: datetime
) -> None:
    """No marketing message goes to ``address`` any more (kept as first recorded)."""
    Suppression.objects.get_or_create(
        installation_id=installation_id,
        address=address.lower(),
        defaults={"reason": reason, "detail": detail, "created_at": now},
    )


def messages_merge(*, into_id: int, other_id: int) -> None:
    """A contact folded into another keeps its message history (sends, opens and clicks
    count towards caps, best hour and attribution): called by the coordinator
    (``flows.merges``)."""
    Message.objects.filter(contact_id=other_id).update(contact_id=into_id)


def provider_secrets_delete(*, installation_id: int) -> None:
    """An uninstalled shop's email and SMS provider secrets go with its Saleor token (the
    settings without them stay: a re-install sets the secrets again)."""
    EmailProvider.objects.filter(installation_id=installation_id).update(
        smtp_password="", esp_settings=""
    )
    SmsProvider.objects.filter(installation_id=installation_id).update(auth_token="")
