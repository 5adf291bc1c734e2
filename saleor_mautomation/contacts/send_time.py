"""Send-time optimisation, pure: when a contact engages, by local hour of the week, and the
next best moment to send to them.

A contact's profile is the weight of each of the week's 168 local hours ("slots": Monday 0-1h is
0, Sunday 23-24h is 167) over the last 180 days: a click (of an email, a push notification or an
SMS link) weighs 2, a human open of an email 1. Privacy-proxy opens and link-scanner clicks
(``is_machine``) never count: they say when a machine fetched the message, not when a person
read it. Each moment is placed in the contact's own zone (the shop's when the contact has none),
so a DST change moves nobody's evening.

The shop's profile is its contacts' profiles summed. A contact with fewer than
``MIN_INTERACTIONS`` human interactions takes the shop's profile as it is (one or two opens
say when a message happened to be looked at, not when this person reads mail); from there on
the contact's weights are shrunk toward the shop's shares with ``PRIOR_WEIGHT`` (a Dirichlet
prior: the posterior share of slot s is ``(w[s] + K * shop[s]) / (W + K)``), so of two slots
the contact used equally, the one the shop engages in more wins, and a slot the contact never
used still ranks by the shop's habits. With no data in the shop either, there is no best
moment: the message goes when it is due.

``next_best_moment(after, ...)``: of the local hours starting within ``within`` of ``after``
(and ``after``'s own hour, which means "now"), the one with the highest share; of equal ones,
the earliest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from saleor_mautomation.contacts.engagement import EMAIL_CLICKED, EMAIL_OPENED, local_zone

PUSH_CLICKED = "push.clicked"
SMS_CLICKED = "sms.clicked"
SLOTS = 7 * 24
WINDOW = timedelta(days=180)  # an interaction counts while it is less than 180 days old
WEIGHTS = {EMAIL_OPENED: 1, EMAIL_CLICKED: 2, PUSH_CLICKED: 2, SMS_CLICKED: 2}
EVENT_TYPES = tuple(WEIGHTS)
CLICKS = frozenset({EMAIL_CLICKED, PUSH_CLICKED, SMS_CLICKED})
MIN_INTERACTIONS = 3
PRIOR_WEIGHT = 10  # the shop's shares count as 10 weight units (five clicks) of the contact's
BEST_WITHIN = timedelta(hours=24)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Source = Literal["contact", "shop", "none"]


@dataclass(frozen=True)
class Fact:
    """An open or click of one of the contact's messages (``is_machine``: a proxy's or a
    scanner's, which never counts)."""

    occurred_at: datetime
    type: str
    is_machine: bool = False


@dataclass(frozen=True)
class Profile:
    """Weights by slot (only slots with any), the clicks and opens counted, and the oldest
    moment counted (the profile changes when it leaves the window)."""

    weights: Mapping[int, int] = field(default_factory=dict)
    clicks: int = 0
    opens: int = 0
    oldest_at: datetime | None = None

    @property
    def interactions(self) -> int:
        return self.clicks + self.opens

    @property
    def total(self) -> int:
        return sum(self.weights.values())

    def weights_json(self) -> dict[str, int]:
        return {str(slot): weight for slot, weight in sorted(self.weights.items())}

    @classmethod
    def from_json(
        cls, weights: Mapping[str, int] | None, *, clicks: int = 0, opens: int = 0
    ) -> Profile:
        return cls(
            weights={int(slot): int(w) for slot, w in (weights or {}).items() if int(w) > 0},
            clicks=clicks,
            opens=opens,
        )


def slot_of(moment: datetime, zone: ZoneInfo) -> int:
    """The hour of the week ``moment`` falls in, in ``zone`` (Monday 0h is 0)."""
    local = moment.astimezone(zone)
    return local.weekday() * 24 + local.hour


def slot_name(slot: int) -> str:
    """``Tue 19-20h``: a slot for people (English; the Dashboard says it in its language)."""
    day, hour = divmod(slot, 24)
    return f"{WEEKDAYS[day]} {hour}-{hour + 1}h"


