"""``eraseContact(id)``: the Dashboard erases one contact now (right to erasure, GDPR art. 17).

Any contact: a Saleor customer (whose account the shop may keep), a guest buyer, a
newsletter-only subscriber. The coordinator erases what every domain holds in the same
transaction (``flows.erasure``); only a raw delivery naming the person that still waits to be
drained is blanked later, by the erasure sweep, once drained.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.contacts.models import ErasureRequest
from saleor_mautomation.core import clock
from saleor_mautomation.flows.erasure import erasure_now
from saleor_mautomation.graphql.contacts import from_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id


class EraseContact(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True, description="The contact to erase.")

    erased = graphene.Boolean(required=True, description="Always true: an error otherwise.")

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> EraseContact:
        installation_id = dashboard_installation_id(info)
        erased = erasure_now(
            installation_id=installation_id,
            contact_id=from_global_id("Contact", id),
            source=ErasureRequest.Source.DASHBOARD,
            now=clock.now(),
        )
        if not erased:
            raise GraphQLError("No such contact", extensions={"code": "NOT_FOUND"})
        return EraseContact(erased=True)


class EraseContactMutation(graphene.ObjectType):
    erase_contact = EraseContact.Field(
        description="Erase a contact and what is held about them (cannot be undone)."
    )
