from functools import cache

import pytest
from graphql import (
    FieldNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_schema,
    get_named_type,
    parse,
    validate,
    visit,
)

from saleor_mautomation.intake.registry import WEBHOOKS
from saleor_mautomation.saleor.documents import query_documents, with_fragments, without_fields
from saleor_mautomation.saleor.webhooks import SPECS
from tests.support.samples import schema_sdl


@cache
def saleor_schema():
    return build_schema(schema_sdl())


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.event)
def test_subscription_validates_against_saleor_schema(spec):
    # when
    errors = validate(saleor_schema(), parse(spec.subscription))

    # then
    assert errors == []


@pytest.mark.parametrize("name", sorted(query_documents()))
def test_query_document_validates_against_saleor_schema(name):
    errors = validate(saleor_schema(), parse(query_documents()[name]))

    assert errors == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.event)
def test_subscription_asks_for_the_envelope(spec):
    document = spec.subscription

    assert "issuedAt" in document
    assert "version" in document
    assert "issuingPrincipal" in document


def test_deletion_subscriptions_do_not_select_private_metadata():
    # Saleor nulls the whole user when it cannot resolve privateMetadata of a deleted row.
    for event in ("CUSTOMER_DELETED", "ACCOUNT_DELETED"):
        assert "privateMetadata" not in WEBHOOKS[event].spec.subscription


def test_line_selections_reach_product_category_and_thumbnail():
    for event in ("CHECKOUT_UPDATED", "ORDER_CREATED"):
        document = WEBHOOKS[event].spec.subscription
        assert "category" in document
        assert "thumbnail(size: 512, format: WEBP)" in document


def test_with_fragments_appends_transitive_fragments_once():
    # when
    document = with_fragments("query Q { me { ...UserFields } }")

    # then
    assert document.count("fragment UserFields on User") == 1
    assert document.count("fragment DeletedUserFields on User") == 1
    assert document.count("fragment AddressFields on Address") == 1
    assert "fragment OrderFields" not in document


def test_with_fragments_refuses_unknown_fragment():
    with pytest.raises(KeyError, match="NoSuchFields"):
        with_fragments("query Q { me { ...NoSuchFields } }")


def test_no_document_asks_for_the_order_origin():
    # Saleor 3.23 cannot serialise an empty ``origin`` (its demo orders have one): "Expected a
    # value of type "OrderOriginEnum" but received: " nulls the whole orders connection (``Order``
    # and its edges are non-null). The app never read it, so no document asks for it.
    documents = [spec.subscription for spec in SPECS] + list(query_documents().values())

    asking = [
        document
        for document in documents
        if "origin" in {field.name.value for field in _fields_of(parse(document), "Order")}
    ]

    assert asking == []


def _fields_of(document, type_name):
    found = []
    info = TypeInfo(saleor_schema())

    class Collect(Visitor):
        def enter_field(self, node, *_args):
            parent = info.get_parent_type()
            if parent is not None and get_named_type(parent).name == type_name:
                found.append(node)

    visit(document, TypeInfoVisitor(info, Collect()))
    assert all(isinstance(field, FieldNode) for field in found)
    return found


def test_a_document_without_some_fields_stays_valid_and_leaves_the_fragments_alone():
    # given
    path = ("orders", "edges", "node")

    # when
    document = without_fields(
        query_documents()["backfill_orders"],
        [(*path, "chargeStatus"), (*path, "lines", "thumbnail"), (*path, "user", "email")],
    )

    # then
    assert validate(saleor_schema(), parse(document)) == []
    fields = {field.name.value for field in _fields_of(parse(document), "Order")}
    assert "chargeStatus" not in fields
    assert {"id", "number", "total", "lines", "user"} <= fields
    assert "thumbnail" not in {f.name.value for f in _fields_of(parse(document), "OrderLine")}
    assert "email" not in {f.name.value for f in _fields_of(parse(document), "User")}
    assert "chargeStatus" in WEBHOOKS["ORDER_CREATED"].spec.subscription
