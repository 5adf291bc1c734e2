"""What a template asks of the recipient's context, read from its source before any render.

A template shows recommendations with ``recommend(strategy, count)``, e.g.
``{% for item in recommend("bought_together", 4) %}``, or with the ``recommendations`` list
(the ``personalised`` strategy, 4 products). The call is resolved *before* the render: the
arguments must be written in the template (literals), so the sender reads them here, from the
template's syntax tree, and computes each strategy once per recipient for a whole batch; the
render then only looks the answer up (no query inside the sandbox, ADR 0017 and 0032). A
template that never names ``cart``, ``viewed``, ``ordered``, ``product`` or a recommendation
costs the sender nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import TemplateRuntimeError

from saleor_mautomation.messages.rendering import StageError

# The strategies of ``recommendations.selectors.recommend`` a template may name.
STRATEGIES = (
    "bought_together",
    "similar",
    "bestsellers",
    "bestsellers_in_category",
    "recently_viewed",
    "personalised",
)
MAX_COUNT = 12  # products one recommend() may show
MAX_BLOCKS = 4  # distinct strategies one template may ask for
FUNCTION = "recommend"
LIST = "recommendations"
DEFAULT = ("personalised", 4)  # what ``recommendations`` holds
# The product names of the context, each computed only for a template that names it.
PRODUCT_NAMES = frozenset({"cart", "viewed", "ordered", "product"})

Picks = dict[str, list[dict[str, Any]]]  # per strategy, the cards computed for a recipient

_PARSER = jinja2.Environment(autoescape=True)  # the syntax only: nothing is rendered with it


@dataclass(frozen=True)
class Needs:
    """What templates ask for: the product names they use, and per strategy the largest count."""

    names: frozenset[str] = frozenset()
    blocks: dict[str, int] = field(default_factory=dict)

    def __or__(self, other: Needs) -> Needs:
        blocks = dict(self.blocks)
        for strategy, count in other.blocks.items():
            blocks[strategy] = max(count, blocks.get(strategy, 0))
        return Needs(names=self.names | other.names, blocks=blocks)

    @property
    def empty(self) -> bool:
        return not self.names and not self.blocks


EVERYTHING = Needs(names=PRODUCT_NAMES, blocks={DEFAULT[0]: DEFAULT[1]})


@dataclass(frozen=True)
class _Call:
    strategy: str | None  # None: not a literal
    count: int | None
    line: int


def _calls(tree: nodes.Template) -> list[_Call]:
    calls = []
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == FUNCTION):
            continue
        args: list[nodes.Expr] = list(call.args)
        named = {keyword.key: keyword.value for keyword in call.kwargs}
        strategy = args[0] if args else named.get("strategy")
        count = args[1] if len(args) > 1 else named.get("count")
        calls.append(
            _Call(
                strategy=strategy.value
                if isinstance(strategy, nodes.Const) and isinstance(strategy.value, str)
                else None,
                count=DEFAULT[1]
                if count is None
                else count.value
                if isinstance(count, nodes.Const) and type(count.value) is int
                else None,
                line=call.lineno,
            )
        )
    return calls


def _parse(source: str) -> nodes.Template | None:
    try:
        return _PARSER.parse(source)
    except jinja2.TemplateSyntaxError:
        return None  # the syntax stage reports it


@lru_cache(maxsize=512)
def needs_of(source: str) -> Needs:
    """What one template source (HTML, text, subject, ...) asks for; valid calls only."""
    if "{" not in source:
        return Needs()
    tree = _parse(source)
    if tree is None:
        return Needs()
    loaded = {name.name for name in tree.find_all(nodes.Name) if name.ctx == "load"}
    blocks: dict[str, int] = {}
    if LIST in loaded:
        blocks[DEFAULT[0]] = DEFAULT[1]
    for call in _calls(tree):
        if call.strategy in STRATEGIES and call.count is not None and 0 < call.count <= MAX_COUNT:
            blocks[call.strategy] = max(call.count, blocks.get(call.strategy, 0))
    return Needs(names=frozenset(loaded & PRODUCT_NAMES), blocks=blocks)


def needs_of_sources(sources: Iterable[str]) -> Needs:
    needs = Needs()
    for source in sources:
        if source:
            needs = needs | needs_of(source)
    return needs


def block_errors(source: str, field: str = "mjml") -> list[StageError]:
    """The ``recommend`` calls the sender could not resolve: arguments that are not written
    in the template, an unknown strategy, a count outside 1 to ``MAX_COUNT``, too many
    strategies."""
    tree = _parse(source)
    if tree is None:
        return []
    errors = []
    strategies = set()
    for call in _calls(tree):
        if call.strategy is None or call.count is None:
            message = (
                "recommend() takes a strategy and a count written in the template, e.g. "
                'recommend("bought_together", 4)'
            )
        elif call.strategy not in STRATEGIES:
            message = f"Unknown strategy {call.strategy!r}: one of {', '.join(STRATEGIES)}"
        elif not 0 < call.count <= MAX_COUNT:
            message = f"recommend() shows 1 to {MAX_COUNT} products, not {call.count}"
        else:
            strategies.add(call.strategy)
            continue
        errors.append(StageError("template", "recommend", message, line=call.line, field=field))
    if len(strategies) > MAX_BLOCKS:
        errors.append(
            StageError(
                "template",
                "recommend",
                f"At most {MAX_BLOCKS} recommendation strategies in one template",
                field=field,
            )
        )
    return errors


class RecommendRefused(TemplateRuntimeError):
    """``recommend()`` called with a strategy or count it does not take."""


def recommend_function(picks: Picks) -> Callable[..., list[dict[str, Any]]]:
    """The template's ``recommend(strategy, count)``: a look-up of what was computed before the
    render (a strategy nobody computed shows nothing)."""

    def recommend(strategy: str, count: int = DEFAULT[1]) -> list[dict[str, Any]]:
        if strategy not in STRATEGIES:
            raise RecommendRefused(f"Unknown strategy {strategy!r}: one of {', '.join(STRATEGIES)}")
        if type(count) is not int or not 0 < count <= MAX_COUNT:
            raise RecommendRefused(f"recommend() shows 1 to {MAX_COUNT} products")
        return picks.get(strategy, [])[:count]

    return recommend
