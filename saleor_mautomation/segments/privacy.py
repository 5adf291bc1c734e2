"""What the segments domain holds about one person: its export and its erasure.

Memberships say which segments a person was in and when; static-list rows which lists they
were put on. Both are about the person alone and go with them (a segment's count then
counts the people still there, as it should).
"""

from __future__ import annotations

from typing import Any

from saleor_mautomation.contacts.selectors import export_row
from saleor_mautomation.segments.models import Membership, StaticListMember


def memberships_erase(*, contact_id: int) -> int:
    """Delete the contact's segment memberships (the history too) and list rows."""
    memberships, _ = Membership.objects.filter(contact_id=contact_id).delete()
    members, _ = StaticListMember.objects.filter(contact_id=contact_id).delete()
    return memberships + members


def memberships_export(*, contact_id: int) -> dict[str, list[dict[str, Any]]]:
    """Segment memberships (with the segment's name) and static lists, oldest first."""
    memberships = (
        Membership.objects.filter(contact_id=contact_id)
        .select_related("segment")
        .order_by("entered_at", "id")
    )
    members = (
        StaticListMember.objects.filter(contact_id=contact_id)
        .select_related("static_list")
        .order_by("added_at", "id")
    )
    return {
        "segment_memberships": [
            {**export_row(m, omit=["segment"]), "segment": m.segment.name} for m in memberships
        ],
        "static_lists": [
            {**export_row(m, omit=["static_list"]), "list": m.static_list.name} for m in members
        ],
    }
