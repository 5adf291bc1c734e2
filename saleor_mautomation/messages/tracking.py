"""Open, click and unsubscribe tracking: links rewritten per recipient, hits recorded as events.

``tracked_html`` and ``is_machine`` are pure. ``open_record`` and ``click_record`` write: the
message's counters, an ``email.opened`` / ``email.clicked`` event on its contact, and the
contact's email figures (``engagement_email_refresh``), with the segments that read them.
``unsubscribe_record`` withdraws consent from a message's link and records
``email.unsubscribed`` (what segments' email "unsubscribed" condition reads).

Machine hits (privacy proxies that fetch every pixel, link scanners that follow every link)
are recorded as events with ``machine: true``, so they can be audited, but they do not count:
``Message.opens`` / ``Message.clicks`` and the contact's figures count human hits only.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from html import unescape
from typing import Literal
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.db.models import F

from saleor_mautomation.contacts.channel_preference import SMS_CLICKED, preference_refresh
from saleor_mautomation.contacts.consent import Evidence, consent_withdraw
from saleor_mautomation.contacts.engagement import EMAIL_CLICKED, EMAIL_OPENED
from saleor_mautomation.contacts.figures import engagement_email_refresh
from saleor_mautomation.contacts.models import Contact, EmailConsent
from saleor_mautomation.contacts.send_times import contact_send_time_refresh
from saleor_mautomation.events.services import event_record
from saleor_mautomation.messages import tokens
from saleor_mautomation.messages.funnel import message_reached
from saleor_mautomation.messages.models import Message

# -- rewriting ----------------------------------------------------------------------------------

# The quoted href of an <a> or <area> tag (never <link>: MJML loads its web fonts with one).
_LINK = re.compile(r"""(<a(?:rea)?\b[^>]*?\s)href\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def _with_utm(url: str, utm: list[tuple[str, str]], encoded: str) -> str:
    """``url`` with the UTM parameters it does not have yet (``encoded``: all of them, in
    query form), before its fragment."""
    base, hashmark, fragment = url.partition("#")
    path, _, query = base.partition("?")
    if not query:
        return f"{path}?{encoded}{hashmark}{fragment}"
    if "utm_" in query:
        present = {key for key, _ in parse_qsl(query, keep_blank_values=True)}
        encoded = urlencode([(key, value) for key, value in utm if key not in present])
        if not encoded:
            return url
    return f"{path}?{query}&{encoded}{hashmark}{fragment}"


def _same_origin(url: str, origin: str) -> bool:
    """Whether ``url`` is on ``origin`` (lower-cased ``scheme://host[:port]``)."""
    size = len(origin)
    return bool(origin) and url[:size].lower() == origin and url[size : size + 1] in "/?#"


# How many distinct hrefs a campaign's ``_Links`` remembers before it starts afresh (each
# recipient adds a few of its own: unsubscribe and preference links, a checkout link).
_TARGETS_KEPT = 512


CLICK_PATH = "/t/c/"  # api.views.tracking.click_redirect


def click_url(*, app_url: str, message_id: int, url: str) -> str:
    """The app's redirect to ``url`` that records a click on the message first (a link of a
    push notification; an email's links are rewritten by ``tracked_html``)."""
    return f"{app_url.rstrip('/')}{CLICK_PATH}{tokens.click_token(message_id, url)}"


