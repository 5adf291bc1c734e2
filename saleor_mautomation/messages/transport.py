"""Email to a checked address: a shop's own mail server or ESP API URL is an outbound call like
any other.

Django's SMTP backend hands the host name to ``smtplib``, which resolves it again when it
connects, so a DNS answer that changes after ``resolve_checked`` would reach an address nobody
checked. ``PinnedSmtpBackend`` resolves and checks the name at connect time and opens the
socket to that very address; STARTTLS and implicit TLS keep the configured name for SNI and
the certificate check (``smtplib`` keeps it as ``_host``).

django-anymail's HTTP backends take their API URL from the shop's settings (``api_url``):
``pinned_esp_backend`` gives them sessions pinned like ``core.http.request``.
"""

from __future__ import annotations

import functools
import smtplib
import socket
from typing import Any

import requests
from anymail.backends.base_requests import AnymailRequestsBackend
from django.core.mail.backends.smtp import EmailBackend

from saleor_mautomation.core.http import pinned_session, resolve_checked


class PinnedSMTP(smtplib.SMTP):
    allow_private = False  # set by subclass: ``__init__`` connects at once

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        address = resolve_checked(host, port, allow_private=self.allow_private)
        return socket.create_connection((address, port), timeout, self.source_address)


class PinnedSMTP_SSL(smtplib.SMTP_SSL, PinnedSMTP):
    """``SMTP_SSL._get_socket`` wraps ``PinnedSMTP``'s socket with the name as
    ``server_hostname``."""


@functools.cache
def _smtp_class(*, use_ssl: bool, allow_private: bool) -> type[smtplib.SMTP]:
    base: type[PinnedSMTP] = PinnedSMTP_SSL if use_ssl else PinnedSMTP
    return type(base.__name__, (base,), {"allow_private": allow_private})


class PinnedSmtpBackend(EmailBackend):
    """Django's SMTP backend, connecting to the checked address (``allow_private``:
    ``SALEOR_ALLOW_LOOPBACK``)."""

    def __init__(self, *args: Any, allow_private: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow_private = allow_private

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _smtp_class(use_ssl=bool(self.use_ssl), allow_private=self.allow_private)


class _PinnedSessions(AnymailRequestsBackend):
    allow_private = False

    def create_session(self) -> requests.Session:
        return pinned_session(super().create_session(), allow_private=self.allow_private)


@functools.cache
def pinned_esp_backend(backend: type[Any], *, allow_private: bool) -> type[Any]:
    """The ESP backend class, with pinned sessions if it talks HTTP through ``requests``."""
    if not issubclass(backend, AnymailRequestsBackend):
        return backend
    return type(backend.__name__, (_PinnedSessions, backend), {"allow_private": allow_private})
