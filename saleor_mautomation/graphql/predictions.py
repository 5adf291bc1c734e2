"""Dashboard GraphQL of a contact's predictions: the scores, their inputs, and the fits behind
them, or why there is none yet (not enough data, with the counts and what is needed)."""

from __future__ import annotations

from typing import Any

import graphene
from graphene.types.generic import GenericScalar

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.predictions import selectors
from saleor_mautomation.predictions.models import PredictionFit
from saleor_mautomation.predictions.services import HORIZON_DAYS, Gate

PredictionStatusEnum = graphene.Enum(
    "PredictionStatus",
    [
        ("FITTED", "fitted"),
        ("NOT_ENOUGH_DATA", "not_enough_data"),
        ("NOT_COMPUTED", "not_computed"),
    ],
    description="Fitted; not enough data yet (the counts say how far); or not computed yet "
    "(the nightly run has not seen the shop).",
)


class PredictionFitType(graphene.ObjectType):
    class Meta:
        name = "PredictionFit"
        description = (
            "One model's latest nightly fit: BG/NBD (every buyer) or Gamma-Gamma (one currency)."
        )

    model = graphene.String(required=True, description="bgnbd or gamma_gamma")
    currency = graphene.String(required=True, description="Gamma-Gamma's; empty for BG/NBD.")
    status = graphene.Field(PredictionStatusEnum, required=True)
    params = GenericScalar(
        required=True,
        description="BG/NBD: r, alpha (days), a, b; Gamma-Gamma: p, q, gamma. Empty unfitted.",
    )
    log_likelihood = graphene.Float()
    customers = graphene.Int(required=True, description="Buyers (in the currency).")
    repeat_customers = graphene.Int(required=True, description="Of them, with a repeat order.")
    span_days = graphene.Float(required=True, description="Days since the first order (BG/NBD).")
    min_customers = graphene.Int(required=True, description="What the fit needs (BG/NBD).")
    min_repeat_customers = graphene.Int(required=True)
    min_span_days = graphene.Float(required=True, description="What the fit needs (BG/NBD).")
    fitted_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_min_customers(root: PredictionFit, info: graphene.ResolveInfo) -> int:
        return Gate().min_customers if root.model == PredictionFit.Model.BGNBD else 0

    @staticmethod
    def resolve_min_repeat_customers(root: PredictionFit, info: graphene.ResolveInfo) -> int:
        return Gate().min_repeat_customers

    @staticmethod
    def resolve_min_span_days(root: PredictionFit, info: graphene.ResolveInfo) -> float:
        return Gate().min_span_days if root.model == PredictionFit.Model.BGNBD else 0.0


class PredictedValueType(graphene.ObjectType):
    class Meta:
        name = "PredictedValue"
        description = "Spend expected over the next 12 months in one currency, with its inputs."

    currency = graphene.String(required=True)
    orders = graphene.Int(required=True, description="Orders worth more than 0 after refunds.")
    average_order_value = graphene.Decimal(required=True, description="Their mean value.")
    expected_orders_12m = graphene.Float(required=True)
    expected_order_value = graphene.Decimal(
        description="Gamma-Gamma's; null below two orders in the currency or without a fit."
    )
    clv_12m = graphene.Decimal(description="Expected orders times expected order value.")


class ContactPredictionsType(graphene.ObjectType):
    class Meta:
        name = "ContactPredictions"
        description = (
            "Predicted value (BG/NBD and Gamma-Gamma, fitted nightly), its inputs and fits. "
            "Scores are null when the shop has not enough data yet or the contact never bought."
        )

    status = graphene.Field(PredictionStatusEnum, required=True, description="BG/NBD's fit.")
    horizon_days = graphene.Float(required=True)
    fits = graphene.List(graphene.NonNull(PredictionFitType), required=True)
    frequency = graphene.Int(description="Input: days with an order after the first.")
    recency_days = graphene.Float(description="Input: days from the first to the last order.")
    age_days = graphene.Float(description="Input: days from the first order to the fit (T).")
    probability_active = graphene.Float()
    expected_orders_12m = graphene.Float()
    expected_next_order_at = graphene.DateTime(
        description="Null when the contact is more likely inactive than active."
    )
    computed_at = graphene.DateTime()
    values = graphene.List(graphene.NonNull(PredictedValueType), required=True)


def resolve_contact_predictions(root: Contact, info: graphene.ResolveInfo) -> dict[str, Any]:
    found = selectors.contact_predictions(
        installation_id=dashboard_installation_id(info), contact_id=root.pk
    )
    bgnbd = next((f for f in found.fits if f.model == PredictionFit.Model.BGNBD), None)
    scores = found.prediction
    return {
        "status": bgnbd.status if bgnbd else "not_computed",
        "horizon_days": HORIZON_DAYS,
        "fits": found.fits,
        "frequency": scores.frequency if scores else None,
        "recency_days": scores.recency_days if scores else None,
        "age_days": scores.age_days if scores else None,
        "probability_active": scores.probability_active if scores else None,
        "expected_orders_12m": scores.expected_orders_12m if scores else None,
        "expected_next_order_at": scores.expected_next_order_at if scores else None,
        "computed_at": scores.computed_at if scores else None,
        "values": found.values,
    }
