"""Money as messages show it: formatted per currency, once, where the context is built."""

from __future__ import annotations

from decimal import Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "PLN": "zł ", "CHF": "CHF "}


def money(amount: Decimal | str, currency: str) -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{value:,}" if symbol else f"{value:,} {currency}"
