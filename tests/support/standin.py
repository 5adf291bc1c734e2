"""A stand-in for Saleor's HTTP side on a free loopback port.

It serves ``/.well-known/jwks.json`` and answers ``POST /graphql/`` in the shapes of
``tests/saleor_reference/graphql-responses/``. Tests set what it answers (keys, app id, valid
tokens, per-operation answers) and can make its next answers fail; it records every request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from graphql import OperationDefinitionNode, parse

from tests.support.keys import SigningKey
from tests.support.samples import graphql_response

Answer = tuple[int, Any]
CHANNEL = {
    "id": "Q2hhbm5lbDox",
    "slug": "default-channel",
    "name": "Default Channel",
    "currencyCode": "USD",
    "isActive": True,
}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class StandInSaleor:
    keys: list[SigningKey] = field(default_factory=list)
    app_id: str = "QXBwOjE="
    valid_tokens: set[str] = field(default_factory=lambda: {"app-token-1"})
    answers: dict[str, Callable[[dict[str, Any]], Answer]] = field(default_factory=dict)
    faults: list[Answer | str] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    port: int = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql/"

    def fail_next(self, *faults: Answer | str) -> None:
        """Queue failures: ``(status, body)`` answers, or ``"drop"`` to close the connection."""
        self.faults.extend(faults)

    def requests_to(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self.keys]}

    def _graphql(self, request: Recorded) -> Answer:
        payload = request.json()
        document = parse(payload["query"])
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        name = operation.name.value if operation.name else ""
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        if token not in self.valid_tokens:
            return 200, graphql_response("error-invalid-token")["response"]
        if name in self.answers:
            return self.answers[name](payload.get("variables") or {})
        if name == "AppId" or operation.selection_set.selections[0].name.value == "app":  # type: ignore[attr-defined]
            response = json.loads(json.dumps(graphql_response("app-id")["response"]))
            response["data"]["app"]["id"] = self.app_id
            return 200, response
        return 400, {"errors": [{"message": f"The stand-in has no answer for {name!r}"}]}

    def handle(self, request: Recorded) -> Answer | str:
        self.requests.append(request)
        if self.faults:
            return self.faults.pop(0)
        if request.method == "GET" and request.path == "/.well-known/jwks.json":
            return 200, self.jwks()
        if request.method == "POST" and request.path == "/graphql/":
            return self._graphql(request)
        return 404, {"error": "not found"}


def serve(standin: StandInSaleor, *, cors: bool = False) -> Callable[[], None]:
    """Start the stand-in in a thread; returns the function that stops it. ``cors``: answer
    browsers as Saleor does (any origin, the Authorization header allowed)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _cors(self) -> None:
            if cors:
                self.send_header("Access-Control-Allow-Origin", "*")

        def do_OPTIONS(self) -> None:
            if not cors:
                self._respond()
                return
            self.send_response(200)
            self._cors()
            self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _respond(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Recorded(
                self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            answer = standin.handle(request)
            if answer == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            assert not isinstance(answer, str)
            status, body = answer
            data = json.dumps(body).encode()
            self.send_response(status)
            self._cors()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _respond
        do_POST = _respond

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    standin.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop
