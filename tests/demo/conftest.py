from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.db import connections

from saleor_mautomation.project.wsgi import application


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _served(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The app's WSGI callable, its database connection closed after each request (the
    server thread's connection must not outlive the test's database)."""
    result = application(environ, start_response)
    try:
        return [b"".join(result)]
    finally:
        if hasattr(result, "close"):
            result.close()
        connections.close_all()


@pytest.fixture
def live_app(transactional_db) -> Iterator[str]:
    """The app's production WSGI callable on a loopback port, in a thread: its base URL."""
    server: WSGIServer = make_server("127.0.0.1", 0, _served, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
