"""Saving the draft the admin edits: its definition, its layout and its name, with optimistic
concurrency. An editor passes the ``updated_at`` it loaded; a save over a journey changed since
(another tab, another admin, a publish) is refused with the journey's current ``updated_at``
instead of overwriting what the other wrote.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.journeys.layout import draft_node_ids, layout_check, layout_kept
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.segments.errors import FieldError

TICK = timedelta(microseconds=1)


class DraftChanged(PermanentError):
    code = "draft_changed"

    def __init__(self, updated_at: datetime) -> None:
        super().__init__("The journey changed since it was loaded: reload it before saving")
        self.updated_at = updated_at


class LayoutInvalid(PermanentError):
    code = "invalid_layout"

    def __init__(self, errors: list[FieldError]) -> None:
        summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        super().__init__(f"The layout is invalid: {summary}")
        self.errors = errors


def journey_draft_update(
    *,
    journey: Journey,
    now: datetime,
    draft: Any = None,
    layout: Any = None,
    name: str | None = None,
    expected_updated_at: datetime | None = None,
) -> Journey:
    """Save what is given (``None``: unchanged). The draft may be incomplete; a layout names
    nodes of the draft being saved (or of the one kept); without a new layout, positions of
    nodes the new draft no longer has are dropped. ``updated_at`` always moves forward, so two
    saves never share one and a stale one cannot pass for current."""
    with transaction.atomic():
        current = Journey.objects.select_for_update().get(pk=journey.pk)
        if expected_updated_at is not None and current.updated_at != expected_updated_at:
            raise DraftChanged(current.updated_at)
        draft = current.draft if draft is None else draft
        node_ids = draft_node_ids(draft)
        if layout is None:
            layout = layout_kept(current.layout, node_ids=node_ids)
        elif errors := layout_check(layout, node_ids=node_ids):
            raise LayoutInvalid(errors)
        changes = {
            "draft": draft,
            "layout": layout,
            "name": name.strip()[:120] if name and name.strip() else current.name,
            "updated_at": max(now, current.updated_at + TICK),
        }
        # An update, not save(): auto_now would overwrite the strictly later updated_at.
        Journey.objects.filter(pk=current.pk).update(**changes)
    for field, value in changes.items():
        setattr(journey, field, value)
    return journey