class _Links:
    """What tracking does to each href, for one campaign's settings (app, shop, UTM, links
    left alone): worked out once per distinct href, then looked up for every recipient.
    Only the signing, which binds the message id, is left to do per recipient."""

    def __init__(
        self,
        app_url: str,
        origin: str,
        utm: tuple[tuple[str, str], ...],
        skip_prefixes: tuple[str, ...],
    ) -> None:
        self.click_prefix = f"{app_url}{CLICK_PATH}"
        self.origin = origin
        self.utm_pairs = [(key, value) for key, value in utm if value]
        self.utm_encoded = urlencode(self.utm_pairs)
        self.skip_prefixes = skip_prefixes
        self.targets: dict[str, str | None] = {}

    def target(self, raw: str) -> str | None:
        """The URL a click on the href ``raw`` (as written in the HTML) is to reach, with
        the UTM parameters of a shop link; ``None`` for a link left as it is."""
        try:
            return self.targets[raw]
        except KeyError:
            pass
        if len(self.targets) >= _TARGETS_KEPT:
            self.targets.clear()
        target = self.targets[raw] = self._target(raw)
        return target

    def _target(self, raw: str) -> str | None:
        url = (unescape(raw) if "&" in raw else raw).strip()
        if not url[:8].lower().startswith(("https://", "http://")):
            return None
        if url.startswith(self.skip_prefixes) or url.startswith(self.click_prefix):
            return None
        if self.utm_pairs and _same_origin(url, self.origin):
            return _with_utm(url, self.utm_pairs, self.utm_encoded)
        return url


@functools.lru_cache(maxsize=32)
def _links(
    app_url: str,
    origin: str,
    utm: tuple[tuple[str, str], ...],
    skip_prefixes: tuple[str, ...],
) -> _Links:
    return _Links(app_url, origin, utm, skip_prefixes)


def tracked_html(
    html: str,
    *,
    message_id: int,
    app_url: str,
    shop_origin: str,
    utm: dict[str, str],
    skip_prefixes: tuple[str, ...],
) -> str:
    """The rendered HTML of one recipient's message with its links tracked and an open pixel.

    Every quoted ``href`` of an ``<a>``/``<area>`` to an http(s) URL becomes
    ``{app_url}/t/c/<token>``, except URLs starting with one of ``skip_prefixes`` (the
    unsubscribe and preference links: they must work without a detour and are not clicks)
    and links already tracked; mailto:, tel: and # links are left alone. Links to the shop
    (``shop_origin``: scheme and host, e.g. ``https://shop.example``) first get the ``utm``
    parameters (keys are the parameter names, e.g. ``utm_source``), never replacing one the
    URL already has. The 1x1 pixel goes just before ``</body>`` (or at the end).

    It runs once per recipient: one regex pass over the HTML, each href's target looked up
    (``_Links``), one signature per distinct target.
    """
    app_url = app_url.rstrip("/")
    links = _links(app_url, shop_origin.rstrip("/").lower(), tuple(utm.items()), skip_prefixes)
    parts, done = _tracked_links(html, links, tokens.click_signer(message_id))
    pixel = (
        f'<img src="{app_url}/t/o/{tokens.open_token(message_id)}" width="1" height="1" '
        'alt="" style="display:block;border:0">'
    )
    end = html.rfind("</body>")
    if end >= done:  # after the last tracked link: the HTML is the same from there on
        parts += (html[done:end], pixel, html[end:])
        return "".join(parts)
    parts.append(html[done:])
    return _with_pixel("".join(parts), pixel)


def _tracked_links(html: str, links: _Links, sign: Callable[[str], str]) -> tuple[list[str], int]:
    """``html`` up to its last tracked link, in pieces with the links rewritten, and where
    that link ends (0 without one). A target linked twice is signed once."""
    signed: dict[str, str] = {}
    parts: list[str] = []
    done = 0
    for match in _LINK.finditer(html):
        target = links.target(match[2] if match[2] is not None else match[3])
        if target is None:
            continue
        token = signed.get(target)
        if token is None:
            token = signed[target] = sign(target)
        parts += (html[done : match.start()], match[1], 'href="', links.click_prefix, token, '"')
        done = match.end()
    return parts, done


def _with_pixel(body: str, pixel: str) -> str:
    """``body`` with ``pixel`` before its last ``</body>``, or at its end."""
    end = body.rfind("</body>")
    if end < 0:
        ends = list(_BODY_END.finditer(body))
        end = ends[-1].start() if ends else len(body)
    return body[:end] + pixel + body[end:]


# -- machine hits -------------------------------------------------------------------------------

