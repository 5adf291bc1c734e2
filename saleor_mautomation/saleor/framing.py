"""Who may frame the app's Dashboard pages: each installation's ``dashboard_origins``.

The Dashboard pages (``/dashboard/...``) and the customer widget are meant to be framed by the
installation's Saleor Dashboard only, so they answer with a CSP ``frame-ancestors`` naming its
origins (``'none'`` for an unknown installation). The Dashboard is often not on the Saleor API's
origin (Saleor Cloud serves it elsewhere), so the origins are set per installation; left empty,
the API URL's origin is the one. Origins go into a response header: only ``scheme://host[:port]``
is accepted, nothing that could end the directive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor.models import Installation

_ORIGIN = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?/?"
)


def origin_normalize(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case, or ``None`` if ``value`` is not such an origin."""
    match = _ORIGIN.fullmatch(value.strip().lower())
    if match is None:
        return None
    port = match["port"]
    if port is not None and not 0 < int(port) < 65536:
        return None
    return f"{match['scheme']}://{match['host']}" + (f":{port}" if port else "")


def installation_dashboard_origins_set(
    *, installation_id: int, origins: Sequence[str]
) -> list[str]:
    """The origins whose pages may frame the Dashboard pages (empty: the Saleor API's)."""
    cleaned: list[str] = []
    for origin in origins:
        normalized = origin_normalize(origin)
        if normalized is None:
            raise PermanentError(
                f"{origin!r} is not an origin such as https://shop.eu.saleor.cloud",
                code="invalid_origin",
            )
        if normalized not in cleaned:
            cleaned.append(normalized)
    Installation.objects.filter(pk=installation_id).update(dashboard_origins=cleaned)
    return cleaned


def frame_ancestors(installation: Installation | None) -> str:
    """The CSP directive for a Dashboard page of ``installation`` (``None``: unknown)."""
    if installation is None:
        return "frame-ancestors 'none'"
    origins = [o for o in map(origin_normalize, installation.dashboard_frame_origins) if o]
    return f"frame-ancestors {' '.join(origins)}" if origins else "frame-ancestors 'none'"


def dashboard_frame_policy(saleor_api_url: str) -> str:
    """The ``frame-ancestors`` directive for a Dashboard page opened for ``saleor_api_url``
    (the page's ``saleorApiUrl`` query parameter): its active installation's origins."""
    installation = (
        Installation.objects.filter(
            saleor_api_url=saleor_api_url, status=Installation.Status.ACTIVE
        )
        .only("saleor_api_url", "dashboard_origins")
        .first()
        if saleor_api_url
        else None
    )
    return frame_ancestors(installation)
