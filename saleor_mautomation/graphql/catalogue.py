"""Dashboard GraphQL of the catalogue: the full sync's progress and the catalogue settings."""

from __future__ import annotations

from typing import Any

import graphene
from graphene.types.generic import GenericScalar

from saleor_mautomation.catalogue.models import CatalogueSettings, CatalogueSync
from saleor_mautomation.catalogue.selectors import catalogue_settings
from saleor_mautomation.catalogue.sync import catalogue_sync_latest
from saleor_mautomation.graphql.context import Context

CatalogueSyncStatusEnum = graphene.Enum.from_enum(
    CatalogueSync.Status,
    name="CatalogueSyncStatus",
    description="A failed sync keeps its phase and cursor: the next run resumes it.",
)
CatalogueSyncPhaseEnum = graphene.Enum.from_enum(
    CatalogueSync.Phase,
    name="CatalogueSyncPhase",
    description=(
        "Categories, collections and products are read from Saleor in that order; the sweep "
        "then deletes what a complete sync did not see."
    ),
)


class CatalogueSyncType(graphene.ObjectType):
    class Meta:
        name = "CatalogueSync"
        description = "The latest full sync of the shop's catalogue from Saleor."

    number = graphene.Int(required=True, description="1 for the first sync, then counting up.")
    status = graphene.Field(CatalogueSyncStatusEnum, required=True)
    phase = graphene.Field(CatalogueSyncPhaseEnum, required=True)
    total = graphene.Int(description="Saleor's count of products; null before the first page.")
    categories = graphene.Int(required=True)
    collections = graphene.Int(required=True)
    products = graphene.Int(required=True)
    variants = graphene.Int(required=True)
    skipped = graphene.Int(
        required=True, description="Records that did not parse or could not be stored."
    )
    deleted = graphene.Int(
        required=True,
        description="Products, collections and categories the sweep deleted (gone from Saleor).",
    )
    error = graphene.String(description="Why the sync stopped, if it failed.")
    started_at = graphene.DateTime()
    finished_at = graphene.DateTime()
    updated_at = graphene.DateTime(required=True)

    @classmethod
    def of(cls, sync: CatalogueSync) -> CatalogueSyncType:
        return cls(
            number=sync.number,
            status=sync.status,
            phase=sync.phase,
            total=sync.total,
            categories=sync.categories,
            collections=sync.collections,
            products=sync.products,
            variants=sync.variants,
            skipped=sync.skipped,
            deleted=sync.deleted,
            error=sync.error or None,
            started_at=sync.started_at,
            finished_at=sync.finished_at,
            updated_at=sync.updated_at,
        )


class CatalogueSettingsType(graphene.ObjectType):
    class Meta:
        name = "CatalogueSettings"
        description = "How the catalogue shows products and when stock counts as low."

    product_url_patterns = GenericScalar(
        required=True,
        description=(
            'Storefront product URLs per channel slug, "*" for every other channel, e.g. '
            '{"*": "https://shop.example/{channel}/products/{slug}"}; placeholders {channel}, '
            "{slug}, {id} (Saleor's product id) and {variant_id}."
        ),
    )
    low_stock_threshold = graphene.Int(
        required=True,
        description="A variant's stock falling below this (from at or above it) is low stock.",
    )
    consumable_product_types = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Product type names bought again and again: recommended again after a buy.",
    )

    @classmethod
    def of(cls, settings: CatalogueSettings) -> CatalogueSettingsType:
        return cls(
            product_url_patterns=settings.product_url_patterns,
            low_stock_threshold=settings.low_stock_threshold,
            consumable_product_types=settings.consumable_product_types,
        )


class CatalogueQuery(graphene.ObjectType):
    catalogue_sync = graphene.Field(
        CatalogueSyncType,
        description=(
            "The latest full sync of the catalogue (started with the backfill at installation); "
            "null before the first."
        ),
    )
    catalogue_settings = graphene.Field(CatalogueSettingsType, required=True)

    @staticmethod
    def resolve_catalogue_sync(root: Any, info: graphene.ResolveInfo) -> CatalogueSyncType | None:
        context: Context = info.context
        installation = context.require_dashboard().installation
        sync = catalogue_sync_latest(installation_id=installation.pk)
        return CatalogueSyncType.of(sync) if sync is not None else None

    @staticmethod
    def resolve_catalogue_settings(root: Any, info: graphene.ResolveInfo) -> CatalogueSettingsType:
        context: Context = info.context
        installation = context.require_dashboard().installation
        return CatalogueSettingsType.of(catalogue_settings(installation.pk))
