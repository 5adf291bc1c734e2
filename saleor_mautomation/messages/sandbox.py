"""The sandbox admin-written templates render in: immutable, and bounded in work and size.

Jinja2's ``ImmutableSandboxedEnvironment`` refuses internals (``__class__``) and the mutating
methods of builtin containers (``dict.update``, ``list.append``), so a template can change
nothing outside its own render: the context it was given, in particular the editor's example
context shared by every shop, stays as it was (``frozen`` makes that one deeply immutable for
Python callers too).

Each render also has a budget (a ``_Budget`` context, no tracing and no thread): the compiled
template charges it where work can grow without bound, and refuses with ``TooExpensive`` once
it is spent:

- operations (``MAX_OPERATIONS``): one per loop iteration (every ``for`` iterates through
  ``bounded``, recursive loops included) and per call; a filter, a test or a comparison pays
  for the size of the collection or string it walks;
- output (``MAX_OUTPUT`` characters): every value a tag writes, captured (``{% set %}``,
  macros, ``caller()``) or not, and the literal text written inside loops and macros;
- size (``MAX_STRING`` characters, ``MAX_ITEMS`` items, ``MAX_INT_BITS``): checked *before*
  ``*``, ``+``, ``**`` and ``%`` build their result, for the padding and joining methods and
  filters (``center``, ``ljust``, ``rjust``, ``zfill``, ``expandtabs``, ``replace``, ``join``,
  ``indent``, ``wordwrap``, ``batch``, ``slice``, ``sum``, ``lipsum``) and for the widths and
  precisions of ``format``, ``str.format`` and ``%``-formatting (``MAX_WIDTH``);
- weight (``MAX_WEIGHT``): the items a list, tuple, dict or namespace a template builds
  reaches at every depth, so ``{% set x = [x, x] %}`` cannot double a structure without end.

The limits are far above what an email needs (the default templates use a few hundred
operations and about 16,000 characters of HTML) and low enough that a refused render takes
milliseconds: see docs/adr/0017.
"""

from __future__ import annotations

import copy
import re
import string
import textwrap
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, operators, optimizeconst
from jinja2.exceptions import TemplateRuntimeError
from jinja2.filters import FILTERS
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.tests import TESTS
from jinja2.utils import Namespace, generate_lorem_ipsum, pass_context, pass_environment
from markupsafe import Markup

# Operations per render: loop iterations, calls, and the items (or 16 characters) of every
# collection (string) a filter, test or comparison walks.
MAX_OPERATIONS = 100_000
# Characters a render may write, captured text included.
MAX_OUTPUT = 2_000_000
# The largest string, list and integer an operation may build.
MAX_STRING = 1_000_000
MAX_ITEMS = 100_000
MAX_INT_BITS = 4_096
# The most items (at every depth, each shared one counted where it is used) that a list, tuple
# or dict a template builds may reach: ``{% set x = [x, x] %}`` doubles it.
MAX_WEIGHT = 1_000_000
# The largest width or precision of a padding filter or a format specification.
MAX_WIDTH = 1_000
# The longest text ``wordwrap`` takes (its long-word breaking is quadratic).
MAX_WRAP = 50_000


class TooExpensive(TemplateRuntimeError):
    """The render went over one of the sandbox's limits."""


class _Budget(Context):
    """A render's context, carrying what the render has spent."""

    operations = 0
    output = 0
    weights: dict[int, tuple[Any, int]] | None = None

    def charge(self, operations: int) -> None:
        self.operations += operations
        if self.operations > MAX_OPERATIONS:
            raise TooExpensive(
                f"The template does too much work (over {MAX_OPERATIONS:,} operations)"
            )

    def write(self, characters: int) -> None:
        self.output += characters
        if self.output > MAX_OUTPUT:
            raise TooExpensive(f"The template writes over {MAX_OUTPUT:,} characters")

    def derived(self, locals: dict[str, Any] | None = None) -> Context:
        context = super().derived(locals)
        if isinstance(context, _Budget):  # a scoped block renders with a derived context
            context.operations, context.output = self.operations, self.output
        return context


def _budget(context: Context) -> _Budget:
    if not isinstance(context, _Budget):  # pragma: no cover - every render makes one
        raise TooExpensive("The template rendered without a budget")
    return context


