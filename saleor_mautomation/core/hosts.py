"""The hosts the app answers to (Django's ``ALLOWED_HOSTS``)."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def allowed_hosts(app_url: str, configured: list[str]) -> list[str]:
    """The hosts set, else the public URL's host; an app on loopback (the demo, a local
    install) answers to every loopback name, so ``http://127.0.0.1:8080`` works as well as
    ``http://localhost:8080``."""
    if configured:
        return configured
    host = urlsplit(app_url).hostname or "localhost"
    if host in ("localhost", "127.0.0.1", "::1"):
        return list(LOOPBACK_NAMES)
    return [host]
