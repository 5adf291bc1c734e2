"""``updateCatalogueSettings``: product URL patterns, the low-stock threshold, consumables."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction
from graphene.types.generic import GenericScalar

from saleor_mautomation.catalogue.services import catalogue_settings_update
from saleor_mautomation.graphql.catalogue import CatalogueSettingsType
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors


class CatalogueSettingsInput(graphene.InputObjectType):
    product_url_patterns = GenericScalar(
        description='Channel slug (or "*") to an http(s) URL pattern; replaces all patterns.'
    )
    low_stock_threshold = graphene.Int()
    consumable_product_types = graphene.List(graphene.NonNull(graphene.String))


class UpdateCatalogueSettings(graphene.Mutation):
    class Meta:
        description = (
            "Change the catalogue settings given (the others are kept). Refused whole with "
            "INVALID_URL_PATTERN, INVALID_LOW_STOCK_THRESHOLD or INVALID_PRODUCT_TYPES."
        )

    class Arguments:
        input = CatalogueSettingsInput(required=True)

    settings = graphene.Field(CatalogueSettingsType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, input: dict[str, Any]
    ) -> UpdateCatalogueSettings:
        context: Context = info.context
        installation = context.require_dashboard().installation
        with domain_errors(), transaction.atomic():
            settings = catalogue_settings_update(
                installation_id=installation.pk,
                product_url_patterns=input.get("product_url_patterns"),
                low_stock_threshold=input.get("low_stock_threshold"),
                consumable_product_types=input.get("consumable_product_types"),
            )
        return UpdateCatalogueSettings(settings=CatalogueSettingsType.of(settings))


class CatalogueSettingsMutation(graphene.ObjectType):
    update_catalogue_settings = UpdateCatalogueSettings.Field()
