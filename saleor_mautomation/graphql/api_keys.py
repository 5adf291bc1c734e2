"""The shop's API keys (``saleor/api_keys.py``): listed without their secret, made (the key shown
once) and revoked from the Dashboard."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.core import clock
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.saleor.api_keys import api_key_create, api_key_revoke
from saleor_mautomation.saleor.models import ApiKey


class ApiKeyType(graphene.ObjectType):
    class Meta:
        name = "ApiKey"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    prefix = graphene.String(required=True, description="The key's visible part: mau_<prefix>_...")
    created_at = graphene.DateTime(required=True)
    last_used_at = graphene.DateTime(description="Within a minute.")
    revoked_at = graphene.DateTime()

    @staticmethod
    def of(row: ApiKey) -> ApiKeyType:
        return ApiKeyType(
            id=to_global_id("ApiKey", row.pk),
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


class CreateApiKey(graphene.Mutation):
    """A shop-level key for the API (``POST /api/installations/<id>/attributes``), shown once:
    only its prefix and a hash are kept."""

    class Arguments:
        name = graphene.String(required=True)

    api_key = graphene.Field(ApiKeyType, required=True)
    key = graphene.String(required=True, description="The whole key: shown this once.")
    installation_id = graphene.Int(required=True, description="The <id> in the API's paths.")

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, name: str) -> CreateApiKey:
        installation_id = dashboard_installation_id(info)
        with domain_errors():
            row, key = api_key_create(installation_id=installation_id, name=name, now=clock.now())
        return CreateApiKey(api_key=ApiKeyType.of(row), key=key, installation_id=installation_id)


class RevokeApiKey(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)

    api_key = graphene.Field(ApiKeyType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> RevokeApiKey:
        row = api_key_revoke(
            installation_id=dashboard_installation_id(info),
            key_id=from_global_id("ApiKey", id),
            now=clock.now(),
        )
        if row is None:
            raise GraphQLError("No such API key", extensions={"code": "NOT_FOUND"})
        return RevokeApiKey(api_key=ApiKeyType.of(row))


class ApiKeysQuery(graphene.ObjectType):
    api_keys = graphene.List(graphene.NonNull(ApiKeyType), required=True)

    @staticmethod
    def resolve_api_keys(root: Any, info: graphene.ResolveInfo) -> list[ApiKeyType]:
        rows = ApiKey.objects.filter(installation_id=dashboard_installation_id(info))
        return [ApiKeyType.of(row) for row in rows.order_by("-created_at", "-pk")]


class ApiKeysMutation(graphene.ObjectType):
    create_api_key = CreateApiKey.Field()
    revoke_api_key = RevokeApiKey.Field()
