"""The email backend of one installation: the deployment's default, its own SMTP server, or an
ESP through django-anymail, with the throttle the shop set for it.

An SMTP host an admin types is an outbound call like any other: it must resolve to a public
address unless ``SALEOR_ALLOW_LOOPBACK`` (the same guard as calls to Saleor), so a shop cannot
point the sender at the deployment's internal services. The connection then uses the host name,
for the TLS certificate check.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from typing import Any

from django.core.mail import get_connection

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.core.http import resolve_checked
from saleor_mautomation.messages.models import EmailProvider


class ProviderInvalid(PermanentError):
    code = "invalid_provider"


@dataclass(frozen=True)
class Provider:
    backend: Any
    interval: float  # seconds to leave between two sends (0: no throttle)


def provider_for(installation_id: int, *, allow_private: bool) -> Provider:
    stored = EmailProvider.objects.filter(installation_id=installation_id).first()
    interval = 1 / stored.max_per_second if stored and stored.max_per_second > 0 else 0.0
    if stored is None or stored.kind == EmailProvider.Kind.DEFAULT:
        return Provider(get_connection(fail_silently=False), interval)
    if stored.kind == EmailProvider.Kind.SMTP:
        resolve_checked(stored.smtp_host, stored.smtp_port, allow_private=allow_private)
        backend = get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            fail_silently=False,
            host=stored.smtp_host,
            port=stored.smtp_port,
            username=stored.smtp_username,
            password=stored.smtp_password,
            use_tls=stored.smtp_security == EmailProvider.Security.STARTTLS,
            use_ssl=stored.smtp_security == EmailProvider.Security.TLS,
            timeout=30,
        )
        return Provider(backend, interval)
    return Provider(
        get_connection(
            esp_backend(stored.esp), fail_silently=False, **json.loads(stored.esp_settings or "{}")
        ),
        interval,
    )


def esp_backend(esp: str) -> str:
    """The anymail backend path for an ESP name, if anymail has one."""
    if (
        not esp.replace("_", "").isalnum()
        or importlib.util.find_spec(f"anymail.backends.{esp}") is None
    ):
        raise ProviderInvalid(f"django-anymail has no backend named {esp!r}")
    return f"anymail.backends.{esp}.EmailBackend"


def email_provider_update(
    *,
    installation_id: int,
    kind: str,
    smtp_host: str = "",
    smtp_port: int = 587,
    smtp_security: str = "starttls",
    smtp_username: str = "",
    smtp_password: str | None = None,
    esp: str = "",
    esp_settings: dict[str, Any] | None = None,
    max_per_second: float = 0,
    allow_private: bool,
) -> EmailProvider:
    """Save the provider; ``None`` secrets keep the stored ones (they are never read back)."""
    if kind not in EmailProvider.Kind.values:
        raise ProviderInvalid(f"kind is one of {', '.join(EmailProvider.Kind.values)}")
    if smtp_security not in EmailProvider.Security.values:
        raise ProviderInvalid("smtp_security is starttls, tls or none")
    if max_per_second < 0:
        raise ProviderInvalid("max_per_second cannot be negative")
    if kind == EmailProvider.Kind.SMTP:
        if not smtp_host or not 0 < smtp_port < 65536:
            raise ProviderInvalid("An SMTP server needs a host and a port")
        resolve_checked(smtp_host, smtp_port, allow_private=allow_private)
    if kind == EmailProvider.Kind.ESP:
        esp_backend(esp)
    stored, _ = EmailProvider.objects.get_or_create(installation_id=installation_id)
    stored.kind = kind
    stored.smtp_host, stored.smtp_port, stored.smtp_security = smtp_host, smtp_port, smtp_security
    stored.smtp_username = smtp_username
    if smtp_password is not None:
        stored.smtp_password = smtp_password
    stored.esp = esp
    if esp_settings is not None:
        stored.esp_settings = json.dumps(esp_settings)
    stored.max_per_second = max_per_second
    stored.save()
    return stored
