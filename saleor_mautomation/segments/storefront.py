"""Segments a storefront may ask about: the admin flags a segment storefront-visible, and a
storefront then learns, for its current visitor only, the keys of the flagged segments they
are in (``graphql/personalisation``): never a definition, never an unflagged segment, never
another visitor's or another shop's."""

from __future__ import annotations

from saleor_mautomation.segments.models import Membership, Segment


def segment_storefront_set(*, segment: Segment, visible: bool) -> Segment:
    segment.storefront_visible = visible
    segment.save(update_fields=["storefront_visible", "updated_at"])
    return segment


def visible_segment_keys(*, installation_id: int, contact_id: int | None) -> list[str]:
    """The keys of the installation's active, storefront-visible segments the contact is in
    now, sorted (none for a visitor the app does not know)."""
    if contact_id is None:
        return []
    return list(
        Membership.objects.filter(
            installation_id=installation_id,
            contact_id=contact_id,
            exited_at__isnull=True,
            segment__installation_id=installation_id,
            segment__storefront_visible=True,
            segment__status=Segment.Status.ACTIVE,
        )
        .order_by("segment__key")
        .values_list("segment__key", flat=True)
        .distinct()
    )