# Opens: fetch the pixel without a person opening the message. Yahoo's proxy caches a
# message's images when it arrives; Gmail prefetches (while a Gmail session is open, before
# the message is shown) with this exact, odd user agent. Gmail's image proxy
# ("GoogleImageProxy") fetches when the person opens the message: a human open, not listed.
# Apple Mail Privacy Protection's proxy sends a bare "Mozilla/5.0" (see ``is_machine``).
_OPEN_PROXY = "yahoomailproxy"
_GMAIL_PREFETCH = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/42.0.2311.135 Safari/537.36 Edge/12.246 Mozilla/5.0"
)
# Opens and clicks: software that fetches links and images to scan or index them, never a
# person reading: crawlers ("...bot", "spider", "crawler"; not the "CUBOT" phone brand), the
# mail security gateways that pre-click links (Barracuda, Mimecast, Proofpoint), HTTP
# libraries, and headless browsers (sandbox detonation).
_SCANNERS = re.compile(
    r"(?<!cu)bot\b|spider|crawler|barracuda|mimecast|proofpoint|"
    r"python-requests|python-urllib|aiohttp|go-http-client|okhttp|\bjava/|\bcurl/|\bwget/|"
    r"headlesschrome|phantomjs",
    re.IGNORECASE,
)
# Clicks only: Office's link probes ("Microsoft Office Existence Discovery", "ms-office",
# "Microsoft Office/16.0 (... Microsoft Outlook ...)") check a link before the browser opens
# it, so the person's click arrives again, with the browser's agent; mail image proxies
# asked for a link are previews. (Outlook fetches images with those Office agents when a
# person opens the message: for opens they are human.)
_CLICK_PROBES = re.compile(
    r"microsoft office|ms-office|microsoft outlook|googleimageproxy|yahoomailproxy",
    re.IGNORECASE,
)
EMAIL_UNSUBSCRIBED = "email.unsubscribed"
# A person does not open or click within 2 seconds of the message leaving us; a gateway does.
MIN_HUMAN_SECONDS = 2.0


def is_machine(
    *, kind: Literal["open", "click"], user_agent: str, seconds_since_sent: float | None
) -> bool:
    """Whether an open or click was made by software rather than a person (heuristics).

    - any hit less than 2 seconds after sending (a negative delay too: the gateway was faster
      than our status update);
    - an empty user agent, or exactly ``Mozilla/5.0`` (Apple Mail Privacy Protection's proxy
      sends no details; no browser or mail client sends that alone);
    - crawlers, mail security scanners, HTTP libraries, headless browsers;
    - opens: Yahoo's caching proxy, Gmail's prefetch agent (not Gmail's image proxy);
    - clicks: Office's link probes and mail image proxies.
    """
    if seconds_since_sent is not None and seconds_since_sent < MIN_HUMAN_SECONDS:
        return True
    agent = user_agent.strip()
    if agent in ("", "Mozilla/5.0") or _SCANNERS.search(agent):
        return True
    if kind == "open":
        return agent == _GMAIL_PREFETCH or _OPEN_PROXY in agent.lower()
    return _CLICK_PROBES.search(agent) is not None


# -- recording ----------------------------------------------------------------------------------


PUSH_CLICKED = "push.clicked"
CLICKED = {"email": EMAIL_CLICKED, "push": PUSH_CLICKED, "sms": SMS_CLICKED}


