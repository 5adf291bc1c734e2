"""Answers in the shape a GraphQL document asks for, as Saleor gives them: a source object (a
superset of the fields) cut to the document's selection, aliases and fragments honoured.

The demo Saleor answers the app's documents this way, and the tests' stand-in Saleor too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)


def selected(
    selection_set: SelectionSetNode | None,
    source: Any,
    fragments: dict[str, FragmentDefinitionNode],
) -> Any:
    """``source`` cut to the fields a document selects (aliases honoured), as Saleor answers."""
    if selection_set is None or source is None:
        return source
    if isinstance(source, list):
        return [selected(selection_set, item, fragments) for item in source]
    answer: dict[str, Any] = {}
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            answer[key] = selected(
                selection.selection_set, source.get(selection.name.value), fragments
            )
        elif isinstance(selection, InlineFragmentNode):
            answer.update(selected(selection.selection_set, source, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            answer.update(selected(fragment.selection_set, source, fragments))
    return answer


def root_names(payload: dict[str, Any]) -> list[str]:
    """The root fields of a request's operation."""
    operation = next(
        d for d in parse(payload["query"]).definitions if isinstance(d, OperationDefinitionNode)
    )
    return [s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)]


def answer_roots(
    payload: dict[str, Any], resolve: Callable[[str, dict[str, Any]], Any]
) -> dict[str, Any]:
    """The ``data`` of a request whose root fields ``resolve`` answers (given the field's name
    and its arguments, read from the variables), each cut to the fields the document selects."""
    document = parse(payload["query"])
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    variables = payload.get("variables") or {}
    data = {}
    for root in operation.selection_set.selections:
        if not isinstance(root, FieldNode):
            continue
        arguments = {
            argument.name.value: variables.get(argument.value.name.value)  # type: ignore[attr-defined]
            for argument in root.arguments
            if argument.value.kind == "variable"
        }
        key = root.alias.value if root.alias else root.name.value
        data[key] = selected(root.selection_set, resolve(root.name.value, arguments), fragments)
    return data
