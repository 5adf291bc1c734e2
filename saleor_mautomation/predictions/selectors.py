"""Reads of predictions: a contact's scores with the inputs and the fits they came from."""

from __future__ import annotations

from dataclasses import dataclass

from saleor_mautomation.predictions.models import (
    ContactPrediction,
    ContactValuePrediction,
    PredictionFit,
)


@dataclass(frozen=True)
class ContactPredictions:
    """What the profile shows: the fits (status, counts, parameters, date) and, when the
    installation has a BG/NBD fit and the contact has bought, its scores."""

    fits: list[PredictionFit]
    prediction: ContactPrediction | None
    values: list[ContactValuePrediction]


def installation_fits(installation_id: int) -> list[PredictionFit]:
    """BG/NBD first, then Gamma-Gamma by currency."""
    return sorted(
        PredictionFit.objects.filter(installation_id=installation_id),
        key=lambda fit: (fit.model != PredictionFit.Model.BGNBD, fit.currency),
    )


def contact_predictions(*, installation_id: int, contact_id: int) -> ContactPredictions:
    return ContactPredictions(
        fits=installation_fits(installation_id),
        prediction=ContactPrediction.objects.filter(
            installation_id=installation_id, contact_id=contact_id
        ).first(),
        values=list(
            ContactValuePrediction.objects.filter(
                installation_id=installation_id, contact_id=contact_id
            ).order_by("currency")
        ),
    )