def profile_of(facts: Iterable[Fact], *, time_zone: str, now: datetime) -> Profile:
    """The contact's profile from its opens and clicks (other types and machine hits left
    out), in ``time_zone`` (an IANA name; UTC when empty or unknown)."""
    zone = local_zone(time_zone)
    since = now - WINDOW
    weights: dict[int, int] = {}
    clicks = opens = 0
    oldest: datetime | None = None
    for fact in facts:
        weight = WEIGHTS.get(fact.type)
        if weight is None or fact.is_machine or fact.occurred_at <= since:
            continue
        slot = slot_of(fact.occurred_at, zone)
        weights[slot] = weights.get(slot, 0) + weight
        if fact.type in CLICKS:
            clicks += 1
        else:
            opens += 1
        oldest = fact.occurred_at if oldest is None else min(oldest, fact.occurred_at)
    return Profile(weights=weights, clicks=clicks, opens=opens, oldest_at=oldest)


def shares(contact: Profile, shop: Profile, *, prior_weight: float = PRIOR_WEIGHT) -> list[float]:
    """Each slot's share of the contact's engagement (168 numbers adding up to 1), or all 0
    when neither the contact (enough of it) nor the shop has any data."""
    shop_total = shop.total
    shop_shares = [shop.weights.get(s, 0) / shop_total if shop_total else 0.0 for s in range(SLOTS)]
    if contact.interactions < MIN_INTERACTIONS or not contact.total:
        return shop_shares
    if not shop_total:  # no shop habits to lean on: a flat prior
        shop_shares = [1 / SLOTS] * SLOTS
    denominator = contact.total + prior_weight
    return [
        (contact.weights.get(s, 0) + prior_weight * shop_shares[s]) / denominator
        for s in range(SLOTS)
    ]


@dataclass(frozen=True)
class Best:
    """The best slot of the week and where it comes from: the contact's own data (smoothed),
    the shop's (the contact has too little), or none (no data anywhere)."""

    source: Source
    slot: int | None
    clicks: int = 0
    opens: int = 0

    def explanation(self) -> str:
        if self.slot is None:
            return "Not enough data, in this contact or the shop: messages go when they are due."
        if self.source == "shop":
            return f"Not enough data: the shop's best hour, {slot_name(self.slot)}."
        counted = [
            f"{n} {word}{'' if n == 1 else 's'}"
            for n, word in ((self.clicks, "click"), (self.opens, "open"))
            if n
        ]
        return f"Usually engages {slot_name(self.slot)}, from {' and '.join(counted)}."


def best_slot(contact: Profile, shop: Profile) -> Best:
    """The slot of the week with the highest share (of equal ones, the first of the week)."""
    scored = shares(contact, shop)
    top = max(scored)
    if top <= 0:
        return Best("none", None)
    slot = scored.index(top)
    if contact.interactions < MIN_INTERACTIONS or not contact.total:
        return Best("shop", slot, shop.clicks, shop.opens)
    return Best("contact", slot, contact.clicks, contact.opens)


def next_best_moment(
    after: datetime,
    *,
    contact: Profile,
    shop: Profile,
    time_zone: str,
    within: timedelta = BEST_WITHIN,
    scored: list[float] | None = None,
) -> datetime:
    """The start of the best local hour within ``within`` of ``after`` (``after`` itself when
    its own hour is the best; ``after`` too when there is no data at all). Hours are stepped
    in UTC, so a day with a DST change has its 23 or 25 local hours, each once (the repeated
    autumn hour is two slots' starts of the same slot: the earlier wins). ``scored``: the
    contact's ``shares`` when the caller has them."""
    scored = shares(contact, shop) if scored is None else scored
    if max(scored) <= 0:
        return after
    zone = local_zone(time_zone)
    local = after.astimezone(zone)
    best, best_score = after, scored[local.weekday() * 24 + local.hour]
    start = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    end = after + within
    moment = start + timedelta(hours=1)
    while moment < end:
        score = scored[slot_of(moment, zone)]
        if score > best_score:
            best, best_score = moment, score
        moment += timedelta(hours=1)
    return best.astimezone(after.tzinfo) if best is not after else after
