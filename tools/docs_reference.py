"""The generated references of docs/ (``make docs``): ``python tools/docs_reference.py``
writes them, ``--check`` only says which are out of date (exit 1).

- ``docs/configuration.md``: every environment variable the package reads, found by parsing
  its modules (``env.get("X")``, ``env["X"]``, ``os.getenv("X")`` and calls of helpers such as
  ``_flag("X")`` that read their first argument), with the default the code gives it and the
  meaning ``saleor_mautomation/project/settings_reference.py`` gives it;
- ``docs/reference/graphql-storefront.md`` and ``graphql-dashboard.md``: the app's GraphQL API
  from the committed SDL (``dashboard_extension/schema.graphql``, which ``make schema`` writes
  from the code): each query and mutation with its arguments, type and description, and every
  type they reach.

No Django set-up: the sources are parsed, never imported (the settings table is plain data).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    ast_from_value,
    build_schema,
    get_named_type,
    print_ast,
)
from graphql.pyutils import Undefined
from graphql.type import specified_scalar_types

from saleor_mautomation.graphql.audiences import STOREFRONT_FIELDS
from saleor_mautomation.project.settings_reference import GROUPS, Doc, documented

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "saleor_mautomation"
SETTINGS_MODULE = "saleor_mautomation/project/settings.py"
SDL = ROOT / "dashboard_extension" / "schema.graphql"
CONFIGURATION = "docs/configuration.md"
GRAPHQL_STOREFRONT = "docs/reference/graphql-storefront.md"
GRAPHQL_DASHBOARD = "docs/reference/graphql-dashboard.md"

# -- environment variables --------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """One place the code reads an environment variable."""

    name: str
    module: str  # path relative to the repository
    line: int
    # The literal default the code gives (None: no default in the call, or not a literal).
    default: object = None
    # The code computes the value when the variable is unset (a default that is not a
    # literal, or ``env.get("X") or ...``): the table must say what it is.
    computed: bool = False


@dataclass
class Scan:
    reads: list[Read] = field(default_factory=list)
    # Reads whose variable name is not a literal (outside the helpers that take it).
    dynamic: list[str] = field(default_factory=list)


def _literal(node: ast.expr | None) -> tuple[bool, object]:
    """The value of a constant expression (``"8080"``, ``str(1024 * 1024)``), else (False,)."""
    if node is None:
        return False, None
    if isinstance(node, ast.Constant):
        return True, node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Add | ast.Pow):
        ok_left, left = _literal(node.left)
        ok_right, right = _literal(node.right)
        if ok_left and ok_right and isinstance(left, int) and isinstance(right, int):
            if isinstance(node.op, ast.Mult):
                return True, left * right
            if isinstance(node.op, ast.Add):
                return True, left + right
            return True, left**right
        return False, None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"str", "int", "float"}
        and len(node.args) == 1
        and not node.keywords
    ):
        ok, value = _literal(node.args[0])
        if ok and isinstance(value, int | float | str):
            return True, {"str": str, "int": int, "float": float}[node.func.id](value)
    return False, None


def _is_environ(node: ast.expr, aliases: set[str]) -> bool:
    """``os.environ`` or a module-level name bound to it (``env = os.environ``)."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _environ_key(node: ast.AST, aliases: set[str]) -> tuple[ast.expr, ast.expr | None] | None:
    """The key (and default) of a direct read: ``env.get(k[, d])``, ``env[k]``,
    ``os.getenv(k[, d])``; None for anything else."""
    if isinstance(node, ast.Subscript) and _is_environ(node.value, aliases):
        if isinstance(node.ctx, ast.Load):
            return node.slice, None
        return None
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        default = node.args[1] if len(node.args) > 1 else None
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and _is_environ(func.value, aliases)
        ):
            return node.args[0], default
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "getenv"
            and isinstance(func.value, ast.Name)
            and func.value.id == "os"
        ):
            return node.args[0], default
    return None


@dataclass(frozen=True)
class _Helper:
    """A function that reads the variable its first parameter names (``_flag(name, default)``)."""

    params: list[str]
    defaults: dict[str, ast.expr]


