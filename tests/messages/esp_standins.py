"""Stand-ins for three ESPs' send APIs on a free loopback port: Postmark (``/email`` and
``/email/batch``), Mailjet's Send API v3.1 (``/v3.1/send``) and Resend (``/emails`` and
``/emails/batch``), each checking what the ESP checks (its credentials, its limit of messages
per call, the fields a message needs, its recipients) and answering in the ESP's shapes,
including a batch where some messages are refused.

Each records every request; ``inactive`` addresses are refused as the ESP refuses a suppressed
recipient, ``invalid`` ones as it refuses an address it cannot parse. ``fail_next`` queues
whole answers (``(status, json)``, ``"drop"``: close without answering, ``"hold"``: keep the
request and answer nothing until ``release``); ``hold_at`` holds one request by its number.
Also runs as a process of its own (``python -m tests.messages.esp_standins postmark PORT``)
for the benchmark.
"""

from __future__ import annotations

import base64
import itertools
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, Any]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class StandInEsp:
    """What the three share: the requests, the recipients' fates, queued faults."""

    inactive: set[str] = field(default_factory=set)
    invalid: set[str] = field(default_factory=set)
    faults: list[Answer | str] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    delay: float = 0.0  # seconds before each answer (a real API is tens of ms away)
    count_only: bool = False  # keep no bodies (the benchmark's many requests)
    hold_at: int = 0  # the request of this number (from 1) is kept and never answered
    _released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    recipients: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def fail_next(self, *faults: Answer | str) -> None:
        self.faults.extend(faults)

    def release(self) -> None:
        self._released.set()

    def to_path(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def took(self, address: str) -> None:
        with self._lock:
            self.recipients.append(address)

    def handle(self, received: Received) -> Answer | str:
        with self._lock:
            self.requests.append(
                received if not self.count_only else Received(received.path, {}, None)
            )
            fault = self.faults.pop(0) if self.faults else None
            if len(self.requests) == self.hold_at:
                fault = "hold"
        if fault is not None:
            return fault
        return self.answer(received)

    def answer(self, received: Received) -> Answer:
        raise NotImplementedError


def _domain_ok(address: str) -> bool:
    return "@" in address and "." in address.rsplit("@", 1)[1]


@dataclass
class StandInPostmark(StandInEsp):
    token: str = "pm-token"

    def answer(self, received: Received) -> Answer:
        if received.headers.get("x-postmark-server-token") != self.token:
            return 401, {
                "ErrorCode": 10,
                "Message": "The Server Token you provided in the X-Postmark-Server-Token "
                "request header was invalid.",
            }
        if received.path == "/email":
            return 200, self._one(received.body)
        if received.path != "/email/batch":
            return 404, {"ErrorCode": 404, "Message": "Not found"}
        if not isinstance(received.body, list):
            return 422, {"ErrorCode": 402, "Message": "Received invalid JSON input."}
        if len(received.body) > 500:
            return 422, {"ErrorCode": 410, "Message": "Too many batch messages (500 at most)."}
        return 200, [self._one(message) for message in received.body]

    def _one(self, message: dict[str, Any]) -> dict[str, Any]:
        to = str(message.get("To", ""))
        if not message.get("From"):
            return {"ErrorCode": 300, "Message": "Invalid 'From' address: ''."}
        if not _domain_ok(to) or to in self.invalid:
            domain = to.rsplit("@", 1)[-1]
            return {
                "ErrorCode": 300,
                "Message": f"Error parsing 'To': Illegal email domain '{domain}' in address "
                f"'{to}'.",
            }
        if not (message.get("HtmlBody") or message.get("TextBody")):
            return {
                "ErrorCode": 300,
                "Message": "Provide either email TextBody or HtmlBody or both.",
            }
        if to in self.inactive:
            return {
                "ErrorCode": 406,
                "Message": "You tried to send to recipient(s) that have been marked as "
                f"inactive. Found inactive addresses: {to}. Inactive recipients are ones that "
                "have generated a hard bounce, a spam complaint, or a manual suppression.",
            }
        self.took(to)
        return {
            "ErrorCode": 0,
            "Message": "OK",
            "MessageID": str(uuid.UUID(int=self.next_id())),
            "SubmittedAt": "2026-06-15T12:00:00.0000000Z",
            "To": to,
        }


@dataclass
class StandInMailjet(StandInEsp):
    key: str = "mj-key"
    secret: str = "mj-secret"

    def answer(self, received: Received) -> Answer:
        expected = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        if received.headers.get("authorization") != f"Basic {expected}":
            return 401, {
                "ErrorIdentifier": str(uuid.uuid4()),
                "StatusCode": 401,
                "ErrorMessage": "API key authentication/authorization failure. You may be "
                "unauthorized to access the API or your API key may be expired.",
            }
        if received.path != "/v3.1/send":
            return 404, {"ErrorMessage": "Not found", "StatusCode": 404}
        messages = received.body.get("Messages") if isinstance(received.body, dict) else None
        if not isinstance(messages, list) or not 0 < len(messages) <= 50:
            return 400, {
                "ErrorIdentifier": str(uuid.uuid4()),
                "ErrorCode": "send-0001",
                "StatusCode": 400,
                "ErrorMessage": "Messages must hold between 1 and 50 messages.",
            }
        results = [self._one(message) for message in messages]
        failed = any(result["Status"] == "error" for result in results)
        return (400 if failed else 200), {"Messages": results}

    def _one(self, message: dict[str, Any]) -> dict[str, Any]:
        to = [str(r.get("Email", "")) for r in message.get("To") or []]
        error = None
        if not (message.get("From") or {}).get("Email"):
            error = ("send-0003", 'At least "From" must be provided.', ["From"])
        elif not to or not all(_domain_ok(a) and a not in self.invalid for a in to):
            bad = next((a for a in to if not _domain_ok(a) or a in self.invalid), "")
            error = ("mj-0013", f'"{bad}" is an invalid email address.', ["To[0].Email"])
        elif not (message.get("HTMLPart") or message.get("TextPart")):
            error = ("send-0003", 'At least "HTMLPart" or "TextPart" must be provided.', [])
        if error is not None:
            code, text, related = error
            return {
                "Status": "error",
                "Errors": [
                    {
                        "ErrorIdentifier": str(uuid.uuid4()),
                        "ErrorCode": code,
                        "StatusCode": 400,
                        "ErrorMessage": text,
                        "ErrorRelatedTo": related,
                    }
                ],
            }
        recipients = []
        for address in to:
            self.took(address)
            number = 288230376151711744 + self.next_id()
            recipients.append(
                {
                    "Email": address,
                    "MessageUUID": str(uuid.UUID(int=number)),
                    "MessageID": number,
                    "MessageHref": f"https://api.mailjet.com/v3/REST/message/{number}",
                }
            )
        return {"Status": "success", "CustomID": "", "To": recipients, "Cc": [], "Bcc": []}


@dataclass
class StandInResend(StandInEsp):
    key: str = "re_key"

    def answer(self, received: Received) -> Answer:
        if received.headers.get("authorization") != f"Bearer {self.key}":
            return 403, {
                "statusCode": 403,
                "message": "API key is invalid",
                "name": "invalid_api_key",
            }
        if received.path == "/emails":
            error = self._invalid(received.body)
            if error:
                return 422, {"statusCode": 422, "message": error, "name": "validation_error"}
            return 200, {"id": self._created(received.body)}
        if received.path != "/emails/batch":
            return 404, {"statusCode": 404, "message": "Not found", "name": "not_found"}
        if not isinstance(received.body, list) or not 0 < len(received.body) <= 100:
            return 422, {
                "statusCode": 422,
                "message": "The batch must hold between 1 and 100 emails.",
                "name": "validation_error",
            }
        errors = [
            {"index": index, "message": error}
            for index, email in enumerate(received.body)
            if (error := self._invalid(email, batch=True))
        ]
        permissive = received.headers.get("x-batch-validation") == "permissive"
        if errors and not permissive:
            return 422, {
                "statusCode": 422,
                "message": errors[0]["message"],
                "name": "validation_error",
            }
        refused = {error["index"] for error in errors}
        data = [
            {"id": self._created(email)}
            for index, email in enumerate(received.body)
            if index not in refused
        ]
        return 200, ({"data": data, "errors": errors} if permissive else {"data": data})

    def _invalid(self, email: Any, *, batch: bool = False) -> str:
        if not isinstance(email, dict) or not email.get("from"):
            return "Missing `from` field."
        to = email.get("to") or []
        if not to or not all(_domain_ok(a) and a not in self.invalid for a in to):
            return (
                "Invalid `to` field. The email address needs to follow the "
                "`email@example.com` or `Name <email@example.com>` format."
            )
        if batch and "attachments" in email:
            return "Attachments are not supported in batch emails."
        if not (email.get("html") or email.get("text")):
            return "Missing `html` or `text` field."
        return ""

    def _created(self, email: dict[str, Any]) -> str:
        for address in email["to"]:
            self.took(address)
        return str(uuid.UUID(int=(1 << 100) + self.next_id()))


def serve(esp: StandInEsp) -> Callable[[], None]:
    """Start the stand-in in a thread; returns the function that stops it."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = esp.handle(Received(self.path, headers, body))
            if answer == "hold":
                esp._released.wait(120)
                return
            if esp.delay:
                time.sleep(esp.delay)
            if answer == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            assert not isinstance(answer, str)
            status, payload = answer
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", esp.port), Handler)
    server.daemon_threads = True
    esp.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        esp.release()
        server.shutdown()
        server.server_close()

    return stop


KINDS: dict[str, type[StandInEsp]] = {
    "postmark": StandInPostmark,
    "mailjet": StandInMailjet,
    "resend": StandInResend,
}


def main() -> None:
    """``KIND PORT [DELAY_MS]``: serve until stdin closes, then print the counts as JSON."""
    kind, port = sys.argv[1], int(sys.argv[2])
    esp = KINDS[kind](port=port, count_only=True)
    esp.delay = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.0
    stop = serve(esp)
    print("ready", flush=True)
    sys.stdin.read()
    stop()
    print(json.dumps({"requests": len(esp.requests), "recipients": esp.recipients}), flush=True)


if __name__ == "__main__":
    main()
