"""The request context of the app's GraphQL API: who is calling, for which installation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

from saleor_mautomation.saleor.auth import DashboardUser, StorefrontCustomer
from saleor_mautomation.saleor.models import Installation

MANAGE_USERS = "MANAGE_USERS"


@dataclass(frozen=True)
class Context:
    installation: Installation | None = None
    dashboard_user: DashboardUser | None = None
    customer: StorefrontCustomer | None = None
    client_ip: str | None = None

    def require_dashboard(self) -> DashboardUser:
        if self.dashboard_user is None:
            raise GraphQLError(
                "Sign in through the Saleor Dashboard (App Bridge token) to use this field",
                extensions={"code": "UNAUTHENTICATED"},
            )
        return self.dashboard_user

    def require_installation(self) -> Installation:
        """Storefront calls name their shop with the ``Saleor-Api-Url`` header."""
        if self.installation is None:
            raise GraphQLError(
                "Send the Saleor-Api-Url header of a shop that installed this app",
                extensions={"code": "SHOP_UNKNOWN"},
            )
        return self.installation

    def require_customer(self) -> StorefrontCustomer:
        if self.customer is None:
            raise GraphQLError(
                "Sign in (Saleor customer access token) to use this field",
                extensions={"code": "UNAUTHENTICATED"},
            )
        return self.customer


def dashboard_installation_id(info: Any) -> int:
    """The installation of a Dashboard call (a GraphQL error for any other caller)."""
    context: Context = info.context
    return int(context.require_dashboard().installation.pk)
