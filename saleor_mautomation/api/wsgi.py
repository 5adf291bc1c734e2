"""The webhook route served in front of Django's request cycle.

Saleor posts every customer, checkout and order change to ``/api/webhooks/saleor``; at a busy
shop's rate the request cycle around the view (URL resolution, middleware, request and response
objects) cost as much CPU as verifying and storing the delivery itself (docs/adr/0012). This
WSGI middleware answers that one route directly: it keeps the database connection housekeeping,
the upload size limit and the security headers of the Django stack,
and hands every other request, and any other method on that path, to Django unchanged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.urls import reverse

from saleor_mautomation.api.responses import error_body
from saleor_mautomation.api.views.webhooks import Answer, webhook_answer

logger = logging.getLogger("django.request")
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 413: "Content Too Large"}
REASONS |= {500: "Internal Server Error", 503: "Service Unavailable"}


class WebhookIntake:
    """``POST /api/webhooks/saleor`` without the request cycle; the rest goes to ``app``."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.path = reverse("saleor-webhook")
        # What SecurityMiddleware and XFrameOptionsMiddleware add to every Django response.
        self.security_headers = [("X-Frame-Options", settings.X_FRAME_OPTIONS)]
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            self.security_headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            self.security_headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            policy = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
            self.security_headers.append(("Cross-Origin-Opener-Policy", policy))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != self.path or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        # Django's connection housekeeping (a ``request_started`` receiver), once per request
        # instead of at both ends: a connection past CONN_MAX_AGE, or broken by an error in
        # the previous request, is closed before this one uses it. ``request_finished`` is not
        # sent: its other receivers reset what this route never touches (URLconf, caches).
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            answer = self._answer(environ)
        except Exception:
            logger.exception("Internal Server Error: %s", self.path)
            answer = Answer(500, error_body("Internal server error", "internal_error"))
        body = json.dumps(answer.body).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *answer.headers.items(),
            *self.security_headers,
        ]
        start_response(f"{answer.status} {REASONS.get(answer.status, '')}".rstrip(), headers)
        return [body]

    def _answer(self, environ: dict[str, Any]) -> Answer:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return Answer(400, error_body("Invalid Content-Length", "bad_request"))
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return Answer(413, error_body(f"The body exceeds {limit} bytes", "too_large"))
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        return webhook_answer(environ, body)
