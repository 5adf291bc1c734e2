"""A text's links in short: ``{APP_URL}/s/<code>`` instead of the click redirect.

An email's tracked link (``/t/c/<signed token>``) carries the message id and the target,
signed: well over a hundred characters, which in a text costs a segment or more (each one
billed). A short link is a random code instead, kept in ``ShortLink`` with the installation,
the message and the target: 10 characters of ``[A-Za-z0-9]`` (62**10, about 8.4e17 codes),
so someone guessing finds one of a hundred million live codes once in about 8e9 tries.

Written in bulk: ``texts_shortened`` takes the rendered texts of a chunk about to be handed
over and writes all their links' codes in one INSERT (the sender runs in autocommit, ADR
0014: the rows are committed before any text leaves, so a click as fast as the text finds
its code). A code that happens to exist already makes the unique index refuse the INSERT,
and the whole chunk draws new codes. A link written twice in one text is one code; a text
retried after a transient fault gets new codes (the old ones still lead to the same place).

Followed (``api.views.short_links``): ``short_link_target`` finds the code with its message
in the same installation (a row naming another shop's message resolves to nothing) and
refuses a code older than ``max_age`` (``SMS_SHORT_LINK_DAYS``); the click is recorded as the
click redirect records one (``tracking.link_click_record``: ``sms.clicked``, the same rules
for scanners and bots).
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.models import Message, ShortLink

CODE_LENGTH = 10
ALPHABET = string.ascii_letters + string.digits
SHORT_PATH = "/s/"  # api.views.short_links.short_link_redirect
_CODE = re.compile(rf"[A-Za-z0-9]{{{CODE_LENGTH}}}")
_TRIES = 5  # draws of a chunk's codes before a refused INSERT is taken for another fault

# An http(s) URL in a text, without the punctuation that ends a sentence after it.
URL = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)]")


class ShortLinkUnknown(PermanentError):
    code = "short_link_unknown"


class ShortLinkExpired(PermanentError):
    code = "short_link_expired"


_SPACE = len(ALPHABET) ** CODE_LENGTH
_UNBIASED = 2**64 // _SPACE * _SPACE  # 64 random bits below this map evenly onto the codes


def short_codes(count: int) -> list[str]:
    """``count`` new random codes from one read of the system's randomness (``secrets``:
    unguessable): 64 bits each, drawn again when above the largest multiple of 62**10 (one
    time in 22), so every code is as likely as any other."""
    codes: list[str] = []
    while len(codes) < count:
        raw = secrets.token_bytes(8 * (count - len(codes) + 2))
        for start in range(0, len(raw), 8):
            number = int.from_bytes(raw[start : start + 8], "big")
            if number >= _UNBIASED or len(codes) == count:
                continue
            chars = []
            for _ in range(CODE_LENGTH):
                number, digit = divmod(number, len(ALPHABET))
                chars.append(ALPHABET[digit])
            codes.append("".join(chars))
    return codes


def short_code() -> str:
    return short_codes(1)[0]


def short_url(app_url: str, code: str) -> str:
    return f"{app_url.rstrip('/')}{SHORT_PATH}{code}"


def links_counted(text: str, *, app_url: str) -> str:
    """``text`` as it goes out, for counting its segments: each link as long as its short
    link will be (the code's characters are all in GSM-7, as these are)."""
    return URL.sub(short_url(app_url, "0" * CODE_LENGTH), text)


def texts_shortened(
    texts: Sequence[tuple[Message, str]], *, app_url: str, now: datetime
) -> dict[int, str]:
    """Each message's rendered text with its links replaced by short links, by message id:
    the codes of every text written in one INSERT. Links already short (on this app's
    ``/s/``) stay as they are."""
    own = f"{app_url.rstrip('/')}{SHORT_PATH}"
    rows: list[ShortLink] = []
    codes: list[dict[str, ShortLink]] = []
    for message, text in texts:
        links: dict[str, ShortLink] = {}
        for match in URL.finditer(text):
            target = match[0]
            if target not in links and not target.startswith(own):
                links[target] = ShortLink(
                    installation_id=message.installation_id,
                    message_id=message.pk,
                    target=target,
                    created_at=now,
                )
        rows += links.values()
        codes.append(links)
    _rows_write(rows)
    return {
        message.pk: URL.sub(
            lambda match, links=links: (  # type: ignore[misc]
                short_url(app_url, links[match[0]].code) if match[0] in links else match[0]
            ),
            text,
        )
        for (message, text), links in zip(texts, codes, strict=True)
    }


def _rows_write(rows: list[ShortLink]) -> None:
    """One INSERT of ``rows``; new codes for all of them when one already exists."""
    if not rows:
        return
    for attempt in range(_TRIES):
        for row, code in zip(rows, short_codes(len(rows)), strict=True):
            row.code = code
        try:
            with transaction.atomic():
                ShortLink.objects.bulk_create(rows)
            return
        except IntegrityError:
            if attempt == _TRIES - 1:
                raise


def short_link_target(*, code: str, now: datetime, max_age: timedelta) -> tuple[int, str]:
    """The message and target of ``code``: ``ShortLinkUnknown`` for a code that is not ours
    (or whose row names a message of another installation), ``ShortLinkExpired`` for one
    written more than ``max_age`` ago."""
    if not _CODE.fullmatch(code):
        raise ShortLinkUnknown("No such link")
    found = (
        ShortLink.objects.filter(code=code, message__installation_id=F("installation_id"))
        .values_list("message_id", "target", "created_at")
        .first()
    )
    if found is None:
        raise ShortLinkUnknown("No such link")
    message_id, target, created_at = found
    if now - created_at > max_age:
        raise ShortLinkExpired("The link has expired")
    return message_id, target


PURGE_BATCH = 10_000


def short_links_purge(*, now: datetime, max_age: timedelta, batch: int = PURGE_BATCH) -> int:
    """Delete the codes older than ``max_age`` (they answer 404 already), oldest first, in
    batches of ``batch`` by id; how many went. Codes are written in id order as time goes,
    so the first younger code's id, found along the primary key, bounds the old ones: no
    scan of the table by date (a code written a moment late goes on the next night)."""
    cutoff = now - max_age
    old = ShortLink.objects.filter(created_at__lt=cutoff)
    bound = (
        ShortLink.objects.filter(created_at__gte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if bound is not None:
        old = old.filter(pk__lt=bound)
    deleted = 0
    while True:
        ids = list(old.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += ShortLink.objects.filter(pk__in=ids).delete()[0]
