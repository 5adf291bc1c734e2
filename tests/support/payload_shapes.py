"""Whether a webhook body is shaped as its subscription document makes Saleor send it.

For deliveries no real Saleor was recorded sending, the tests build bodies by hand; this walks
the subscription (fragments and type conditions resolved against Saleor's schema) beside the
body and lists every difference: a field the document selects that the body lacks, a key it
does not select, a null where the schema says non-null, a value of the wrong scalar kind.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    is_abstract_type,
    parse,
)

from tests.support.samples import schema_sdl

SCALARS: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "ID": (str,),
    "Int": (int,),
    "Float": (int, float),
    "Boolean": (bool,),
    "PositiveDecimal": (int, float, str),
    "Decimal": (int, float, str),
    "JSONString": (str,),
    "UUID": (str,),
}


@cache
def saleor_schema() -> GraphQLSchema:
    return build_schema(schema_sdl())


def _applies(schema: GraphQLSchema, condition: str, typename: str) -> bool:
    if condition == typename:
        return True
    wanted = schema.get_type(condition)
    actual = schema.get_type(typename)
    if isinstance(wanted, GraphQLInterfaceType | GraphQLUnionType) and isinstance(
        actual, GraphQLObjectType
    ):
        return schema.is_sub_type(wanted, actual)
    return False


def _fields(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode,
    typename: str,
    fragments: dict[str, FragmentDefinitionNode],
    into: dict[str, FieldNode],
) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            key = (selection.alias or selection.name).value
            into.setdefault(key, selection)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            if condition is None or _applies(schema, condition, typename):
                _fields(schema, selection.selection_set, typename, fragments, into)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            if _applies(schema, fragment.type_condition.name.value, typename):
                _fields(schema, fragment.selection_set, typename, fragments, into)


def _check(
    schema: GraphQLSchema,
    type_: GraphQLOutputType,
    node: FieldNode,
    value: Any,
    path: str,
    fragments: dict[str, FragmentDefinitionNode],
    errors: list[str],
) -> None:
    if isinstance(type_, GraphQLNonNull):
        if value is None:
            errors.append(f"{path}: null for a non-null {type_}")
            return
        type_ = type_.of_type
    if value is None:
        return
    if isinstance(type_, GraphQLList):
        if not isinstance(value, list):
            errors.append(f"{path}: not a list")
            return
        for index, item in enumerate(value):
            _check(schema, type_.of_type, node, item, f"{path}[{index}]", fragments, errors)
        return
    named: GraphQLNamedType = type_  # type: ignore[assignment]
    if isinstance(named, GraphQLScalarType):
        if named.name == "DateTime":
            try:
                datetime.fromisoformat(value)
            except (TypeError, ValueError):
                errors.append(f"{path}: {value!r} is not a DateTime")
        elif named.name in SCALARS and (
            not isinstance(value, SCALARS[named.name])
            or (named.name != "Boolean" and isinstance(value, bool))
        ):
            errors.append(f"{path}: {value!r} is not a {named.name}")
        return
    if isinstance(named, GraphQLEnumType):
        if not isinstance(value, str):
            errors.append(f"{path}: {value!r} is not an enum value")
        return
    if not isinstance(value, dict):
        errors.append(f"{path}: not an object")
        return
    typename = value.get("__typename") or named.name
    if is_abstract_type(named) and "__typename" not in value:
        errors.append(f"{path}: an abstract {named.name} without __typename")
        return
    assert node.selection_set is not None
    _object(schema, node.selection_set, typename, value, path, fragments, errors)


def _object(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode,
    typename: str,
    value: dict[str, Any],
    path: str,
    fragments: dict[str, FragmentDefinitionNode],
    errors: list[str],
) -> None:
    selected: dict[str, FieldNode] = {}
    _fields(schema, selection_set, typename, fragments, selected)
    for key in sorted(set(value) - set(selected)):
        errors.append(f"{path}.{key}: not selected by the document")
    object_type = schema.get_type(typename)
    if not isinstance(object_type, GraphQLObjectType):
        errors.append(f"{path}: {typename} is not an object type")
        return
    for key, field_node in selected.items():
        if key not in value:
            errors.append(f"{path}.{key}: selected but missing")
            continue
        name = field_node.name.value
        if name == "__typename":
            if value[key] != typename:
                errors.append(f"{path}.__typename: {value[key]!r}")
            continue
        definition = object_type.fields.get(name)
        if definition is None:
            errors.append(f"{path}.{key}: no field {name} on {typename}")
            continue
        _check(schema, definition.type, field_node, value[key], f"{path}.{key}", fragments, errors)


def shape_errors(subscription: str, body: dict[str, Any]) -> list[str]:
    """How ``body`` (a delivery: the ``event`` field's value) differs from what ``subscription``
    makes Saleor send; empty when it is shaped exactly so."""
    schema = saleor_schema()
    document = parse(subscription)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    (event,) = operation.selection_set.selections
    assert isinstance(event, FieldNode)
    assert event.selection_set is not None
    errors: list[str] = []
    typename = body.get("__typename")
    if not isinstance(typename, str):
        return ["event: no __typename"]
    _object(schema, event.selection_set, typename, body, "event", fragments, errors)
    return errors
