"""``restartCatalogueSync``: read the whole catalogue from Saleor again."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction

from saleor_mautomation.backfill.catalogue import catalogue_sync
from saleor_mautomation.catalogue.sync import catalogue_sync_restart
from saleor_mautomation.core import clock
from saleor_mautomation.flows.handoff import handoff
from saleor_mautomation.graphql.catalogue import CatalogueSyncType
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors


class RestartCatalogueSync(graphene.Mutation):
    class Meta:
        description = (
            "Read the shop's categories, collections and products from Saleor again, from the "
            "first page (what is stored is updated; what Saleor no longer has is deleted once "
            "the sync completes). Refused with CATALOGUE_SYNC_RUNNING while one is under way."
        )

    catalogue_sync = graphene.Field(CatalogueSyncType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo) -> RestartCatalogueSync:
        context: Context = info.context
        installation = context.require_dashboard().installation
        with domain_errors(), transaction.atomic():
            sync = catalogue_sync_restart(installation_id=installation.pk, now=clock.now())
        transaction.on_commit(lambda: handoff(catalogue_sync, installation.pk))
        return RestartCatalogueSync(catalogue_sync=CatalogueSyncType.of(sync))


class CatalogueSyncMutation(graphene.ObjectType):
    restart_catalogue_sync = RestartCatalogueSync.Field()
