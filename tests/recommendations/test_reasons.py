"""Reasons: a code and its parameters, rendered in English or German (English otherwise)."""

from __future__ import annotations

import pytest

from saleor_mautomation.recommendations.reasons import (
    ALSO_IN_CATEGORY,
    BESTSELLER,
    BESTSELLER_IN_CATEGORY,
    BOUGHT_TOGETHER,
    VIEWED_RECENTLY,
    Reason,
)

CASES = [
    (
        Reason(BOUGHT_TOGETHER, {"product": "Monospace Tee", "orders": 41}),
        "Bought together with Monospace Tee in 41 orders",
        "Zusammen mit Monospace Tee gekauft in 41 Bestellungen",
    ),
    (
        Reason(BOUGHT_TOGETHER, {"product": None, "orders": 1}),
        "Bought together with this product in 1 order",
        "Zusammen mit diesem Produkt gekauft in 1 Bestellung",
    ),
    (
        Reason(BESTSELLER, {"orders": 1, "days": 30}),
        "Best-seller: ordered once in 30 days",
        "Bestseller: einmal bestellt in 30 Tagen",
    ),
    (
        Reason(BESTSELLER_IN_CATEGORY, {"category": "Shirts", "orders": 12, "days": 7}),
        "Best-seller in Shirts: ordered 12 times in 7 days",
        "Bestseller in Shirts: 12-mal bestellt in 7 Tagen",
    ),
    (
        Reason(BESTSELLER_IN_CATEGORY, {"category": None, "orders": 2, "days": 30}),
        "Best-seller in your favourite category: ordered 2 times in 30 days",
        "Bestseller in Ihrer Lieblingskategorie: 2-mal bestellt in 30 Tagen",
    ),
    (
        Reason(ALSO_IN_CATEGORY, {"category": "Accessories"}),
        "Also in Accessories",
        "Ebenfalls in Accessories",
    ),
    (Reason(VIEWED_RECENTLY), "You viewed it recently", "Kürzlich von Ihnen angesehen"),
]


@pytest.mark.parametrize(("reason", "english", "german"), CASES)
def test_each_reason_in_english_and_german(reason, english, german):
    assert reason.text() == english
    assert reason.text("en") == english
    assert reason.text("de") == german
    assert reason.text("de-AT") == german  # any German
    assert reason.text("fr") == english  # a language without texts reads English
