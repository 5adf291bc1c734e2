"""A person's predictions in the access export (GDPR art. 15); erasure deletes the contact, and
its prediction rows with it (they cascade)."""

from __future__ import annotations

from typing import Any

from saleor_mautomation.contacts.selectors import export_row
from saleor_mautomation.predictions.models import ContactPrediction, ContactValuePrediction


def predictions_export(*, contact_id: int) -> dict[str, list[dict[str, Any]]]:
    return {
        "predictions": [
            export_row(row) for row in ContactPrediction.objects.filter(contact_id=contact_id)
        ],
        "value_predictions": [
            export_row(row)
            for row in ContactValuePrediction.objects.filter(contact_id=contact_id).order_by(
                "currency"
            )
        ],
    }
