"""The sending rules, pure: may this message go now, later, or not at all?

Every sender asks before each send (after claiming the outbox row, so a rule that changed
since the message was queued still applies). Transactional messages (the double opt-in
confirmation) skip consent, caps and quiet hours; only a hard-bounced address stops them.

The same rules hold for every channel (email, SMS, web push), each on its own: the consent
is the channel's, and the frequency cap counts the contact's marketing messages of that
channel (across all journeys and broadcasts), so an SMS does not use up the day's email; a
channel may have a cap of its own (say, one SMS in three days), else it has the email cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from saleor_mautomation.contacts.engagement import local_zone

Action = Literal["send", "defer", "skip"]
CONSENT_NAMES = {"email": "marketing", "sms": "SMS", "push": "push"}


@dataclass(frozen=True)
class Rules:
    cap_count: int = 1
    cap_hours: int = 16
    quiet_start_hour: int | None = 21
    quiet_end_hour: int | None = 8
    quiet_action: Literal["defer", "skip"] = "defer"
    # (channel, count, hours) of the channels with a cap of their own (else the one above)
    channel_caps: tuple[tuple[str, int, int], ...] = ()

    def cap(self, channel: str) -> tuple[int, int]:
        """(count, hours) of the channel's frequency cap; count 0 means no cap."""
        for name, count, hours in self.channel_caps:
            if name == channel:
                return count, hours
        return self.cap_count, self.cap_hours


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str = ""
    until: datetime | None = None


def _in_quiet_hours(hour: int, start: int, end: int) -> bool:
    return start <= hour < end if start < end else hour >= start or hour < end


def quiet_until(now: datetime, *, time_zone: str, start: int, end: int) -> datetime | None:
    """The end of the quiet hours ``now`` falls in (in the contact's zone), or None."""
    local = now.astimezone(local_zone(time_zone))
    if start == end or not _in_quiet_hours(local.hour, start, end):
        return None
    ends = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(now.tzinfo)


def next_hour(now: datetime, *, time_zone: str, hour: int) -> datetime:
    """The next time it is ``hour`` o'clock where the contact is (now, if it is that hour)."""
    local = now.astimezone(local_zone(time_zone))
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if local.hour == hour:
        return now
    if at < local:
        at += timedelta(days=1)
    return at.astimezone(now.tzinfo)


def decide(
    *,
    transactional: bool,
    consent: str,
    suppressed: str | None,
    recent_sends: list[datetime],
    time_zone: str,
    rules: Rules,
    now: datetime,
    channel: str = "email",
) -> Decision:
    """``suppressed`` is the suppression reason of the address (bounce, complaint, manual) or
    None; ``consent`` the contact's consent on ``channel``; ``recent_sends`` the marketing
    messages of that channel sent to the contact within the cap window."""
    if transactional:
        if suppressed == "bounce":
            return Decision("skip", "the address bounced")
        return Decision("send")
    if suppressed:
        return Decision("skip", f"the address is suppressed ({suppressed})")
    if consent != "granted":
        what = CONSENT_NAMES.get(channel, channel)
        return Decision("skip", f"no {what} consent ({consent})")
    cap_count, cap_hours = rules.cap(channel)
    window = timedelta(hours=cap_hours)
    within = sorted(moment for moment in recent_sends if now - moment < window)
    if cap_count and len(within) >= cap_count:
        # The cap frees up when the oldest send in the window leaves it.
        return Decision(
            "defer", f"frequency cap: {cap_count} per {cap_hours} h", within[-cap_count] + window
        )
    if rules.quiet_start_hour is not None and rules.quiet_end_hour is not None:
        until = quiet_until(
            now, time_zone=time_zone, start=rules.quiet_start_hour, end=rules.quiet_end_hour
        )
        if until is not None:
            if rules.quiet_action == "skip":
                return Decision("skip", "quiet hours")
            return Decision("defer", "quiet hours", until)
    return Decision("send")
