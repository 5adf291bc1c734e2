"""Sign-ups: the events that say a person joined the shop's audience.

``newsletter.subscribed``: a double opt-in confirmed (the confirmation link's page or the
storefront's ``confirmSubscription``), each time the consent becomes granted that way.

``contact.signed_up``: once per contact, the first time it joins with permission to be
emailed, ``via``:

- ``newsletter``: a confirmed newsletter subscription;
- ``account``: a Saleor customer whose private metadata grants the email consent, seen in a
  delivery (registered consenting, or consenting later from the storefront).

The welcome programme enters on it, so a customer who registers and later confirms the
newsletter (or the other way round) is welcomed once: the event's dedupe key is the contact's,
the journey's re-entry rule (``once``) a second guard. A registration without consent enters
nothing (the welcome could not be sent): its welcome waits for the consent.

Consent given elsewhere records neither (a CSV import, the backfill's bulk pages of Saleor's
customers): it is on the consent ledger and moves the lifecycle stage (``lifecycle``), but a
list brought over from another tool is not a crowd of new sign-ups to welcome.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.services import event_add

NEWSLETTER_SUBSCRIBED = "newsletter.subscribed"
SIGNED_UP = "contact.signed_up"

Via = Literal["account", "newsletter"]


def signed_up_record(*, contact: Contact, via: Via, occurred_at: datetime, source: str) -> None:
    """``contact.signed_up`` for the contact, unless it has one (its dedupe key)."""
    event_add(
        installation_id=contact.installation_id,
        contact_id=contact.pk,
        type=SIGNED_UP,
        occurred_at=occurred_at,
        source=source,
        dedupe_key=f"{SIGNED_UP}:{contact.pk}",
        properties={"via": via},
    )


def newsletter_subscribed_record(*, contact: Contact, occurred_at: datetime, source: str) -> None:
    """A confirmed subscription: ``newsletter.subscribed`` (``source``: where it was
    confirmed), then ``contact.signed_up`` if the contact has none yet."""
    event_add(
        installation_id=contact.installation_id,
        contact_id=contact.pk,
        type=NEWSLETTER_SUBSCRIBED,
        occurred_at=occurred_at,
        source="consent",
        dedupe_key=f"{NEWSLETTER_SUBSCRIBED}:{contact.pk}:{occurred_at.isoformat()}",
        properties={"source": source},
    )
    signed_up_record(contact=contact, via="newsletter", occurred_at=occurred_at, source="consent")