def _helpers(tree: ast.Module, aliases: set[str]) -> dict[str, _Helper]:
    found: dict[str, _Helper] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.args.args:
            continue
        params = [arg.arg for arg in node.args.args]
        for inner in ast.walk(node):
            key = _environ_key(inner, aliases)
            if key is not None and isinstance(key[0], ast.Name) and key[0].id == params[0]:
                positional = node.args.args[len(params) - len(node.args.defaults) :]
                defaults = {
                    arg.arg: value
                    for arg, value in zip(positional, node.args.defaults, strict=True)
                }
                found[node.name] = _Helper(params=params, defaults=defaults)
                break
    return found


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def _or_fallback(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """``env.get("X") or <fallback>``: the value is computed when the variable is unset."""
    parent = parents.get(node)
    return (
        isinstance(parent, ast.BoolOp)
        and isinstance(parent.op, ast.Or)
        and parent.values[-1] is not node
    )


def _looped_names(
    key: ast.expr | None,
    node: ast.AST,
    parents: dict[ast.AST, ast.AST],
    constants: dict[str, ast.expr],
) -> list[str] | None:
    """The names a loop variable takes when it iterates over literal strings (``for name in
    _REQUIRED``, a module-level tuple of them); None when it is anything else."""
    if not isinstance(key, ast.Name):
        return None
    scope: ast.AST | None = node
    while scope is not None:
        generators: list[ast.comprehension | ast.For] = []
        if isinstance(scope, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            generators = list(scope.generators)
        elif isinstance(scope, ast.For):
            generators = [scope]
        for generator in generators:
            if isinstance(generator.target, ast.Name) and generator.target.id == key.id:
                iterated = generator.iter
                if isinstance(iterated, ast.Name):
                    iterated = constants.get(iterated.id, iterated)
                if not isinstance(iterated, ast.Tuple | ast.List | ast.Set):
                    return None
                names = [_literal(item) for item in iterated.elts]
                if all(ok and isinstance(value, str) for ok, value in names):
                    return [str(value) for _, value in names]
                return None
        scope = parents.get(scope)
    return None


def scan_module(source: str, module: str) -> Scan:
    tree = ast.parse(source)
    aliases = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _is_environ(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    helpers = _helpers(tree, aliases)
    inside_helpers = {
        id(inner)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in helpers
        for inner in ast.walk(node)
    }
    parents = _parents(tree)
    constants = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    scan = Scan()
    for node in ast.walk(tree):
        if id(node) in inside_helpers or not isinstance(node, ast.expr):
            continue
        key_node: ast.expr | None = None
        default_node: ast.expr | None = None
        flag_default = False
        direct = _environ_key(node, aliases)
        if direct is not None:
            key_node, default_node = direct
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in helpers
            and node.args
        ):
            helper = helpers[node.func.id]
            key_node = node.args[0]
            passed = dict(zip(helper.params[1:], node.args[1:], strict=False))
            passed.update({kw.arg: kw.value for kw in node.keywords if kw.arg})
            second = helper.params[1] if len(helper.params) > 1 else None
            if second is not None:
                default_node = passed.get(second, helper.defaults.get(second))
            flag_default = True
        else:
            continue
        ok, name = _literal(key_node)
        if not ok or not isinstance(name, str):
            looped = _looped_names(key_node, node, parents, constants)
            if looped is None:
                scan.dynamic.append(f"{module}:{node.lineno}")
            else:
                scan.reads.extend(Read(name=n, module=module, line=node.lineno) for n in looped)
            continue
        has_literal, default = _literal(default_node)
        computed = (default_node is not None and not has_literal) or _or_fallback(node, parents)
        if flag_default and not has_literal:
            computed = default_node is not None
        scan.reads.append(
            Read(
                name=name,
                module=module,
                line=node.lineno,
                default=default if has_literal else None,
                computed=computed,
            )
        )
    scan.reads.sort(key=lambda read: (read.module, read.line, read.name))
    return scan


def scan_package(package: Path = PACKAGE) -> Scan:
    """Every environment variable any module of the package reads (the settings module is the
    only one that should: others are listed with their module)."""
    total = Scan()
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        if "environ" not in source and "getenv" not in source:
            continue
        found = scan_module(source, str(path.relative_to(package.parent)))
        total.reads.extend(found.reads)
        total.dynamic.extend(found.dynamic)
    return total


def configuration_problems(scan: Scan, table: dict[str, Doc] | None = None) -> list[str]:
    """What keeps the reference from being true: each problem names the variable and the fix
    (``table``: the documented variables, by default settings_reference.py's)."""
    if table is None:
        table = {name: doc for name, (_, doc) in documented().items()}
    read = {r.name for r in scan.reads}
    problems = [
        f"{name} is read ({_where(scan, name)}) but not documented: add it to "
        "saleor_mautomation/project/settings_reference.py, then run make docs"
        for name in sorted(read - set(table))
    ]
    problems += [
        f"{name} is documented in settings_reference.py but no longer read: remove it"
        for name in sorted(set(table) - read)
    ]
    problems += [f"an environment variable whose name is computed: {at}" for at in scan.dynamic]
    for name in sorted(read & set(table)):
        reads = [r for r in scan.reads if r.name == name]
        literals = {repr(r.default) for r in reads if r.default is not None}
        doc = table[name]
        if len(literals) > 1:
            problems.append(f"{name} has different defaults in the code: {sorted(literals)}")
        if doc.default is not None and literals:
            problems.append(
                f"{name}: settings_reference.py gives a default, the code has one "
                f"({literals.pop()}): remove the table's"
            )
        if doc.default is None and any(r.computed for r in reads) and not literals:
            problems.append(
                f"{name}: the code computes its default: say what it is in "
                "settings_reference.py (Doc(default=...))"
            )
    return problems


def _where(scan: Scan, name: str) -> str:
    return ", ".join(f"{r.module}:{r.line}" for r in scan.reads if r.name == name)


def _shown_default(reads: list[Read], doc: Doc) -> str:
    if doc.default is not None:
        return doc.default
    literal = next((r.default for r in reads if r.default is not None), None)
    if literal is None:
        return "unset"
    if isinstance(literal, bool):
        return "on" if literal else "off"
    if literal == "":
        return "empty"
    unit = f" {doc.unit}" if doc.unit else ""
    return f"`{literal}`{unit}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_configuration(scan: Scan) -> str:
    by_name: dict[str, list[Read]] = {}
    for read in scan.reads:
        by_name.setdefault(read.name, []).append(read)
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated by tools/docs_reference.py (`make docs`) from the settings module and "
        "saleor_mautomation/project/settings_reference.py: edit those, not this file. -->",
        "",
        "The app is configured by environment variables only, read in one place: "
        "`saleor_mautomation/project/settings.py`. Every one has a default that works on one "
        "machine (the embedded default: SQLite and a filesystem broker under "
        "`MAUTOMATION_VAR_DIR`); production sets at least `APP_URL`, `DATABASE_URL`, "
        "`CELERY_BROKER_URL`, `SECRET_KEY` and `ENCRYPTION_KEY` "
        "([install.md](install.md), [deployment.md](deployment.md)). A duration without a unit "
        "is in seconds. A flag is on for `1`, `true`, `yes` or `on`.",
        "",
        "The settings of one installation (sender, storefront URLs, sending rules, ...) are not "
        "here: an admin sets them in the Dashboard "
        "([install.md](install.md#installation-settings)).",
        "",
    ]
    lines += [f"- [{group.title}](#{slug(group.title)})" for group in GROUPS]
    for group in GROUPS:
        lines += ["", f"## {group.title}", "", group.about, ""]
        lines += ["| Variable | Default | Meaning |", "|---|---|---|"]
        for name, doc in group.settings.items():
            reads = by_name.get(name, [])
            meaning = doc.meaning
            elsewhere = sorted(
                {r.module for r in reads} - {"saleor_mautomation/project/settings.py"}
            )
            if elsewhere:
                meaning += f" (read in {', '.join(f'`{m}`' for m in elsewhere)})"
            lines.append(f"| `{name}` | {_cell(_shown_default(reads, doc))} | {_cell(meaning)} |")
    return "\n".join(lines) + "\n"


# -- GraphQL ----------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor of a heading (without the -1, -2 of repeated headings)."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


_KIND = {
    GraphQLObjectType: "object",
    GraphQLInputObjectType: "input",
    GraphQLEnumType: "enum",
    GraphQLScalarType: "scalar",
    GraphQLInterfaceType: "interface",
    GraphQLUnionType: "union",
}


def _kind(named: GraphQLNamedType) -> str:
    return next(kind for cls, kind in _KIND.items() if isinstance(named, cls))


def _type_heading(named: GraphQLNamedType) -> str:
    return f"{named.name} ({_kind(named)})"


def _type_ref(type_: Any) -> str:
    """``[Contact!]!`` with the named type linked to its section (built-in scalars plain)."""
    named = get_named_type(type_)
    text = str(type_)
    if named.name in specified_scalar_types:
        return f"`{text}`"
    before, _, after = text.partition(named.name)
    parts = [f"`{before}`" if before else "", f"[`{named.name}`](#{slug(_type_heading(named))})"]
    parts.append(f"`{after}`" if after else "")
    return "".join(parts)


def _reached(schema: GraphQLSchema, fields: Iterable[GraphQLField]) -> list[GraphQLNamedType]:
    """Every named type the fields reach (arguments, results and their fields), by name."""
    seen: dict[str, GraphQLNamedType] = {}
    todo: list[Any] = []
    for field_ in fields:
        todo.append(field_.type)
        todo.extend(arg.type for arg in field_.args.values())
    while todo:
        named = get_named_type(todo.pop())
        if named.name in seen:
            continue
        seen[named.name] = named
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for inner in named.fields.values():
                todo.append(inner.type)
                todo.extend(arg.type for arg in inner.args.values())
            if isinstance(named, GraphQLObjectType):
                todo.extend(named.interfaces)
        elif isinstance(named, GraphQLInputObjectType):
            todo.extend(inner.type for inner in named.fields.values())
        elif isinstance(named, GraphQLUnionType):
            todo.extend(named.types)
    return [
        seen[name]
        for name in sorted(seen)
        if name not in specified_scalar_types and not name.startswith("__")
    ]


def _description(text: str | None) -> str:
    return _cell((text or "").strip())


def _default(arg: GraphQLArgument | GraphQLInputField) -> str:
    if arg.default_value is Undefined:
        return ""
    value = ast_from_value(arg.default_value, arg.type)
    return f" = `{print_ast(value)}`" if value is not None else ""


def _arguments(args: dict[str, GraphQLArgument]) -> list[str]:
    if not args:
        return []
    lines = ["", "| Argument | Type | Description |", "|---|---|---|"]
    for name, arg in args.items():
        lines.append(
            f"| `{name}` | {_type_ref(arg.type)}{_default(arg)} | {_description(arg.description)} |"
        )
    return lines


def _root_section(title: str, root: GraphQLObjectType | None, names: list[str]) -> list[str]:
    if root is None or not names:
        return []
    lines = ["", f"## {title}"]
    for name in names:
        field_ = root.fields[name]
        lines += ["", f"### {name}", ""]
        lines.append(f"Returns {_type_ref(field_.type)}.")
        if field_.description:
            lines += ["", field_.description.strip()]
        if field_.deprecation_reason:
            lines += ["", f"Deprecated: {field_.deprecation_reason}"]
        lines += _arguments(field_.args)
    return lines


def _type_section(named: GraphQLNamedType) -> list[str]:
    lines = ["", f"### {_type_heading(named)}"]
    if named.description:
        lines += ["", named.description.strip()]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        if isinstance(named, GraphQLObjectType) and named.interfaces:
            implements = ", ".join(_type_ref(i) for i in named.interfaces)
            lines += ["", f"Implements {implements}."]
        lines += ["", "| Field | Type | Description |", "|---|---|---|"]
        for name, inner in named.fields.items():
            args = ", ".join(f"{a}: {arg.type}" for a, arg in inner.args.items())
            shown = f"`{name}({args})`" if args else f"`{name}`"
            text = _description(inner.description)
            if inner.deprecation_reason:
                text = f"{text} Deprecated: {_cell(inner.deprecation_reason)}".strip()
            lines.append(f"| {shown} | {_type_ref(inner.type)} | {text} |")
    elif isinstance(named, GraphQLInputObjectType):
        lines += ["", "| Field | Type | Description |", "|---|---|---|"]
        for name, inner in named.fields.items():
            lines.append(
                f"| `{name}` | {_type_ref(inner.type)}{_default(inner)} "
                f"| {_description(inner.description)} |"
            )
    elif isinstance(named, GraphQLEnumType):
        lines += ["", "| Value | Description |", "|---|---|"]
        for name, value in named.values.items():
            lines.append(f"| `{name}` | {_description(value.description)} |")
    elif isinstance(named, GraphQLUnionType):
        lines += ["", "One of " + ", ".join(_type_ref(t) for t in named.types) + "."]
    return lines


def _graphql_page(schema: GraphQLSchema, title: str, intro: list[str], storefront: bool) -> str:
    def chosen(root: GraphQLObjectType | None) -> list[str]:
        if root is None:
            return []
        return sorted(n for n in root.fields if (n in STOREFRONT_FIELDS) == storefront)

    queries, mutations = chosen(schema.query_type), chosen(schema.mutation_type)
    fields: list[GraphQLField] = (
        [schema.query_type.fields[n] for n in queries] if (schema.query_type) else []
    )
    if schema.mutation_type:
        fields += [schema.mutation_type.fields[n] for n in mutations]
    types = _reached(schema, fields)
    lines = [
        f"# {title}",
        "",
        "<!-- Generated by tools/docs_reference.py (`make docs`) from "
        "dashboard_extension/schema.graphql (`make schema`): edit the code, not this file. -->",
        "",
        *intro,
        "",
        f"{len(queries)} queries, {len(mutations)} mutations, {len(types)} types.",
        "",
        "- [Queries](#queries): " + ", ".join(f"[`{n}`](#{slug(n)})" for n in queries),
        "- [Mutations](#mutations): " + ", ".join(f"[`{n}`](#{slug(n)})" for n in mutations),
        "- [Types](#types)",
    ]
    lines += _root_section("Queries", schema.query_type, queries)
    lines += _root_section("Mutations", schema.mutation_type, mutations)
    lines += ["", "## Types"]
    for named in types:
        lines += _type_section(named)
    return "\n".join(lines) + "\n"


STOREFRONT_INTRO = [
    "What a storefront may call without a Dashboard token: `POST /graphql/` on the app with "
    "the header `Saleor-Api-Url` naming the shop's Saleor API; a signed-in customer adds "
    "`Authorization: Bearer <Saleor customer access token>`. Browsers are allowed from the "
    "installation's `storefrontOrigins`. How to use it: [the storefront guide](../storefront.md). "
    "Every other field of the API needs the Dashboard's token "
    "([the Dashboard API](graphql-dashboard.md)).",
]
DASHBOARD_INTRO = [
    "What the app's Dashboard extension calls: `POST /graphql/` with the App Bridge token of "
    "the signed-in staff user (`Authorization-Bearer`) and `Saleor-Api-Url`; the user needs "
    "`MANAGE_USERS`. Every field answers for that user's installation only. To call it from a "
    "script, see [install.md](../install.md#calling-the-api-yourself). The fields a storefront "
    "calls without a token: [the storefront API](graphql-storefront.md).",
]


def render_graphql(sdl: str) -> dict[str, str]:
    schema = build_schema(sdl)
    return {
        GRAPHQL_STOREFRONT: _graphql_page(
            schema, "Storefront GraphQL API", STOREFRONT_INTRO, storefront=True
        ),
        GRAPHQL_DASHBOARD: _graphql_page(
            schema, "Dashboard GraphQL API", DASHBOARD_INTRO, storefront=False
        ),
    }


# -- the files --------------------------------------------------------------------------------


def generated() -> dict[str, str]:
    """Every generated file, by its path relative to the repository."""
    return {
        CONFIGURATION: render_configuration(scan_package()),
        **render_graphql(SDL.read_text(encoding="utf-8")),
    }


def _stale(files: dict[str, str]) -> Iterator[str]:
    for name, text in files.items():
        path = ROOT / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            yield name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    check = parser.parse_args(argv).check
    problems = configuration_problems(scan_package())
    for problem in problems:
        print(problem, file=sys.stderr)
    files = generated()
    stale = list(_stale(files))
    if check:
        for name in stale:
            print(f"{name} is out of date: run make docs", file=sys.stderr)
        return 1 if stale or problems else 0
    for name in stale:
        path = ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[name], encoding="utf-8")
    for name in files:
        print(f"{'wrote' if name in stale else 'unchanged'} {name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
