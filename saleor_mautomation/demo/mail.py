"""The demo's mail catcher: an SMTP server on loopback that keeps what the app sends.

The demo points the app's ``EMAIL_URL`` at it (``smtp://127.0.0.1:DEMO_SMTP_PORT``), so mail
leaves the app over real SMTP exactly as it does in production; nothing in the sending path
knows it is a demo. Each message accepted is kept in ``directory`` (``DEMO_DIR/mail/``) as
``<id>.eml``, written to a temporary file and renamed, so a reader never sees half a message,
with a row in ``index.sqlite3`` (ids increase and are never reused; the newest ``keep``
messages are kept, older ones deleted with their files). SQLite rather than a JSON-lines
index: the mail page, in the web process, pages and searches it while the catcher writes.

The origin of a message (its journey, and whether the run is a broadcast's) is in no header:
the app's ``Message-ID`` (``<m<outbox id>.<digest>@host>``) names its outbox row, which the
mail page reads (``mail_origins``).
"""

from __future__ import annotations

import contextlib
import email
import logging
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings

from saleor_mautomation.messages import models

logger = logging.getLogger(__name__)

INDEX = "index.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS mail (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    envelope_from TEXT NOT NULL,
    recipients TEXT NOT NULL,
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    size INTEGER NOT NULL
)
"""
SELECTED = "SELECT id, received_at, envelope_from, recipients, sender, subject, message_id, size"
MATCHING = "FROM mail WHERE recipients LIKE ? ESCAPE '\\'"  # '%' matches every row
COUNT = f"SELECT count(*) {MATCHING}"
LISTED = f"{SELECTED} {MATCHING} ORDER BY id DESC LIMIT ? OFFSET ?"
ONE = f"{SELECTED} FROM mail WHERE id = ?"


@dataclass(frozen=True)
class CaughtMail:
    """One index row: ``recipients`` are the envelope's (who the message went to)."""

    id: int
    received_at: datetime
    envelope_from: str
    recipients: list[str]
    sender: str
    subject: str
    message_id: str
    size: int


@dataclass(frozen=True)
class MailPage:
    mails: list[CaughtMail]
    total: int


@dataclass(frozen=True)
class MailOrigin:
    journey: str
    broadcast: bool


def _row(row: tuple[Any, ...]) -> CaughtMail:
    id_, received_at, envelope_from, recipients, sender, subject, message_id, size = row
    return CaughtMail(
        id=id_,
        received_at=datetime.fromisoformat(received_at),
        envelope_from=envelope_from,
        recipients=recipients.split("\n") if recipients else [],
        sender=sender,
        subject=subject,
        message_id=message_id,
        size=size,
    )


def _header(message: Message, name: str) -> str:
    """A header's decoded value ("" when absent or too broken to decode)."""
    try:
        value = message[name]
    except (ValueError, IndexError, TypeError):  # the email package's parse faults
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def parse(content: bytes) -> EmailMessage:
    message = email.message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


