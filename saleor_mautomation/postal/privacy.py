"""What the print batches hold about one person, for their export: each card (or the record
of why they got none) with the address and texts it was added with. Erasure empties them
(``services.postal_items_erase``)."""

from __future__ import annotations

from typing import Any

from saleor_mautomation.postal.models import ADDRESS_FIELDS, PostalItem

FIELDS = ("status", "reason", *ADDRESS_FIELDS, "language", "fields")


def postal_export(*, contact_id: int) -> dict[str, list[dict[str, Any]]]:
    items = PostalItem.objects.filter(contact_id=contact_id).select_related("batch")
    return {
        "postal_cards": [
            {
                "journey_id": item.journey_id,
                "node": item.node,
                "template": item.batch.template if item.batch else "",
                "batch_day": item.batch.day.isoformat() if item.batch else None,
                **{name: getattr(item, name) for name in FIELDS},
                "created_at": item.created_at.isoformat(),
            }
            for item in items.order_by("created_at", "pk")
        ]
    }