def _hit_record(
    *,
    message_id: int,
    kind: Literal["open", "click"],
    url: str | None,
    user_agent: str,
    now: datetime,
) -> None:
    """One hit on one message: the event always (machine or not), counters and figures only
    for a human. A message that is gone, or whose contact was erased, records nothing."""
    with transaction.atomic():
        # The message row, then its contact: the order the ESP webhooks (messages.esp) lock
        # them in, so a pixel and a webhook about one message never deadlock.
        message = (
            Message.objects.select_for_update()
            .filter(pk=message_id)
            .only("installation_id", "contact_id", "sent_at", "channel")
            .first()
        )
        if message is None or message.contact_id is None:
            return
        contact = Contact.objects.select_for_update().filter(pk=message.contact_id).first()
        if contact is None:
            return
        since = (now - message.sent_at).total_seconds() if message.sent_at else None
        machine = is_machine(kind=kind, user_agent=user_agent, seconds_since_sent=since)
        properties: dict[str, object] = {"message_id": message_id, "machine": machine}
        if url is not None:
            properties["url"] = url
        # Only emails have an open pixel; a push notification's or SMS's click is a
        # ``push.clicked`` or ``sms.clicked``.
        event_type = EMAIL_OPENED if kind == "open" else CLICKED.get(message.channel, EMAIL_CLICKED)
        event_record(
            installation_id=message.installation_id,
            contact_id=contact.pk,
            type=event_type,
            occurred_at=now,
            source="tracking",
            # Every hit is its own event: a second open is a second open.
            dedupe_key=f"{event_type}:{message_id}:{uuid.uuid4().hex}",
            properties=properties,
        )
        if machine:
            return  # counts and figures read human hits only: nothing of them changes
        counter = "opens" if kind == "open" else "clicks"
        Message.objects.filter(pk=message_id).update(**{counter: F(counter) + 1})
        message_reached(
            message_id=message_id, metric="opened" if kind == "open" else "clicked", at=now
        )
        if event_type in (EMAIL_OPENED, EMAIL_CLICKED):
            engagement_email_refresh(contact=contact, now=now)
        contact_send_time_refresh(contact=contact, now=now)  # its hour-of-week profile
        preference_refresh(contact=contact, now=now)


def open_record(*, token: str, user_agent: str, now: datetime) -> None:
    """The pixel was fetched. ``tokens.TrackingTokenInvalid`` for a token that is not ours."""
    message_id = tokens.open_from_token(token)
    _hit_record(message_id=message_id, kind="open", url=None, user_agent=user_agent, now=now)


def click_record(*, token: str, user_agent: str, now: datetime) -> str:
    """A tracked link was followed: records it and returns the URL to redirect to (the
    signed one, whatever happened to the message). ``tokens.TrackingTokenInvalid`` for a
    token that is not ours: never redirect then."""
    click = tokens.click_from_token(token)
    _hit_record(
        message_id=click.message_id, kind="click", url=click.url, user_agent=user_agent, now=now
    )
    return click.url


def link_click_record(*, message_id: int, url: str, user_agent: str, now: datetime) -> None:
    """A link whose message and target the app looked up itself was followed (a text's short
    link, ``short_links``): recorded as ``click_record`` records a signed one."""
    _hit_record(message_id=message_id, kind="click", url=url, user_agent=user_agent, now=now)


def unsubscribe_record(
    *, contact: Contact, evidence: Evidence, now: datetime, message_token: str = ""
) -> Contact:
    """Unsubscribed through a link of a message (RFC 8058 one-click, the unsubscribe page,
    the preference centre): consent withdrawn at once, and an ``email.unsubscribed`` event
    when it was not withdrawn already (a repeated POST records nothing more).

    ``message_token`` (the link's signed message id, ``funnel.with_message_links``) names the
    message the link came in: the unsubscribe counts against it, if it was the contact's."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.email_consent == EmailConsent.WITHDRAWN:
            return contact
        message_id = _message_of(contact, message_token)
        if message_id is not None:
            message_reached(message_id=message_id, metric="unsubscribed", at=now)
        contact = consent_withdraw(contact=contact, evidence=evidence, now=now)
        event_record(
            installation_id=contact.installation_id,
            contact_id=contact.pk,
            type=EMAIL_UNSUBSCRIBED,
            occurred_at=now,
            source="tracking",
            dedupe_key=f"{EMAIL_UNSUBSCRIBED}:{contact.pk}:{uuid.uuid4().hex}",
            properties={"via": evidence.source}
            | ({"message_id": message_id} if message_id is not None else {}),
        )
    return contact


def _message_of(contact: Contact, token: str) -> int | None:
    """The contact's message a link's token names; None for no token, a token that is not
    ours, or another person's message."""
    if not token:
        return None
    try:
        message_id = tokens.open_from_token(token)
    except tokens.TrackingTokenInvalid:
        return None
    return message_id if Message.objects.filter(pk=message_id, contact=contact).exists() else None
