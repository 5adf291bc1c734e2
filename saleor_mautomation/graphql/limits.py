"""What a request to ``/graphql/`` may ask for, checked before anything runs.

A GraphQL document costs CPU in proportion to what it says, before a resolver runs: parsing is
linear in its tokens, validation is quadratic in fields that share a response name, and
execution multiplies by every list. So each request is bounded in stages, each cheaper than the
next and each refused with a code of its own (docs/adr/0016):

1. the body, by its ``Content-Length``, before it is read (``REQUEST_TOO_LARGE``, 413);
2. the document's tokens while it is parsed: the parser stops at the limit
   (``QUERY_TOO_LARGE``), and at graphql-core's own nesting bound (``QUERY_TOO_DEEP``);
3. one walk over the operations with fragments expanded, stopping at the first limit reached:
   depth (``QUERY_TOO_DEEP``), selections (``QUERY_TOO_MANY_FIELDS``), aliases
   (``QUERY_TOO_MANY_ALIASES``) and cost (``QUERY_TOO_EXPENSIVE``);
4. the input values, literals and variables: no NUL character (PostgreSQL cannot store one)
   and no nesting deeper than the parser's own bound (``INVALID_INPUT``);

and only then graphql-core's standard validation and the execution. Steps 3 and 4 are
validation rules run in a pass of their own before the standard rules.

graphene's ``depth_limit_validator`` and the libraries of the field (graphene-protector,
graphql-complexity) skip introspection fields, so 200,000 ``__typename`` aliases would cost
them nothing: this walk counts every field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    StringValueNode,
    ValidationContext,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
    parse,
    validate,
)
from graphql.language.parser import MAX_NESTING_DEPTH

# The argument whose value says how many items a field returns (a page size).
PAGE_SIZE_ARGUMENT = "first"
# Input values nested deeper than a document may nest them (graphql-core's parser bound).
MAX_INPUT_DEPTH = MAX_NESTING_DEPTH


@dataclass(frozen=True)
class Limits:
    """The bounds of one request (``GRAPHQL_*`` settings, docs/configuration.md)."""

    body_bytes: int  # a Dashboard call's body
    storefront_body_bytes: int  # any other caller's body
    tokens: int  # lexical tokens of the document (comments counted apart, as many)
    depth: int  # nested fields below the operation
    selections: int  # fields, fragment spreads and inline fragments, fragments expanded
    aliases: int  # aliased fields, fragments expanded
    cost: int  # fields, each counted once per item its enclosing pages may return


def limit_error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def document_parse(query: str, limits: Limits) -> DocumentNode:
    """The parsed document; a ``GraphQLError`` for a document past the token limit (the
    parser stops there, having read no further) or with a syntax error."""
    try:
        return parse(
            Source(query, "GraphQL request"),
            max_lexical_tokens=limits.tokens,
            max_comments=limits.tokens,
        )
    except GraphQLSyntaxError as error:
        # graphql-core's own limits: "Document contains more than N tokens|comments." and
        # "Document is nested too deeply.", each followed by "Parsing aborted."
        if error.message.endswith(("tokens. Parsing aborted.", "comments. Parsing aborted.")):
            raise limit_error(
                f"The query is too large: at most {limits.tokens} tokens", "QUERY_TOO_LARGE"
            ) from error
        if error.message.endswith("nested too deeply. Parsing aborted."):
            raise limit_error(
                f"The query is nested too deeply: at most {MAX_INPUT_DEPTH} levels",
                "QUERY_TOO_DEEP",
            ) from error
        raise


def document_check(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    limits: Limits,
) -> list[GraphQLError]:
    """The limits and input errors of a parsed document (empty when within bounds)."""
    rules = [_budget_rule(limits, variables or {}), InputValuesRule]
    errors = validate(schema, document, rules)
    if not errors:
        errors = _variables_errors(variables or {})
    return errors


@dataclass
class _Usage:
    depth: int = 0
    selections: int = 0
    aliases: int = 0
    cost: int = 0


@dataclass(frozen=True)
class _Pending:
    """A selection set still to walk: where it is and what encloses it."""

    selection_set: SelectionSetNode
    parent_type: GraphQLNamedType | None
    depth: int
    multiplier: int
    fragments: frozenset[str]  # the fragments being expanded around it (a cycle is cut)


def _budget_rule(limits: Limits, variables: Mapping[str, Any]) -> type[ValidationRule]:
    class BudgetRule(ValidationRule):
        """The document's operations share one budget: the standard validation that follows
        reads all of them, whichever one then runs."""

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.usage = _Usage()

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> Any:
            error = _operation_over_budget(self.context, node, limits, variables, self.usage)
            if error is not None:
                self.report_error(error)
                return self.BREAK
            return None

    return BudgetRule


def _operation_over_budget(
    context: ValidationContext,
    operation: OperationDefinitionNode,
    limits: Limits,
    variables: Mapping[str, Any],
    usage: _Usage,
) -> GraphQLError | None:
    """Walks the operation with its fragments expanded, iteratively (fragment chains are
    deeper than Python's stack), and stops at the first limit reached: the walk itself never
    costs more than the limits allow."""
    root = context.schema.get_root_type(operation.operation)
    pending = [_Pending(operation.selection_set, root, 0, 1, frozenset())]
    while pending:
        item = pending.pop()
        for selection in item.selection_set.selections:
            usage.selections += 1
            if usage.selections > limits.selections:
                return limit_error(
                    f"The query selects too much: at most {limits.selections} fields",
                    "QUERY_TOO_MANY_FIELDS",
                )
            if isinstance(selection, FieldNode):
                child = _field(selection, item, usage, context.schema, variables)
                if usage.depth > limits.depth:
                    return limit_error(
                        f"The query is too deep: at most {limits.depth} levels",
                        "QUERY_TOO_DEEP",
                    )
                if usage.aliases > limits.aliases:
                    return limit_error(
                        f"The query has too many aliases: at most {limits.aliases}",
                        "QUERY_TOO_MANY_ALIASES",
                    )
                if usage.cost > limits.cost:
                    return limit_error(
                        f"The query is too expensive: at most {limits.cost} fields counted "
                        f"with the page sizes ({PAGE_SIZE_ARGUMENT}) of their lists",
                        "QUERY_TOO_EXPENSIVE",
                    )
                if child is not None:
                    pending.append(child)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                parent = context.schema.get_type(condition.name.value) if condition else None
                pending.append(
                    _Pending(
                        selection.selection_set,
                        parent or item.parent_type,
                        item.depth,
                        item.multiplier,
                        item.fragments,
                    )
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = context.get_fragment(name)
                if fragment is None or name in item.fragments:
                    continue  # unknown or cyclic: the standard rules say so
                pending.append(_spread(fragment, item, context.schema))
    return None


def _field(
    node: FieldNode,
    item: _Pending,
    usage: _Usage,
    schema: GraphQLSchema,
    variables: Mapping[str, Any],
) -> _Pending | None:
    """Counts the field; the selection set below it, if any, to walk next."""
    depth = item.depth + 1
    usage.depth = max(usage.depth, depth)
    usage.aliases += node.alias is not None
    usage.cost += item.multiplier
    if node.selection_set is None:
        return None
    parent = item.parent_type
    definition = None
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        definition = parent.fields.get(node.name.value)
    if node.name.value == "__schema":
        field_type: GraphQLNamedType | None = schema.get_type("__Schema")
    elif node.name.value == "__type":
        field_type = schema.get_type("__Type")
    else:
        field_type = get_named_type(definition.type) if definition else None
    page = _page_size(node, definition.args if definition else {}, variables)
    return _Pending(node.selection_set, field_type, depth, item.multiplier * page, item.fragments)


def _spread(fragment: FragmentDefinitionNode, item: _Pending, schema: GraphQLSchema) -> _Pending:
    parent = schema.get_type(fragment.type_condition.name.value)
    return _Pending(
        fragment.selection_set,
        parent or item.parent_type,
        item.depth,
        item.multiplier,
        item.fragments | {fragment.name.value},
    )


def _page_size(node: FieldNode, arguments: Mapping[str, Any], variables: Mapping[str, Any]) -> int:
    """The field's ``first``: given in the document, by a variable, else the schema's default;
    1 for a field without one (its list is bounded by the shop's own rows)."""
    value: Any = None
    for argument in node.arguments:
        if argument.name.value == PAGE_SIZE_ARGUMENT:
            value = _literal_int(argument.value, variables)
    if value is None and PAGE_SIZE_ARGUMENT in arguments:
        value = arguments[PAGE_SIZE_ARGUMENT].default_value
    if isinstance(value, int) and not isinstance(value, bool) and value > 1:
        return value
    return 1


def _literal_int(value: ValueNode, variables: Mapping[str, Any]) -> Any:
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, VariableNode):
        return variables.get(value.name.value)
    return None


class InputValuesRule(ValidationRule):
    """No NUL character in a string literal (PostgreSQL cannot store or compare one)."""

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if "\x00" in node.value:
            self.report_error(_nul_error([node]))


def _nul_error(nodes: list[StringValueNode] | None = None) -> GraphQLError:
    return GraphQLError(
        "Text must not contain the NUL character (\\u0000)",
        nodes,
        extensions={"code": "INVALID_INPUT"},
    )


def _variables_errors(variables: Mapping[str, Any]) -> list[GraphQLError]:
    """The same for the variables' values (and their keys), and their nesting: a value nested
    deeper than a document may nest one is refused before any resolver recurses into it."""
    for value, depth in _walk(variables):
        if depth > MAX_INPUT_DEPTH:
            return [
                limit_error(
                    f"The variables are nested too deeply: at most {MAX_INPUT_DEPTH} levels",
                    "INVALID_INPUT",
                )
            ]
        if isinstance(value, str) and "\x00" in value:
            return [_nul_error()]
    return []


def _walk(value: Any) -> Iterator[tuple[Any, int]]:
    """Every value and key inside ``value`` with its depth, iteratively."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        yield item, depth
        if isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
