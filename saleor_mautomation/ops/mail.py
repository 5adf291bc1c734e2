"""The email providers: the deployment's default (``EMAIL_URL``) and each installation's own.

An SMTP server is asked what a send would ask first (connect, EHLO, STARTTLS and login when
configured) and left with QUIT: nothing is sent. An ESP is judged by its settings only (an API
key set, the backend there): calling its API could cost or count as a send.
"""

from __future__ import annotations

import contextlib
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.utils.module_loading import import_string

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.models import EmailProvider
from saleor_mautomation.messages.providers import provider_for
from saleor_mautomation.ops.deployment import is_deployed
from saleor_mautomation.ops.report import Line, fail, ok, warn
from saleor_mautomation.saleor.models import Installation

SMTP_TIMEOUT = 10.0  # seconds per SMTP step
_NOT_SENDING = (".console.EmailBackend", ".locmem.EmailBackend", ".dummy.EmailBackend")


def smtp_probe(backend: SmtpBackend) -> str:
    """Open the backend's connection as a send would (EHLO, STARTTLS, login) and close it;
    what the server accepted, or ``SmtpProblem``."""
    backend.timeout = min(backend.timeout or SMTP_TIMEOUT, SMTP_TIMEOUT)
    where = f"{backend.host}:{backend.port}"
    try:
        backend.open()
        connection = backend.connection
        assert connection is not None
        connection.ehlo_or_helo_if_needed()
    except smtplib.SMTPAuthenticationError as exc:
        raise SmtpProblem(f"{where} refused the login ({exc.smtp_code})") from exc
    except smtplib.SMTPException as exc:
        raise SmtpProblem(f"{where} refused: {exc.__class__.__name__}: {exc}") from exc
    except OSError as exc:  # refused, unreachable, timed out, TLS
        raise SmtpProblem(f"cannot talk to {where}: {exc.__class__.__name__}: {exc}") from exc
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            backend.close()  # QUIT
    steps = ["EHLO"]
    if backend.use_tls:
        steps.append("STARTTLS")
    if backend.use_ssl:
        steps.insert(0, "TLS")
    if backend.username and backend.password:
        steps.append("login")
    return f"{where} accepted {', '.join(steps)} (nothing sent)"


class SmtpProblem(PermanentError):
    code = "smtp_problem"


def _default_line() -> Line:
    check = "email (EMAIL_URL)"
    backend_path = settings.EMAIL_BACKEND
    if backend_path.endswith(
        (".console.EmailBackend", ".locmem.EmailBackend", ".dummy.EmailBackend")
    ):
        kind = backend_path.rsplit(".", 2)[-2]
        message = f"{kind}://: mail is printed or kept in memory, never sent"
        fix = (
            "set EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 or"
            " anymail+<esp>://<api key>@"
        )
        return fail(check, message, fix) if is_deployed() else warn(check, message, fix)
    if backend_path.startswith("anymail.backends."):
        esp = backend_path.split(".")[2]
        try:
            import_string(backend_path)
        except ImportError:
            return fail(check, f"django-anymail has no ESP {esp!r}", "check EMAIL_URL's ESP name")
        keys = {k: v for k, v in settings.ANYMAIL.items() if k.startswith(f"{esp.upper()}_")}
        if not any(keys.values()):
            return fail(
                check,
                f"anymail {esp}: no API key",
                f"set EMAIL_URL=anymail+{esp}://<api key>@",
            )
        return ok(check, f"anymail {esp}: API key set (not called: a call could send)")
    backend = get_connection(fail_silently=False)
    if not isinstance(backend, SmtpBackend):
        return ok(check, f"{backend_path} (not checked)")
    try:
        return ok(check, f"smtp: {smtp_probe(backend)}")
    except SmtpProblem as exc:
        return fail(check, exc.message, "check EMAIL_URL's host, port, TLS, user and password")


def _installation_line(installation: Installation, stored: EmailProvider) -> Line:
    check = f"installation {installation.pk} email"
    fix = "correct the email provider in the app's Settings (Dashboard)"
    try:
        provider = provider_for(installation.pk, allow_private=settings.SALEOR_ALLOW_LOOPBACK)
    except PermanentError as exc:  # a host that is not allowed, an ESP not set up
        return fail(check, exc.message, fix)
    backend: Any = provider.backend
    if stored.kind == EmailProvider.Kind.ESP:
        return ok(check, f"ESP {stored.esp} set up (not called: a call could send)")
    try:
        return ok(check, f"own SMTP server: {smtp_probe(backend)}")
    except SmtpProblem as exc:
        return fail(check, exc.message, fix)


def email_lines() -> list[Line]:
    lines = [_default_line()]
    providers = (
        EmailProvider.objects.filter(installation__status=Installation.Status.ACTIVE)
        .exclude(kind=EmailProvider.Kind.DEFAULT)
        .select_related("installation")
        .order_by("installation_id")
    )
    lines += [_installation_line(stored.installation, stored) for stored in providers]
    return lines