def _cost(value: Any) -> int:
    """What walking ``value`` costs: its items, or one per 16 characters of a string."""
    kind = type(value)
    if kind is str or kind is Markup:
        return 1 + len(value) // 16
    if kind in (list, tuple, dict, set, frozenset, _FrozenDict, _FrozenList):
        return 1 + len(value)
    return 1


def _too_big(what: str, size: int, limit: int) -> TooExpensive:
    return TooExpensive(f"The template builds too large a {what} ({size:,} over {limit:,})")


def _check_size(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise _too_big("string", len(value), MAX_STRING)
    elif isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            raise _too_big("list", len(value), MAX_ITEMS)
    elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise _too_big("number", value.bit_length(), MAX_INT_BITS)
    return value


def _weight(value: Any, cache: dict[int, tuple[Any, int]]) -> int:
    """How many items ``value`` reaches, a shared one counted wherever it is used; lists,
    tuples and dicts cannot change in the sandbox, so their weight is kept per render."""
    if isinstance(value, Namespace):  # changeable: weighed anew
        items: Iterable[Any] = value._Namespace__attrs.values()
    elif isinstance(value, (list, tuple, dict)):
        hit = cache.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        items = value.values() if isinstance(value, dict) else value
    else:
        return 1
    total = 1 + len(items)  # type: ignore[arg-type]
    for item in items:
        if isinstance(item, (list, tuple, dict, Namespace)):
            total += _weight(item, cache)
            if total > MAX_WEIGHT:
                break
    if not isinstance(value, Namespace):
        cache[id(value)] = (value, total)
    return total


def _check_weight(context: Context, value: Any) -> Any:
    budget = _budget(context)
    if budget.weights is None:
        budget.weights = {}
    weight = _weight(value, budget.weights)
    if weight > MAX_WEIGHT:
        raise _too_big("nested list", weight, MAX_WEIGHT)
    return value


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _check_width(width: Any) -> None:
    if isinstance(width, int) and abs(width) > MAX_WIDTH:
        raise _too_big("width", abs(width), MAX_WIDTH)


# A %-conversion: its mapping key, flags, width and precision (``*`` takes an argument).
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
# The numbers of a str.format specification: fill/align, sign, width, grouping, precision.
_SPEC_NUMBERS = re.compile(r"\d+")


def _check_percent(template: str) -> None:
    for width, precision in _PERCENT.findall(template):
        for number in (width, precision):
            if number == "*":
                raise TooExpensive("The template formats with a width from an argument (*)")
            if number:
                _check_width(int(number))


def _check_spec(spec: str) -> None:
    for number in _SPEC_NUMBERS.findall(spec):
        _check_width(int(number))


# What the arithmetic of the sandbox builds, checked before it is built.
def _mul(left: Any, right: Any) -> Any:
    if (
        isinstance(left, int)
        and not isinstance(left, bool)
        and isinstance(right, (str, list, tuple))
    ):
        left, right = right, left
    if isinstance(left, (str, list, tuple)) and isinstance(right, int):
        size, limit = len(left) * max(right, 0), MAX_STRING if isinstance(left, str) else MAX_ITEMS
        if size > limit:
            raise _too_big("string" if isinstance(left, str) else "list", size, limit)
    elif isinstance(left, int) and isinstance(right, int):
        bits = left.bit_length() + right.bit_length()
        if bits > MAX_INT_BITS:
            raise _too_big("number", bits, MAX_INT_BITS)
    return left * right


def _add(left: Any, right: Any) -> Any:
    if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
        size = len(left) + len(right)
        if size > (MAX_STRING if isinstance(left, str) else MAX_ITEMS):
            raise _too_big(
                "string" if isinstance(left, str) else "list",
                size,
                MAX_STRING if isinstance(left, str) else MAX_ITEMS,
            )
    return left + right


def _pow(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and right > 0:
        bits = max(left.bit_length(), 1) * right
        if abs(left) > 1 and bits > MAX_INT_BITS:
            raise _too_big("number", bits, MAX_INT_BITS)
    return left**right


def _mod(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        _check_percent(left)
        return _check_size(left % right)
    return left % right


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": _mul,
    "+": _add,
    "**": _pow,
    "%": _mod,
}


# The str methods whose result can be much larger than their inputs, checked before the call.
def _padded(value: str, width: Any, *rest: Any) -> None:
    _check_width(width)


def _replaced(value: str, old: Any = "", new: Any = "", count: Any = -1) -> None:
    if isinstance(old, str) and isinstance(new, str):
        found = len(value) + 1 if old == "" else value.count(old)
        if isinstance(count, int) and count >= 0:
            found = min(found, count)
        size = len(value) + found * max(len(new) - len(old), 0)
        if size > MAX_STRING:
            raise _too_big("string", size, MAX_STRING)


def _joined(value: str, items: Any = (), *rest: Any) -> None:
    if isinstance(items, (list, tuple)):
        size = sum(_length(item) for item in items) + len(value) * max(len(items) - 1, 0)
        if size > MAX_STRING:
            raise _too_big("string", size, MAX_STRING)


def _expanded(value: str, tabsize: Any = 8) -> None:
    _check_width(tabsize)


_STR_CHECKS: dict[str, Callable[..., None]] = {
    "center": _padded,
    "ljust": _padded,
    "rjust": _padded,
    "zfill": _padded,
    "expandtabs": _expanded,
    "replace": _replaced,
    "join": _joined,
}


def _check_format(template: str) -> None:
    """The widths and precisions of a ``str.format`` template, none from an argument."""
    for _, _, spec, _ in _FORMAT.parse(template):
        if spec:
            if "{" in spec:
                raise TooExpensive("The template formats with a width from an argument ({})")
            _check_spec(spec)


_FORMAT = string.Formatter()


# Filters whose output can be much larger than their input, bounded.
@pass_environment
def _center(environment: Any, value: Any, width: int = 80) -> str:
    _check_width(width)
    return str(value).center(width)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(value)
    if isinstance(width, int):
        _check_width(width)
    prefix = " " * width if isinstance(width, int) else str(width)
    size = len(text) + len(prefix) * (text.count("\n") + 1)
    if size > MAX_STRING:
        raise _too_big("string", size, MAX_STRING)
    return FILTERS["indent"](value, width, first, blank)


@pass_environment
def _wordwrap(
    environment: Any,
    value: Any,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    text = str(value)
    if len(text) > MAX_WRAP:
        raise _too_big("text to wrap", len(text), MAX_WRAP)
    if isinstance(width, int) and width < 1:
        raise TooExpensive("wordwrap needs a width of at least 1")
    separator = environment.newline_sequence if wrapstring is None else str(wrapstring)
    size = len(text) + len(separator) * (len(text) // max(int(width), 1) + 1)
    if size > MAX_STRING:
        raise _too_big("string", size, MAX_STRING)
    return separator.join(  # as Jinja's wordwrap, with the sizes checked first
        separator.join(
            textwrap.wrap(
                line,
                width=width,
                expand_tabs=False,
                replace_whitespace=False,
                break_long_words=break_long_words,
                break_on_hyphens=break_on_hyphens,
            )
        )
        for line in text.splitlines()
    )


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_percent(str(value))
    return _check_size(FILTERS["format"](value, *args, **kwargs))


@pass_context
def _join(context: Context, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items = list(FILTERS["map"](context, value, attribute=attribute) if attribute else value)
    _budget(context).charge(1 + len(items))
    _joined(str(d), [item if isinstance(item, str) else str(item) for item in items])
    return FILTERS["join"](context.eval_ctx, items, d)


def _replace_filter(eval_ctx: Any, value: Any, old: str, new: str, count: int | None = None) -> str:
    _replaced(str(value), str(old), str(new), -1 if count is None else count)
    return FILTERS["replace"](eval_ctx, value, old, new, count)


_replace_filter.jinja_pass_arg = FILTERS["replace"].jinja_pass_arg  # type: ignore[attr-defined]


def _batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    _check_width(linecount)
    return FILTERS["batch"](value, linecount, fill_with)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    _check_width(slices)
    return FILTERS["slice"](value, slices, fill_with)


@pass_context
def _sum(context: Context, iterable: Iterable[Any], attribute: Any = None, start: Any = 0) -> Any:
    items = FILTERS["map"](context, iterable, attribute=attribute) if attribute else iterable
    total = start
    for item in items:
        _budget(context).charge(1)
        total = _add(total, item)
    return total


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    for number in (n, min, max):
        _check_width(number)
    return generate_lorem_ipsum(n, html, min, max)


def _charged(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter or test that pays for the collection it is given (its first argument after
    the context, evaluation context or environment Jinja passes)."""
    passed = getattr(getattr(function, "jinja_pass_arg", None), "name", None)

    def charged(context: Context, value: Any = None, *args: Any, **kwargs: Any) -> Any:
        _budget(context).charge(_cost(value) + (_cost(args[0]) if args else 0))
        if passed == "context":
            return function(context, value, *args, **kwargs)
        if passed == "eval_context":
            return function(context.eval_ctx, value, *args, **kwargs)
        if passed == "environment":
            return function(context.environment, value, *args, **kwargs)
        return function(value, *args, **kwargs)

    charged.__name__ = getattr(function, "__name__", "filter")
    return pass_context(charged)


_BOUNDED_FILTERS: dict[str, Callable[..., Any]] = {
    "center": _center,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "format": _format,
    "join": _join,
    "replace": _replace_filter,
    "batch": _batch,
    "slice": _slice,
    "sum": _sum,
}


class _Generator(CodeGenerator):
    """Jinja's code generator, with the budget's charges compiled in: loops iterate through
    ``environment.bounded``, comparisons charge the size of their operands, and literal text
    written outside the template's top level is charged as output."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        # The iterable of every loop, and the literal text its body writes per item.
        self._loop_iterables = {
            id(loop.iter): sum(
                len(data.data) for child in loop.body for data in _direct_data(child)
            )
            for loop in node.find_all(nodes.For)
        }
        self._charge_literals = False
        super().visit_Template(node, frame)

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        literal = getattr(self, "_loop_iterables", {}).get(id(node))
        if literal is None:
            return super().visit(node, *args, **kwargs)
        self.write("environment.bounded(context, ")
        super().visit(node, *args, **kwargs)
        self.write(f", {literal})")
        return None

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        # Literal text inside a macro or a call block is written once per call: charged.
        outer, self._charge_literals = (
            self._charge_literals,
            not frame.toplevel
            and any(isinstance(child, nodes.TemplateData) for child in node.nodes),
        )
        try:
            super().visit_Output(node, frame)
        finally:
            self._charge_literals = outer

    def _output_const_repr(self, group: Iterable[Any]) -> str:
        group = list(group)
        text = super()._output_const_repr(group)
        if getattr(self, "_charge_literals", False) and not getattr(self, "_in_loop_body", 0):
            return f"(context.write({sum(len(str(part)) for part in group)}) or {text})"
        return text

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        # A loop's own literal text is charged per item by ``bounded``.
        self._in_loop_body = getattr(self, "_in_loop_body", 0) + 1
        try:
            super().visit_For(node, frame)
        finally:
            self._in_loop_body -= 1

    def visit_Macro(self, node: nodes.Macro, frame: Frame) -> None:
        outer = getattr(self, "_in_loop_body", 0)
        self._in_loop_body = 0  # a macro's text is charged per call, wherever it is defined
        try:
            super().visit_Macro(node, frame)
        finally:
            self._in_loop_body = outer

    def visit_CallBlock(self, node: nodes.CallBlock, frame: Frame) -> None:
        outer = getattr(self, "_in_loop_body", 0)
        self._in_loop_body = 0
        try:
            super().visit_CallBlock(node, frame)
        finally:
            self._in_loop_body = outer

    def visit_Operand(self, node: nodes.Operand, frame: Frame) -> None:
        self.write(f" {operators[node.op]} environment.compared(context, ")
        self.visit(node.expr, frame)
        self.write(")")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # ``a ~ b``: each part is at most MAX_STRING, so the join is checked once built.
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self.write("environment.built(context, ")
        super().visit_List(node, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self.write("environment.built(context, ")
        super().visit_Dict(node, frame)
        self.write(")")

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx != "load":  # a target: ``{% for a, b in ... %}``
            super().visit_Tuple(node, frame)
            return
        self.write("environment.built(context, ")
        super().visit_Tuple(node, frame)
        self.write(")")

    @optimizeconst
    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        self.write("(environment.compared(context, ")
        self.visit(node.expr, frame)
        self.write(")")
        for op in node.ops:
            self.visit(op, frame)
        self.write(")")


def _direct_data(node: nodes.Node) -> Iterator[nodes.TemplateData]:
    """The literal text a loop body writes itself (not in a nested loop, macro or call)."""
    if isinstance(node, nodes.TemplateData):
        yield node
        return
    if isinstance(node, nodes.For):  # its body is charged by its own loop, not its else
        for child in node.else_:
            yield from _direct_data(child)
        return
    if isinstance(node, (nodes.Macro, nodes.CallBlock)):
        return
    for child in node.iter_child_nodes():
        yield from _direct_data(child)


@pass_context
def _finalize(context: _Budget, value: Any) -> Any:
    """Every value a tag writes, counted as output (inline: it runs for every tag)."""
    if type(value) is not str and not isinstance(value, str):
        if context.eval_ctx.autoescape and hasattr(value, "__html__"):
            value = Markup(value.__html__())  # noqa: S704 - the object's own HTML, as escape()
        else:
            value = str(value)
    context.output += len(value)
    if context.output > MAX_OUTPUT:
        context.write(0)
    return value


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with the render budget (see the module's description)."""

    code_generator_class = _Generator
    context_class = _Budget
    intercepted_binops = frozenset(_BINOPS)

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_finalize, **options)
        self.globals["lipsum"] = _lipsum
        for name, function in FILTERS.items():
            if name not in _BOUNDED_FILTERS:
                self.filters[name] = _charged(function)
        self.filters.update(_BOUNDED_FILTERS)
        for name, test in TESTS.items():
            self.tests[name] = _charged(test)  # type: ignore[arg-type]

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        result = _BINOPS[operator](left, right)
        if isinstance(result, (list, tuple, dict)):
            _check_weight(context, result)
        return result

    def built(self, context: Context, value: Any) -> Any:
        return _check_weight(context, value)

    def bounded(self, context: Context, iterable: Any, literal: int) -> Iterator[Any]:
        budget = _budget(context)

        def items() -> Iterator[Any]:
            for item in iterable:
                budget.charge(1)
                if literal:
                    budget.write(literal)
                yield item

        return items()

    def sized(self, value: Any) -> Any:
        return _check_size(value)

    def compared(self, context: Context, value: Any) -> Any:
        kind = type(value)
        if kind is not str and kind is not int and kind is not bool and value is not None:
            _budget(context).charge(_cost(value))
        return value

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _budget(__context).charge(1)
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (__self.bounded(__context, args[0], 0), *args[1:])
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            check = _STR_CHECKS.get(getattr(__obj, "__name__", ""))
            if check is not None:
                check(owner, *args, **kwargs)
        result = _check_size(super().call(__context, __obj, *args, **kwargs))
        if isinstance(result, (list, tuple, dict, Namespace)):
            _check_weight(__context, result)
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            _check_format(template)
            return _check_size(wrapped(*args, **kwargs))

        return checked


# Deeply immutable data: the example context every shop's preview and test email render with.
class _FrozenDict(dict):
    """A dict nobody can change; a deep copy of it is a plain, changeable dict."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("This context is read-only")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {key: _thawed(value, memo) for key, value in self.items()}

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))


class _FrozenList(list):
    """A list nobody can change; a deep copy of it is a plain, changeable list."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("This context is read-only")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = clear = extend = insert = pop = remove = reverse = sort = _refuse

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return [_thawed(value, memo) for value in self]

    def __copy__(self) -> list[Any]:
        return list(self)

    def __reduce__(self) -> Any:
        return (list, (list(self),))


def _thawed(value: Any, memo: dict[int, Any]) -> Any:
    return copy.deepcopy(value, memo)


def frozen(value: Any) -> Any:
    """``value`` with every dict and list in it made read-only (strings and numbers are)."""
    if isinstance(value, dict):
        return _FrozenDict({key: frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return _FrozenList(frozen(item) for item in value)
    return value


PLAIN_MAPPINGS = (dict, _FrozenDict)

__all__ = [
    "MAX_INT_BITS",
    "MAX_ITEMS",
    "MAX_OPERATIONS",
    "MAX_OUTPUT",
    "MAX_STRING",
    "MAX_WEIGHT",
    "MAX_WIDTH",
    "MAX_WRAP",
    "PLAIN_MAPPINGS",
    "Sandbox",
    "TooExpensive",
    "frozen",
]
