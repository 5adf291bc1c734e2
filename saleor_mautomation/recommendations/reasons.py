"""Why a product is recommended, as a code with parameters, rendered in a language.

A strategy gives each candidate a ``Reason`` (``BOUGHT_TOGETHER`` with the seed product's name
and the orders both share, ``BESTSELLER`` with the orders in the window and its days, ...);
the reader renders it in the recipient's language (``text``: English and German, English for
any other). ``Recommendation.reason`` is the English text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BOUGHT_TOGETHER = "BOUGHT_TOGETHER"
BESTSELLER = "BESTSELLER"
BESTSELLER_IN_CATEGORY = "BESTSELLER_IN_CATEGORY"
ALSO_IN_CATEGORY = "ALSO_IN_CATEGORY"
VIEWED_RECENTLY = "VIEWED_RECENTLY"
LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class Reason:
    """A reason's code and parameters: ``product`` and ``category`` are names (None: the
    catalogue does not know it, or the contact's favourite category has none), ``orders`` and
    ``days`` counts."""

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def text(self, language: str = "en") -> str:
        render = _DE if language_of(language) == "de" else _EN
        return render[self.code](self.params)


def language_of(code: str | None) -> str:
    """The written language for a language code ("de", "de-AT", Saleor's "DE_AT", "deu" is
    not one): German for German, English for anything else."""
    primary = (code or "").strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else "en"


def _en_orders(n: int) -> str:
    return f"{n} order" if n == 1 else f"{n} orders"


def _en_times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _de_orders(n: int) -> str:
    return f"{n} Bestellung" if n == 1 else f"{n} Bestellungen"


def _de_times(n: int) -> str:
    return "einmal" if n == 1 else f"{n}-mal"


def _en_category(p: dict[str, Any]) -> str:
    return str(p.get("category") or "your favourite category")


def _de_category(p: dict[str, Any]) -> str:
    return str(p.get("category") or "Ihrer Lieblingskategorie")


_EN = {
    BOUGHT_TOGETHER: lambda p: (
        f"Bought together with {p.get('product') or 'this product'} in {_en_orders(p['orders'])}"
    ),
    BESTSELLER: lambda p: f"Best-seller: ordered {_en_times(p['orders'])} in {p['days']} days",
    BESTSELLER_IN_CATEGORY: lambda p: (
        f"Best-seller in {_en_category(p)}: ordered {_en_times(p['orders'])} in {p['days']} days"
    ),
    ALSO_IN_CATEGORY: lambda p: f"Also in {_en_category(p)}",
    VIEWED_RECENTLY: lambda p: "You viewed it recently",
}

_DE = {
    BOUGHT_TOGETHER: lambda p: (
        f"Zusammen mit {p.get('product') or 'diesem Produkt'} gekauft in {_de_orders(p['orders'])}"
    ),
    BESTSELLER: lambda p: f"Bestseller: {_de_times(p['orders'])} bestellt in {p['days']} Tagen",
    BESTSELLER_IN_CATEGORY: lambda p: (
        f"Bestseller in {_de_category(p)}: {_de_times(p['orders'])} bestellt in {p['days']} Tagen"
    ),
    ALSO_IN_CATEGORY: lambda p: f"Ebenfalls in {_de_category(p)}",
    VIEWED_RECENTLY: lambda p: "Kürzlich von Ihnen angesehen",
}
