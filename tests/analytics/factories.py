"""A shop's history built from its parts: journeys with versions, messages with their origin,
people's opens and clicks through the tracking code, orders."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys.models import Journey, JourneyVersion
from saleor_mautomation.messages import tokens
from saleor_mautomation.messages.funnel import message_sent_tally
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.tracking import click_record, open_record
from saleor_mautomation.saleor.models import Installation

PERSON = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
APPLE_PROXY = "Mozilla/5.0"  # Apple Mail Privacy Protection fetches every pixel
LINK_SCANNER = "Mozilla/5.0 (compatible; Barracuda Sentinel)"
_serial = count(1)

DEFINITION: dict[str, Any] = {
    "entry": {"type": "manual"},
    "goal": {"event_type": "order.placed"},
    "start": "mail",
    "nodes": {
        "mail": {"type": "send_email", "template": "welcome", "next": "end"},
        "end": {"type": "exit"},
    },
}


def make_journey(
    installation: Installation, name: str, *, definition: dict[str, Any] | None = None
) -> Journey:
    journey = Journey.objects.create(
        installation=installation, key=f"j{next(_serial)}", name=name, status="active"
    )
    version = JourneyVersion.objects.create(
        journey=journey,
        number=1,
        definition=definition or DEFINITION,
        published_at=datetime(2025, 1, 1, tzinfo=journey.created_at.tzinfo),
    )
    journey.current_version = version
    journey.save(update_fields=["current_version"])
    return journey


def make_template(installation: Installation, name: str) -> Template:
    return Template.objects.create(installation=installation, key=f"t{next(_serial)}", name=name)


def make_sent(
    contact: Contact,
    at: datetime,
    *,
    journey: Journey | None = None,
    template: Template | None = None,
    node: str = "",
    **fields: Any,
) -> Message:
    """A message that was handed over at ``at`` (its ``sent`` tallied as the sender does)."""
    message = Message.objects.create(
        installation_id=contact.installation_id,
        contact=contact,
        dedupe_key=f"test:{next(_serial)}",
        kind="marketing",
        to_address=contact.email or "",
        status="sent",
        send_after=at,
        created_at=at,
        sent_at=at,
        template=template,
        journey=journey,
        journey_version=journey.current_version if journey else None,
        journey_node=node,
        **fields,
    )
    message_sent_tally(message, at=at)
    return message


def opened(message: Message, at: datetime, agent: str = PERSON) -> None:
    open_record(token=tokens.open_token(message.pk), user_agent=agent, now=at)


def clicked(message: Message, at: datetime, agent: str = PERSON) -> None:
    click_record(
        token=tokens.click_token(message.pk, "https://shop.example/p"), user_agent=agent, now=at
    )
