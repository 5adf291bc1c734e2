"""The channels a message goes out on, each declared once.

A channel says how a contact's address is found (and so whether the contact can be reached at
all), which of the contact's consents governs its marketing, whether a send follows the
contact's address as it is at send time, and how its transport is opened for one
installation. The outbox (``outbox.py``) and the sender (``sending.py``) look channels up here
instead of each keeping an if-chain whose last branch was email: a channel that is not declared
(a row written by hand, a template of a channel since removed) is ``UnknownChannel``, a
permanent error, never quietly an email. ``_declared`` matches every member of
``Template.Channel`` and ends in ``assert_never``, so a new member without a declaration fails
the type check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Protocol, assert_never

from saleor_mautomation.contacts.models import Contact, PushSubscription
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.providers import (
    Accepted,
    EmailSender,
    PoolDefaults,
    provider_for,
)
from saleor_mautomation.messages.push import push_sender_for, vapid_subject_default
from saleor_mautomation.messages.sms import sms_sender_for

Channel = Template.Channel


class UnknownChannel(PermanentError):
    code = "unknown_channel"


class Sender(Protocol):
    """A channel's transport for one installation, open for one batch."""

    interval: float  # seconds to leave between two hand-overs (the provider's throttle)

    def hand_over(self, message: Message, context: dict[str, Any], now: datetime) -> Accepted:
        """Render and hand the message over. Raises ``Refused`` (for good),
        ``RetryableError`` (later) or ``OutcomeUnknown`` (it may have gone)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Opening:
    """What opening any channel's transport needs besides the installation: one batch's
    settings. ``twilio_http_client`` replaces the HTTP client of Twilio's SDK (tests point
    it at a stand-in of Twilio's API)."""

    app_url: str
    default_from: str
    allow_private: bool
    now: datetime
    twilio_http_client: Any = None
    per_connection: int = 100  # messages handed over on one email connection (then a new one)
    pool: PoolDefaults = field(default_factory=PoolDefaults)  # the deployment's email pool


@dataclass(frozen=True)
class ChannelSpec:
    channel: Channel
    consent_field: str  # the contact's field holding its marketing consent on this channel
    address: Callable[[Contact], str | None]  # where a message goes now; None: nowhere
    no_address: str  # why a contact without an address cannot get a message
    follows_contact: bool  # sent to the contact's address as it is at send time
    open_sender: Callable[[int, Opening], Sender]

    def unreachable(self, contact: Contact) -> str:
        """Why the contact cannot get a message of this channel at all ("" if it can)."""
        return "" if self.address(contact) is not None else self.no_address


def _email_address(contact: Contact) -> str | None:
    return contact.email or None


def _phone(contact: Contact) -> str | None:
    """The number in E.164: the consent belongs to it, so an SMS follows it."""
    return contact.phone or None


def _browsers(contact: Contact) -> str | None:
    """``push:<contact id>``: the message goes to every active subscription of the contact."""
    active = PushSubscription.objects.filter(contact=contact, expired_at__isnull=True).exists()
    return f"push:{contact.pk}" if active else None


def _email_sender(installation_id: int, opening: Opening) -> Sender:
    return EmailSender(
        provider_for(installation_id, allow_private=opening.allow_private, defaults=opening.pool),
        installation_id=installation_id,
        app_url=opening.app_url,
        default_from=opening.default_from,
        per_connection=opening.per_connection,
        allow_private=opening.allow_private,
        defaults=opening.pool,
    )


def _sms_sender(installation_id: int, opening: Opening) -> Sender:
    return sms_sender_for(
        installation_id, app_url=opening.app_url, http_client=opening.twilio_http_client
    )


def _push_sender(installation_id: int, opening: Opening) -> Sender:
    return push_sender_for(
        installation_id,
        subject=vapid_subject_default(opening.app_url, opening.default_from),
        allow_private=opening.allow_private,
        app_url=opening.app_url,
        now=opening.now,
    )


def _declared(channel: Channel) -> ChannelSpec:
    match channel:
        case Channel.EMAIL:
            return ChannelSpec(
                channel=channel,
                consent_field="email_consent",
                address=_email_address,
                no_address="the contact has no email address",
                follows_contact=False,
                open_sender=_email_sender,
            )
        case Channel.SMS:
            return ChannelSpec(
                channel=channel,
                consent_field="sms_consent",
                address=_phone,
                no_address="the contact has no phone number",
                follows_contact=True,
                open_sender=_sms_sender,
            )
        case Channel.PUSH:
            return ChannelSpec(
                channel=channel,
                consent_field="push_consent",
                address=_browsers,
                no_address="the contact has no active push subscription",
                follows_contact=False,
                open_sender=_push_sender,
            )
        case _:
            assert_never(channel)


CHANNELS: Mapping[Channel, ChannelSpec] = MappingProxyType(
    {channel: _declared(channel) for channel in Channel}
)


def channel_spec(name: str) -> ChannelSpec:
    """The declared channel called ``name``; ``UnknownChannel`` for any other name."""
    if name not in Channel.values:
        known = ", ".join(Channel.values)
        raise UnknownChannel(f"No channel {name!r} is declared (one of {known})")
    return CHANNELS[Channel(name)]
