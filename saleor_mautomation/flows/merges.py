"""Completing identity merges: what the higher layers hold follows the merged contact.

``contacts.services.contact_merge`` moves the contact's own history (events, orders, aliases,
consent, channels) and marks the folded contact ``merged_into`` the surviving one. The
coordinator completes the merge in the same unit of work: journey runs (a clashing open run
exits as ``merged``), messages and static-list memberships move, then the folded row goes.
A merge made outside a unit of work (a backfill page) is completed by the periodic sweep: the
marked row is what carries the work from one step to the next, so nothing is lost in between.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys.services import runs_merge
from saleor_mautomation.messages.services import messages_merge
from saleor_mautomation.segments.services import static_lists_merge

BATCH = 500


def merges_complete(*, now: datetime, limit: int = BATCH) -> int:
    """Complete up to ``limit`` pending merges (claimed with SKIP LOCKED); the number done."""
    with transaction.atomic():
        pending = list(
            Contact.objects.select_for_update(skip_locked=True)
            .filter(merged_into__isnull=False)
            .values_list("pk", "merged_into_id")
            .order_by("pk")[:limit]
        )
        for other_id, into_id in pending:
            assert into_id is not None
            runs_merge(into_id=into_id, other_id=other_id, now=now)
            messages_merge(into_id=into_id, other_id=other_id)
            static_lists_merge(into_id=into_id, other_id=other_id)
        Contact.objects.filter(pk__in=[other_id for other_id, _ in pending]).delete()
    return len(pending)
