"""The installation's contacts settings: lifecycle thresholds, VIP rule, metadata keys, spend
thresholds, the erasure salt; read per event, so cached per process for a minute."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from saleor_mautomation.contacts.models import ContactsConfig, default_metadata_keys
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError

_CONFIG_TTL = 60.0
_configs: dict[int, tuple[float, ContactsConfig]] = {}


def contacts_config(installation_id: int) -> ContactsConfig:
    """The installation's contacts settings, cached per process for a minute (read per event)."""
    now = clock.monotonic()
    cached = _configs.get(installation_id)
    if cached is not None and now - cached[0] < _CONFIG_TTL:
        return cached[1]
    config, _ = ContactsConfig.objects.get_or_create(
        installation_id=installation_id, defaults={"erasure_salt": secrets.token_hex(32)}
    )
    _configs[installation_id] = (now, config)
    return config


def contacts_config_clear_cache() -> None:
    _configs.clear()


def _thresholds_valid(raw: Any) -> dict[str, list[str]]:
    """``{"USD": ["500", "1000"], ...}``: currency codes to positive amounts, kept as text."""
    problem = PermanentError(
        'Spend thresholds map currency codes to positive amounts, e.g. {"USD": ["500"]}',
        code="invalid_spend_thresholds",
    )
    if not isinstance(raw, dict) or len(raw) > 20:
        raise problem
    clean: dict[str, list[str]] = {}
    for currency, amounts in raw.items():
        if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
            raise problem
        if not isinstance(amounts, list) or not 0 < len(amounts) <= 10:
            raise problem
        try:
            values = sorted({Decimal(str(a)) for a in amounts})
        except (InvalidOperation, ValueError):
            raise problem from None
        if values[0] <= 0 or not all(v.is_finite() for v in values):
            raise problem
        clean[currency] = [f"{v.normalize():f}" for v in values]
    return clean


def contacts_config_update(
    *,
    installation_id: int,
    lapsing_after_days: int | None = None,
    lapsed_after_days: int | None = None,
    vip_min_orders: int | None = None,
    metadata_keys: dict[str, str] | None = None,
    spend_thresholds: dict[str, list[str]] | None = None,
) -> ContactsConfig:
    config = ContactsConfig.objects.get(pk=contacts_config(installation_id).pk)
    if spend_thresholds is not None:
        config.spend_thresholds = _thresholds_valid(spend_thresholds)
    if lapsing_after_days is not None:
        config.lapsing_after_days = lapsing_after_days
    if lapsed_after_days is not None:
        config.lapsed_after_days = lapsed_after_days
    if vip_min_orders is not None:
        config.vip_min_orders = vip_min_orders
    if not 0 < config.lapsing_after_days < config.lapsed_after_days:
        raise PermanentError(
            "Lapsing must start after 1 day and before lapsed", code="invalid_thresholds"
        )
    if config.vip_min_orders < 2:
        raise PermanentError("VIP needs at least 2 orders", code="invalid_thresholds")
    if metadata_keys is not None:
        unknown = set(metadata_keys) - set(default_metadata_keys())
        if unknown or not all(isinstance(v, str) and v for v in metadata_keys.values()):
            raise PermanentError(
                f"Metadata keys map {sorted(default_metadata_keys())} to non-empty keys",
                code="invalid_metadata_keys",
            )
        config.metadata_keys = metadata_keys
    config.save()
    _configs.pop(installation_id, None)
    return config
