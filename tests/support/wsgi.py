"""Requests through the production WSGI callable (``project.wsgi.application``), for routes it
serves before Django's request cycle; shaped like Django's test client and its responses."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.core import signals
from django.db import close_old_connections


@dataclass
class WsgiResponse:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    def json(self) -> Any:
        return json.loads(self.content)

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]


class WsgiClient:
    """``housekeeping=False`` (the default, as Django's test client) keeps the test's
    connection open across requests; transactional tests can let the app manage it."""

    def __init__(self, application: Any, *, housekeeping: bool = False) -> None:
        self.application = application
        self.housekeeping = housekeeping

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> WsgiResponse:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
        if self.housekeeping:
            return self._call(environ)
        # As Django's test client does: the test's transaction is not a stale connection.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            return self._call(environ)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    def _call(self, environ: dict[str, Any]) -> WsgiResponse:
        response = WsgiResponse(0)

        def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
            response.status_code = int(status.split()[0])
            response.headers = {name.lower(): value for name, value in response_headers}

        chunks = self.application(environ, start_response)
        try:
            response.content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return response

    def post(
        self,
        path: str,
        data: bytes = b"",
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> WsgiResponse:
        return self.request("POST", path, data, {"Content-Type": content_type, **(headers or {})})

    def get(self, path: str, headers: dict[str, str] | None = None) -> WsgiResponse:
        return self.request("GET", path, b"", headers)
