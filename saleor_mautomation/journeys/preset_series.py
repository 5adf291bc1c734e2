"""What a preset needs from the shop it is installed in: the monthly tips series enrols the
members of a segment of its own (contacts whose email consent is granted, key
``monthly-tips``, made at the first install and kept as the admin edits it) from the first day
of the next month, so its mails are numbered from 1 in every shop."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from saleor_mautomation.journeys.occurrences import add_months
from saleor_mautomation.segments.models import Segment
from saleor_mautomation.segments.services import segment_create

SERIES_SEGMENTS = {
    "monthly-tips": (
        "Monthly tips readers",
        "Everyone whose email consent is granted: the monthly tips series goes to them.",
        {"version": 1, "root": {"type": "consent", "channel": "email", "status": ["granted"]}},
    )
}


def preset_for_shop(
    key: str, definition: dict[str, Any], *, installation_id: int, now: datetime
) -> dict[str, Any]:
    """``definition`` with the shop's own segment and start date where the preset has them."""
    if key not in SERIES_SEGMENTS:
        return definition
    name, description, segment_definition = SERIES_SEGMENTS[key]
    segment = Segment.objects.filter(installation_id=installation_id, key=key).first()
    if segment is None:
        segment = segment_create(
            installation_id=installation_id,
            name=name,
            description=description,
            definition=segment_definition,
            now=now,
            key=key,
        )
    start = add_months(date(now.year, now.month, 1), 1)
    entry = {**definition["entry"], "segment_id": segment.pk, "start": start.isoformat()}
    return {**definition, "entry": entry}
