"""Predicted customer value: the nightly fits of an installation and each contact's scores.

``PredictionFit`` keeps the latest fit of each model of an installation (BG/NBD over every
buyer; Gamma-Gamma per currency), or why there is none yet (not enough data, with the counts).
``ContactPrediction`` (one per buyer) and ``ContactValuePrediction`` (one per buyer and currency)
hold the scores with the inputs they were computed from, so the profile can show them. All are
replaced by the nightly run (``predictions.services.predictions_refresh``).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class PredictionFit(models.Model):
    class Model(models.TextChoices):
        BGNBD = "bgnbd", "BG/NBD (orders and probability active)"
        GAMMA_GAMMA = "gamma_gamma", "Gamma-Gamma (order value, per currency)"

    class Status(models.TextChoices):
        FITTED = "fitted"
        NOT_ENOUGH_DATA = "not_enough_data"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    model = models.CharField(max_length=16, choices=Model.choices)
    # "" for BG/NBD (every currency: it models when people order, not what they spend).
    currency = models.CharField(max_length=3, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices)
    # BG/NBD: r, alpha (days), a, b; Gamma-Gamma: p, q, gamma. Empty below the gate.
    params = models.JSONField(default=dict, blank=True)
    log_likelihood = models.FloatField(null=True, blank=True)
    # What the gate looked at: buyers (BG/NBD) or buyers in the currency (Gamma-Gamma), those
    # of them with a repeat order, and the days since the first order counted.
    customers = models.PositiveIntegerField(default=0)
    repeat_customers = models.PositiveIntegerField(default=0)
    span_days = models.FloatField(default=0)
    fitted_at = models.DateTimeField()

    objects: ClassVar[models.Manager[PredictionFit]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "model", "currency"], name="prediction_fit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.currency or '*'} ({self.status})"


class ContactPrediction(models.Model):
    """A buyer's BG/NBD scores and their inputs (times in days, orders counted per day)."""

    contact = models.OneToOneField(
        "mautomation.Contact",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="prediction",
    )
    installation = models.ForeignKey(
        "mautomation.Installation", on_delete=models.CASCADE, db_index=False
    )
    # Inputs: repeat order days (days with an order after the first), days from the first to
    # the last order, days from the first order to the computation (T).
    frequency = models.PositiveIntegerField()
    recency_days = models.FloatField()
    age_days = models.FloatField()
    probability_active = models.FloatField()
    expected_orders_12m = models.FloatField()
    # Now plus the expected wait at the contact's own order rate; null when the contact is
    # more likely inactive than active (no next order is expected then).
    expected_next_order_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()

    objects: ClassVar[models.Manager[ContactPrediction]]

    class Meta:
        indexes = [models.Index(fields=["installation", "computed_at"], name="prediction_time")]

    def __str__(self) -> str:
        return f"Prediction of contact {self.contact_id}"


class ContactValuePrediction(models.Model):
    """A buyer's predicted spend in one currency over the next 12 months (money is never
    added across currencies)."""

    contact = models.ForeignKey(
        "mautomation.Contact", on_delete=models.CASCADE, related_name="value_predictions"
    )
    installation = models.ForeignKey(
        "mautomation.Installation", on_delete=models.CASCADE, db_index=False
    )
    currency = models.CharField(max_length=3)
    # Inputs: orders in the currency worth more than 0 after refunds, and their mean value.
    orders = models.PositiveIntegerField()
    average_order_value = models.DecimalField(max_digits=14, decimal_places=4)
    # The contact's orders expected over 12 months times this currency's share of its orders.
    expected_orders_12m = models.FloatField()
    # Gamma-Gamma's expected order value and the 12 months' value: null for a one-order buyer
    # in the currency (the model needs repeat orders) or while the currency has no fit.
    expected_order_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True
    )
    clv_12m = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    computed_at = models.DateTimeField()

    objects: ClassVar[models.Manager[ContactValuePrediction]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "currency"], name="value_prediction_unique")
        ]
        indexes = [
            models.Index(fields=["installation", "computed_at"], name="value_prediction_time")
        ]

    def __str__(self) -> str:
        return f"{self.currency} value of contact {self.contact_id}"
