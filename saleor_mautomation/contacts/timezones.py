"""A country's main time zone, for contacts whose own zone is unknown.

Single-zone countries take their zone from the IANA ``zone.tab`` (shipped by the ``tzdata``
package, so it does not depend on the system). For countries spanning several zones the first
listed is often not where most people live (Australia lists Lord Howe first), so those take the
zone of their largest population from the table below.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from zoneinfo import available_timezones

MAIN_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "MN": "Asia/Ulaanbaatar",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
}


@cache
def _first_listed() -> dict[str, str]:
    zones: dict[str, str] = {}
    text = files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coordinates, zone, *_ = line.split("\t")
        zones.setdefault(country, zone)
    return zones


def country_time_zone(country_code: str) -> str:
    """The main IANA zone of an ISO 3166 country code, or "" when unknown."""
    code = country_code.strip().upper()
    return MAIN_ZONES.get(code) or _first_listed().get(code, "")


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA zone name (``available_timezones`` walks the zone files on each call: once
    per process here)."""
    return frozenset(available_timezones())
