"""Signals of the contacts domain, for the layers above it to react to."""

from __future__ import annotations

from django.dispatch import Signal

# ``contact_merge`` is about to fold one contact into another, inside its transaction: the
# upper domains move their rows of ``other_id`` (journey runs, messages, static-list
# memberships) to ``into_id`` before ``other_id`` is deleted. Arguments: into_id, other_id, now.
contact_merging = Signal()
