"""A complete multipart/alternative email as bytes, built directly.

The standard library's ``email`` package (and Django's ``EmailMessage`` on top of it) spends
milliseconds per 25 KB message on its generic policy machinery; a marketing send builds one
message per recipient, so this module writes the one shape we send: RFC 5322 headers
(RFC 2047-encoded when not ASCII, refused when they carry line breaks, so no header
injection), and a text and an HTML part in UTF-8, quoted-printable (``binascii`` does the
encoding in C).
"""

from __future__ import annotations

import binascii
import hashlib
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, parseaddr


class HeaderInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Mail:
    headers: list[tuple[str, str]]
    text: str
    html: str

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def _ascii(value: str) -> bool:
    return value.isascii()


def encode_header(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInvalid("A header value must not contain line breaks")
    if _ascii(value):
        return value
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def encode_address(value: str) -> str:
    """``Name <address>`` with the display name encoded when it is not ASCII."""
    if "\r" in value or "\n" in value:
        raise HeaderInvalid("An address must not contain line breaks")
    name, address = parseaddr(value)
    if "@" not in address or " " in address:
        raise HeaderInvalid(f"Not an email address: {value!r}")
    return formataddr((name, address), charset="utf-8") if name else address


ADDRESS_HEADERS = {"from", "to", "reply-to", "cc"}


def _part(content_type: str, body: str) -> bytes:
    crlf = body.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    encoded = binascii.b2a_qp(crlf, istext=True, header=False)
    return (
        f"Content-Type: {content_type}; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii") + encoded


def mime_bytes(mail: Mail) -> bytes:
    # A boundary that cannot occur in the (quoted-printable) parts: derived from them.
    digest = hashlib.blake2b(
        (mail.text + mail.html).encode("utf-8", "surrogatepass"), digest_size=12
    ).hexdigest()
    boundary = f"=_m{digest}"
    lines = []
    for name, value in mail.headers:
        encoded = encode_address(value) if name.lower() in ADDRESS_HEADERS else encode_header(value)
        lines.append(f"{name}: {encoded}\r\n")
    lines.append("MIME-Version: 1.0\r\n")
    lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n')
    head = "".join(lines).encode("ascii")
    separator = f"\r\n--{boundary}\r\n".encode("ascii")
    return b"".join(
        [
            head,
            f"--{boundary}\r\n".encode("ascii"),
            _part("text/plain", mail.text),
            separator,
            _part("text/html", mail.html),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        ]
    )
