"""The app's GraphQL schema, composed of one Query (and Mutation) mixin per domain module."""

from __future__ import annotations

import graphene

from saleor_mautomation.graphql.contacts import ContactsQuery
from saleor_mautomation.graphql.installation import InstallationQuery


class Query(InstallationQuery, ContactsQuery, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query)