class MailStore:
    """The kept messages of one directory; safe to use from several processes (SQLite's WAL)
    and threads (one connection, used under a lock) at once."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The store's connection, opened once: a connection per message cost the catcher a
        WAL checkpoint at each close (about 25 ms a message, 35 messages a second)."""
        with self._lock:
            if self._connection is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(
                    self.directory / INDEX,
                    timeout=30,
                    isolation_level=None,
                    check_same_thread=False,
                )
                connection.execute("PRAGMA journal_mode=WAL")
                # A commit survives a crash of the process, not of the machine: the demo's
                # mail is worth no sync per message.
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute(SCHEMA)
                self._connection = connection
            yield self._connection

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def path(self, mail_id: int) -> Path:
        return self.directory / f"{mail_id}.eml"

    def add(
        self,
        *,
        envelope_from: str,
        recipients: list[str],
        content: bytes,
        received_at: datetime,
        keep: int,
    ) -> int:
        """Keep one message; returns its id. The index row and the file appear together (the
        row commits after the file is in place); beyond ``keep``, the oldest go."""
        headers = BytesHeaderParser(policy=policy.default).parsebytes(content)
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            with self._connect() as connection:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    cursor = connection.execute(
                        "INSERT INTO mail (received_at, envelope_from, recipients, sender,"
                        " subject, message_id, size) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            received_at.astimezone(UTC).isoformat(),
                            envelope_from,
                            "\n".join(recipients),
                            _header(headers, "From"),
                            _header(headers, "Subject"),
                            _header(headers, "Message-ID"),
                            len(content),
                        ),
                    )
                    mail_id = int(cursor.lastrowid or 0)
                    os.replace(temporary, self.path(mail_id))
                    dropped = [
                        int(old)
                        for (old,) in connection.execute(
                            "SELECT id FROM mail ORDER BY id DESC LIMIT -1 OFFSET ?", (keep,)
                        )
                    ]
                    connection.executemany("DELETE FROM mail WHERE id = ?", [(d,) for d in dropped])
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
        finally:
            Path(temporary).unlink(missing_ok=True)  # gone already once renamed
        for old in dropped:
            self.path(old).unlink(missing_ok=True)
        return mail_id

    def page(self, *, recipient: str = "", number: int = 1, size: int = 50) -> MailPage:
        """Newest first; ``recipient``: part of an envelope recipient's address (any case)."""
        escaped = recipient.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        with self._connect() as connection:
            (total,) = connection.execute(COUNT, (pattern,)).fetchone()
            rows = connection.execute(
                LISTED, (pattern, size, (max(number, 1) - 1) * size)
            ).fetchall()
        return MailPage(mails=[_row(row) for row in rows], total=int(total))

    def get(self, mail_id: int) -> CaughtMail | None:
        with self._connect() as connection:
            row = connection.execute(ONE, (mail_id,)).fetchone()
        return _row(row) if row else None

    def content(self, mail_id: int) -> bytes | None:
        """The message as received, or None (unknown, or dropped since it was listed)."""
        if self.get(mail_id) is None:
            return None
        try:
            return self.path(mail_id).read_bytes()
        except FileNotFoundError:
            return None

    def sweep(self) -> None:
        """Temporary files of a catcher that stopped mid-write."""
        for leftover in self.directory.glob("*.tmp"):
            leftover.unlink(missing_ok=True)


class _Catcher:
    """aiosmtpd's handler: every recipient accepted, every message kept."""

    def __init__(self, store: MailStore, keep: int) -> None:
        self.store, self.keep = store, keep

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        try:
            self.store.add(
                envelope_from=str(envelope.mail_from or ""),
                recipients=[str(address) for address in envelope.rcpt_tos],
                content=content if isinstance(content, bytes) else content.encode(),
                received_at=datetime.now(tz=UTC),
                keep=self.keep,
            )
        except (OSError, sqlite3.Error):
            # Transient for the sender: the app's SMTP path retries a 4xx later.
            logger.exception("The mail catcher could not keep a message")
            return "451 Requested action aborted: local error in processing"
        return "250 Message accepted"


def start_catcher(
    *, host: str, port: int, directory: Path, keep: int | None = None
) -> Callable[[], None]:
    """Listen on ``host:port`` in a thread; returns the function that stops it. ``keep``:
    how many messages to keep (default ``DEMO_MAIL_KEEP``)."""
    store = MailStore(directory)
    store.directory.mkdir(parents=True, exist_ok=True)
    store.sweep()
    handler = _Catcher(store, settings.DEMO_MAIL_KEEP if keep is None else keep)
    controller = Controller(handler, hostname=host, port=port, server_hostname="mail.demo")
    controller.start()

    def stop() -> None:
        controller.stop()
        store.close()

    return stop


MESSAGE_ID = re.compile(r"<m(\d+)\.[0-9a-f]{16}@[^>]+>")


def mail_origins(message_ids: list[str]) -> dict[str, MailOrigin]:
    """The journey each caught message came from, by its ``Message-ID``: the app names its
    outbox row there; the row's own ``message_id`` must match (a database reset since)."""
    pks = {int(m.group(1)): value for value in message_ids if (m := MESSAGE_ID.fullmatch(value))}
    rows = models.Message.objects.filter(pk__in=pks, journey__isnull=False).values_list(
        "pk", "message_id", "journey__name", "broadcast"
    )
    return {
        message_id: MailOrigin(journey=name, broadcast=broadcast)
        for pk, message_id, name, broadcast in rows
        if pks.get(pk) == message_id
    }
