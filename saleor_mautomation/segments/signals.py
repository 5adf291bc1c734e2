"""Signals of the segments domain, for the layers above it (journeys) to react to."""

from __future__ import annotations

from django.dispatch import Signal

# A bulk rebuild (not the first build) moved contacts into a segment, after its commit.
# Arguments: segment_id, contact_ids, now. The per-event path records ``segment.entered``
# events that journeys read through the unit of work's change notes instead.
members_entered = Signal()
