"""The GraphQL documents the app sends to Saleor, loaded from the ``.graphql`` files beside.

A document names fragments by spread; ``with_fragments`` appends every fragment it needs
(transitively) from ``fragments.graphql``, so each fragment is written once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import FragmentDefinitionNode, FragmentSpreadNode, Visitor, parse, print_ast, visit

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
