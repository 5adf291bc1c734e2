"""The request context of the app's GraphQL API: who is calling, for which installation."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError

from saleor_mautomation.saleor.auth import DashboardUser

MANAGE_USERS = "MANAGE_USERS"


@dataclass(frozen=True)
class Context:
    dashboard_user: DashboardUser | None = None

    def require_dashboard(self) -> DashboardUser:
        if self.dashboard_user is None:
            raise GraphQLError(
                "Sign in through the Saleor Dashboard (App Bridge token) to use this field",
                extensions={"code": "UNAUTHENTICATED"},
            )
        return self.dashboard_user
