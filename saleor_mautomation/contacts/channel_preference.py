"""The channel a contact answers on, learned from their own engagement per channel.

What counts: human opens and clicks of emails (privacy-proxy opens and link-scanner clicks are
recorded with ``machine: true`` and never count), clicks of SMS and web-push links, and replies
to SMS. Each weighs by its kind (an open 1, a click 2, a reply 3: a reply is the strongest sign
that a person read it) times ``2 ** -(age / 30 days)``: the half-life makes a click of last week
outweigh three clicks of last spring. Events older than a year are not read (their weight is
under 1/4,000 of a fresh one).

Why the figure is kept current at each engagement and never by a nightly sweep: every score
decays by the same factor as time passes, so their order (and so the preferred channel) only
changes when a new engagement arrives. The scores are stored as of the newest engagement
(``channel_scores_at``) and decayed to "now" only for showing (``scores_at``). The explanation
("clicked 4 emails and 1 SMS in the last 90 days") is about a sliding window, so it is worked
out when it is read, from the events.

``preference_of``, ``scores_at``, ``explanation`` and ``channel_choose`` are pure;
``preference_refresh`` writes; ``channels_reachable`` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeVar

from saleor_mautomation.contacts.models import Contact, EmailConsent, PushSubscription
from saleor_mautomation.events.changes import PROFILE, change_note
from saleor_mautomation.events.models import Event

Channel = Literal["email", "sms", "push"]
CHANNELS: tuple[Channel, ...] = ("email", "sms", "push")
Kind = Literal["open", "click", "reply"]
C = TypeVar("C", bound=str)
HALF_LIFE = timedelta(days=30)
WINDOW = timedelta(days=365)  # engagement older than this is not read
EXPLAIN_WINDOW = timedelta(days=90)  # what the explanation counts
WEIGHTS: dict[Kind, float] = {"open": 1.0, "click": 2.0, "reply": 3.0}
SMS_CLICKED = "sms.clicked"
SMS_REPLIED = "sms.replied"
# Event type -> the channel and kind of engagement it is.
SIGNALS: dict[str, tuple[Channel, Kind]] = {
    "email.opened": ("email", "open"),
    "email.clicked": ("email", "click"),
    SMS_CLICKED: ("sms", "click"),
    SMS_REPLIED: ("sms", "reply"),
    "push.clicked": ("push", "click"),
}


@dataclass(frozen=True)
class Signal:
    """One engagement event of the contact; ``is_machine`` as the tracking recorded it."""

    occurred_at: datetime
    type: str
    is_machine: bool = False


@dataclass(frozen=True)
class Tally:
    """A channel's human engagement in the explanation's window."""

    channel: Channel
    opens: int = 0
    clicks: int = 0
    replies: int = 0


@dataclass(frozen=True)
class Preference:
    channel: Channel | Literal[""]  # "" without any engagement in the last year
    scores: dict[str, float]  # per channel with engagement, as of ``as_of``
    as_of: datetime | None  # the newest engagement counted
    tallies: tuple[Tally, ...] = ()  # the last 90 days, channels in CHANNELS order


def _decayed(score: float, age: timedelta) -> float:
    return score * 0.5 ** (age / HALF_LIFE)


def preference_of(signals: Iterable[Signal], *, now: datetime) -> Preference:
    """The scores, the preferred channel (the highest score; of equal ones, the channel used
    most recently) and the last 90 days' tallies, from the contact's engagement events."""
    counted = [
        s
        for s in signals
        if s.type in SIGNALS and not s.is_machine and now - WINDOW < s.occurred_at <= now
    ]
    if not counted:
        return Preference("", {}, None)
    as_of = max(s.occurred_at for s in counted)
    scores: dict[str, float] = {}
    latest: dict[str, datetime] = {}
    counts: dict[tuple[str, Kind], int] = {}
    for signal in counted:
        channel, kind = SIGNALS[signal.type]
        scores[channel] = scores.get(channel, 0.0) + _decayed(
            WEIGHTS[kind], as_of - signal.occurred_at
        )
        latest[channel] = max(latest.get(channel, signal.occurred_at), signal.occurred_at)
        if signal.occurred_at > now - EXPLAIN_WINDOW:
            counts[channel, kind] = counts.get((channel, kind), 0) + 1
    scores = {channel: round(score, 4) for channel, score in scores.items()}
    best = max(scores, key=lambda channel: (scores[channel], latest[channel]))
    tallies = tuple(
        Tally(
            channel,
            opens=counts.get((channel, "open"), 0),
            clicks=counts.get((channel, "click"), 0),
            replies=counts.get((channel, "reply"), 0),
        )
        for channel in CHANNELS
        if any(counts.get((channel, kind), 0) for kind in WEIGHTS)
    )
    return Preference(_channel(best), scores, as_of, tallies)


def _channel(name: str) -> Channel:
    for channel in CHANNELS:
        if channel == name:
            return channel
    raise ValueError(name)


def scores_at(scores: dict[str, float], as_of: datetime | None, now: datetime) -> dict[str, float]:
    """The stored scores decayed to ``now`` (for showing: their order does not change)."""
    if as_of is None:
        return {}
    age = max(now - as_of, timedelta(0))
    return {channel: round(_decayed(score, age), 4) for channel, score in scores.items()}


_NOUNS = {
    "email": ("email", "emails"),
    "sms": ("SMS", "SMS"),
    "push": ("push notification", "push notifications"),
}


def _things(tallies: Sequence[Tally], field: str) -> list[str]:
    parts = []
    for tally in tallies:
        count = getattr(tally, field)
        if count:
            one, many = _NOUNS[tally.channel]
            parts.append(f"{count} {one if count == 1 else many}")
    return parts


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def explanation(tallies: Sequence[Tally]) -> str:
    """In English, e.g. "Clicked 4 emails and 1 SMS, opened 6 emails in the last 90 days"
    (the Dashboard words the tallies in the admin's language itself)."""
    phrases = [
        f"{verb} {_listed(parts)}"
        for verb, field in (("clicked", "clicks"), ("opened", "opens"), ("replied to", "replies"))
        if (parts := _things(tallies, field))
    ]
    if not phrases:
        return "No clicks, opens or replies in the last 90 days"
    text = _listed(phrases)
    return f"{text[0].upper()}{text[1:]} in the last 90 days"


def channel_choose(
    *,
    offered: Sequence[C],
    preferred: str,
    reachable: Iterable[str],
) -> tuple[C, Literal["preferred", "fallback", "unreachable"]]:
    """The channel a "send on the preferred channel" step uses: the contact's preferred one
    if the step offers it and the contact can be reached there (consent and an address),
    else the first reachable of ``offered`` (the step's fallback order). With none
    reachable, the first offered: its message is then suppressed with the reason, as any
    send to a contact without consent is."""
    open_to = set(reachable)
    for channel in offered:
        if channel == preferred and channel in open_to:
            return channel, "preferred"
    for channel in offered:
        if channel in open_to:
            return channel, "fallback"
    return offered[0], "unreachable"


# -- reads and writes -------------------------------------------------------------------------


def signals_read(contact_id: int, *, now: datetime) -> list[Signal]:
    rows = Event.objects.filter(
        contact_id=contact_id, type__in=list(SIGNALS), occurred_at__gt=now - WINDOW
    ).values_list("occurred_at", "type", "properties__machine")
    return [Signal(at, kind, bool(machine)) for at, kind, machine in rows]


def preference_refresh(*, contact: Contact, now: datetime) -> Preference:
    """Recompute the contact's stored preference from its events (after an engagement was
    recorded); the row is written, and the change noted for segments, only when it differs."""
    preference = preference_of(signals_read(contact.pk, now=now), now=now)
    values = {
        "preferred_channel": preference.channel,
        "channel_scores": preference.scores,
        "channel_scores_at": preference.as_of,
    }
    if any(getattr(contact, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(contact, name, value)
        Contact.objects.filter(pk=contact.pk).update(**values)
        change_note(contact.pk, PROFILE)
    return preference


def channels_reachable(contacts: Sequence[Contact]) -> dict[int, frozenset[str]]:
    """Per contact, the channels a marketing message can reach it on now: consent granted
    and an address (an email, a phone number, a live push subscription). One query for the
    push subscriptions of all of them."""
    with_push = set(
        PushSubscription.objects.filter(
            contact_id__in=[c.pk for c in contacts if c.push_consent == EmailConsent.GRANTED],
            expired_at__isnull=True,
        ).values_list("contact_id", flat=True)
    )
    granted = EmailConsent.GRANTED
    return {
        contact.pk: frozenset(
            channel
            for channel, ok in (
                ("email", contact.email_consent == granted and bool(contact.email)),
                ("sms", contact.sms_consent == granted and bool(contact.phone)),
                ("push", contact.pk in with_push),
            )
            if ok
        )
        for contact in contacts
    }
