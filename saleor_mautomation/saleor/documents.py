"""The GraphQL documents the app sends to Saleor, loaded from the ``.graphql`` files beside.

A document names fragments by spread; ``with_fragments`` appends every fragment it needs
(transitively) from ``fragments.graphql``, so each fragment is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

DOCUMENTS_DIR = Path(__file__).parent / "graphql"


@cache
def _fragments() -> dict[str, FragmentDefinitionNode]:
    tree = parse((DOCUMENTS_DIR / "fragments.graphql").read_text())
    return {
        node.name.value: node
        for node in tree.definitions
        if isinstance(node, FragmentDefinitionNode)
    }


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        if node.name.value not in self.names:
            self.names.append(node.name.value)


def _spreads(source: str) -> list[str]:
    collector = _SpreadCollector()
    visit(parse(source), collector)
    return collector.names


def with_fragments(source: str) -> str:
    """Return ``source`` followed by the definitions of every fragment it uses."""
    fragments = _fragments()
    needed: list[str] = []
    pending = _spreads(source)
    while pending:
        name = pending.pop(0)
        if name in needed:
            continue
        if name not in fragments:
            raise KeyError(f"Unknown fragment {name!r} in a Saleor document")
        needed.append(name)
        pending.extend(_spreads(print_ast(fragments[name])))
    return "\n\n".join([source.strip(), *(print_ast(fragments[n]) for n in needed)]) + "\n"


@cache
def load(name: str) -> str:
    """A query or mutation from ``graphql/<name>.graphql``, with its fragments."""
    return with_fragments((DOCUMENTS_DIR / f"{name}.graphql").read_text())


def query_documents() -> dict[str, str]:
    """Every query and mutation document the app sends (for schema validation)."""
    return {
        path.stem: load(path.stem)
        for path in sorted(DOCUMENTS_DIR.glob("*.graphql"))
        if path.stem != "fragments"
    }


def _inlined(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> SelectionSetNode:
    """``selection_set`` with every fragment spread replaced by an inline fragment."""
    selections: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            selections.append(
                InlineFragmentNode(
                    type_condition=fragment.type_condition,
                    directives=(),
                    selection_set=_inlined(fragment.selection_set, fragments),
                )
            )
        elif isinstance(selection, InlineFragmentNode):
            selections.append(
                InlineFragmentNode(
                    type_condition=selection.type_condition,
                    directives=selection.directives,
                    selection_set=_inlined(selection.selection_set, fragments),
                )
            )
        elif isinstance(selection, FieldNode):
            selections.append(
                _field(
                    selection,
                    _inlined(selection.selection_set, fragments)
                    if selection.selection_set
                    else None,
                )
            )
    return SelectionSetNode(selections=tuple(selections))


def _field(node: FieldNode, selection_set: SelectionSetNode | None) -> FieldNode:
    return FieldNode(
        alias=node.alias,
        name=node.name,
        arguments=node.arguments,
        directives=node.directives,
        selection_set=selection_set,
    )


def _without(selection_set: SelectionSetNode, path: Sequence[str]) -> SelectionSetNode | None:
    """``selection_set`` without the field at ``path`` (response keys); a selection left empty
    goes too, so the document stays valid."""
    head, rest = path[0], path[1:]
    selections: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            inner = _without(selection.selection_set, path)
            if inner is not None:
                selections.append(
                    InlineFragmentNode(
                        type_condition=selection.type_condition,
                        directives=selection.directives,
                        selection_set=inner,
                    )
                )
        elif isinstance(selection, FieldNode) and (selection.alias or selection.name).value == head:
            if rest and selection.selection_set is not None:
                kept = _without(selection.selection_set, rest)
                if kept is not None:
                    selections.append(_field(selection, kept))
        else:
            selections.append(selection)
    return SelectionSetNode(selections=tuple(selections)) if selections else None


def without_fields(source: str, paths: Sequence[Sequence[str]]) -> str:
    """``source`` (a document with its fragments) without the fields at ``paths``, each a path
    of response keys from the operation's root (``("orders", "edges", "node", "chargeStatus")``).

    Fragments are inlined first: a fragment is shared (the order fields of the webhooks and of
    the backfill), and a field is left out of this one place only.
    """
    document = parse(source)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    selection_set: SelectionSetNode | None = _inlined(operation.selection_set, fragments)
    for path in paths:
        assert selection_set is not None
        selection_set = _without(selection_set, path)
    if selection_set is None:
        raise ValueError("Leaving out these fields leaves nothing to ask")
    trimmed = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=selection_set,
    )
    return print_ast(DocumentNode(definitions=(trimmed,))) + "\n"
