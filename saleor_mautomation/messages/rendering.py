"""Rendering an email, staged: template language -> MJML -> HTML -> personalised -> text.

MJML is compiled once per template version (``compile_version``). Per recipient, only the
sandboxed Jinja2 template of the compiled HTML is rendered (``render``). Jinja2 was picked
over Liquid for speed: the issue's measurement on this machine gives 0.11 ms per render of the
compiled HTML for Jinja2's sandbox and 0.28 ms for python-liquid, and ``bench/render.py``
confirms our Jinja2 path (per recipient without Jinja2's per-call overheads: ``_Prepared``,
``_Sandbox``). Its sandbox (``messages.sandbox``) refuses attribute access to internals, so
admin-written templates cannot reach Python objects, refuses the mutating methods of lists and
dicts, so a render changes nothing it was given, and bounds a render's work and output
(``too_expensive``, ADR 0017). Every stage reports its errors with a code and, where
it can be located, a line and column (``validate``), so the editor can show them in place.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any, Literal

import jinja2
import mjml
from jinja2.sandbox import SecurityError

from saleor_mautomation.messages.mjml_check import mjml_problems
from saleor_mautomation.messages.sandbox import PLAIN_MAPPINGS, Sandbox, TooExpensive

Stage = Literal["template", "mjml", "links", "render"]


@dataclass(frozen=True)
class StageError:
    stage: Stage
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str = "mjml"  # which source: "mjml", "subject" or "preheader"


class RenderFailed(Exception):
    def __init__(self, errors: list[StageError]) -> None:
        super().__init__("; ".join(e.message for e in errors[:3]))
        self.errors = errors


@dataclass(frozen=True)
class Compiled:
    """A template version, compiled: the HTML still holds the personalisation tags."""

    subject: str
    preheader: str
    html: str
    # The plain-text part, derived once from the HTML with the personalisation tags kept
    # (converting each recipient's HTML would cost ten times the render itself).
    text: str = ""


@dataclass(frozen=True)
class Rendered:
    subject: str
    preheader: str
    html: str
    text: str


# What a plain dict answers to as an attribute (its methods and ``object``'s): every other
# name a template asks a dict for (``contact.first_name``) can only be one of its keys.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Sandbox(Sandbox):
    """The bounded, immutable sandbox, with a shortcut for the common case: a key of a plain
    dict. The sandbox first tries ``getattr`` (an ``AttributeError``, costly, for every
    ``a.b`` of a dict) and then the key; here a name that is no attribute of ``dict`` goes
    straight to the key, with the same result. Everything else takes the sandbox's own
    checks."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if (
            type(obj) in PLAIN_MAPPINGS
            and type(attribute) is str
            and attribute not in _DICT_ATTRIBUTES
        ):
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def _environment(undefined: type[jinja2.Undefined]) -> Sandbox:
    return _Sandbox(
        autoescape=True,
        undefined=undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


# Sending: a missing value renders empty (one contact's missing name never stops a send).
SENDING = _environment(jinja2.ChainableUndefined)
# Validation and preview: a name the context does not have is an error at its line.
CHECKING = _environment(jinja2.StrictUndefined)
# Subjects and the text part are plain text: no HTML escaping.
SUBJECTS = _Sandbox(autoescape=False, undefined=jinja2.ChainableUndefined)
TEXTS = _Sandbox(
    autoescape=False, undefined=jinja2.ChainableUndefined, trim_blocks=True, lstrip_blocks=True
)

LINK = re.compile(r"""\bhref\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
ALLOWED_LINK = re.compile(r"^(https?://|mailto:|tel:|#|\{\{)", re.IGNORECASE)


def _syntax_errors(source: str, field: str) -> list[StageError]:
    try:
        CHECKING.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [
            StageError(
                stage="template",
                code="syntax",
                message=exc.message or str(exc),
                line=exc.lineno,
                field=field,
            )
        ]
    return []


def _link_errors(source: str) -> list[StageError]:
    errors = []
    for match in LINK.finditer(source):
        url = match.group(2).strip()
        if not ALLOWED_LINK.match(url):
            line = source.count("\n", 0, match.start()) + 1
            column = match.start() - (source.rfind("\n", 0, match.start()) + 1) + 1
            errors.append(
                StageError(
                    stage="links",
                    code="bad_link",
                    message=f"Links must be absolute (https://...) or a variable: {url[:80]!r}",
                    line=line,
                    column=column,
                )
            )
    return errors


def compile_version(*, mjml_source: str, subject: str, preheader: str = "") -> Compiled:
    """Check every stage and compile the MJML; ``RenderFailed`` lists what is wrong."""
    errors = (
        _syntax_errors(mjml_source, "mjml")
        + _syntax_errors(subject, "subject")
        + _syntax_errors(preheader, "preheader")
    )
    errors += [
        StageError(stage="mjml", code=p.code, message=p.message, line=p.line, column=p.column)
        for p in mjml_problems(mjml_source)
    ]
    errors += _link_errors(mjml_source)
    if errors:
        raise RenderFailed(errors)
    try:
        html = mjml.mjml2html(mjml_source)
    except ValueError as exc:
        raise RenderFailed([StageError(stage="mjml", code="compile", message=str(exc))]) from exc
    text = html_to_text(html)
    try:
        TEXTS.parse(text)
    except jinja2.TemplateSyntaxError:
        text = ""  # tags split by the conversion: the text part is then derived per recipient
    return Compiled(subject=subject, preheader=preheader, html=html, text=text)


@dataclass(frozen=True)
class _Prepared:
    """A parsed template and its globals, flattened once. ``Template.render`` merges the
    globals (a ``ChainMap``) into a new dict on every call, which costs as much as
    rendering a subject; ``render`` here does what it does with the flat copy."""

    template: jinja2.Template
    globals: dict[str, Any]

    def render(self, context: dict[str, Any]) -> str:
        template = self.template
        env = template.environment
        state = env.context_class(
            env, {**self.globals, **context}, template.name, template.blocks, self.globals
        )
        try:
            return env.concat(template.root_render_func(state))
        except Exception:  # noqa: BLE001 - re-raised: only the traceback is rewritten
            # As Template.render does for every error: the traceback rewritten to point at
            # template lines (``_template_line`` reads them), the exception raised again.
            env.handle_exception()


@lru_cache(maxsize=512)
def _template(environment: int, source: str) -> _Prepared:
    env = {0: SENDING, 1: CHECKING, 2: SUBJECTS, 3: TEXTS}[environment]
    template = env.from_string(source)
    return _Prepared(template, dict(template.globals))


def _template_line(exc: BaseException) -> int | None:
    """The template line a runtime error happened on (Jinja keeps it in the traceback)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == "<template>":
            return frame.lineno
    return None


def render(compiled: Compiled, context: dict[str, Any], *, strict: bool = False) -> Rendered:
    """Personalise a compiled version for one recipient. ``strict`` (preview, validation)
    turns unknown names into errors; sending renders them empty."""
    html_env = 1 if strict else 0
    try:
        html = _template(html_env, compiled.html).render(context)
        subject = _line(compiled.subject, context)
        preheader = _line(compiled.preheader, context)
        text = (
            _tidy(_template(3, compiled.text).render(context))
            if compiled.text
            else html_to_text(html)
        )
    except TooExpensive as exc:
        raise RenderFailed(
            [
                StageError(
                    stage="render",
                    code="too_expensive",
                    message=exc.message or str(exc),
                    line=_template_line(exc),
                )
            ]
        ) from exc
    except SecurityError as exc:
        raise RenderFailed(
            [StageError(stage="render", code="forbidden", message=str(exc))]
        ) from exc
    except jinja2.UndefinedError as exc:
        raise RenderFailed(
            [StageError(stage="render", code="undefined", message=exc.message or str(exc))]
        ) from exc
    except jinja2.TemplateError as exc:
        raise RenderFailed(
            [StageError(stage="render", code="error", message=str(exc), line=_template_line(exc))]
        ) from exc
    except Exception as exc:  # the sandbox's boundary: see below
        # An admin-written template runs Python inside the sandbox: ``{{ [].pop() }}`` raises
        # IndexError, ``{{ 1 // 0 }}`` ZeroDivisionError, a range over the sandbox's bound
        # OverflowError, a macro calling itself RecursionError. Whatever it raises is this
        # template's fault for this recipient, never the caller's: one message fails, the
        # preview shows the error, and no batch of sends stops for it.
        raise RenderFailed(
            [
                StageError(
                    stage="render",
                    code="runtime",
                    message=f"{type(exc).__name__}: {exc}",
                    line=_template_line(exc),
                )
            ]
        ) from exc
    return Rendered(subject=subject, preheader=preheader, html=html, text=text)


def _line(source: str, context: dict[str, Any]) -> str:
    """A subject or preheader for one recipient, on one line with single spaces. Without a
    tag (no ``{``) the source is its own rendering, up to the spaces collapsed here."""
    text = _template(2, source).render(context) if "{" in source else source
    return " ".join(text.split())


def validate(
    *, mjml_source: str, subject: str, preheader: str, example: dict[str, Any]
) -> list[StageError]:
    """Every stage's errors for the editor, the last one a strict render of the example."""
    try:
        compiled = compile_version(mjml_source=mjml_source, subject=subject, preheader=preheader)
        render(compiled, example, strict=True)
    except RenderFailed as exc:
        return exc.errors
    return []


IMAGE_ONLY = re.compile(r"(\[[^\]]*\]\s*)+")


class _Text(HTMLParser):
    """The plain-text part: the visible text of the HTML, links written out."""

    BLOCKS = {"p", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol"}
    HIDDEN = {"head", "style", "script", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.links: list[str | None] = []
        self.preview = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        style = (attributes.get("style") or "").replace(" ", "").lower()
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "div" and "display:none" in style:
            self.preview += 1  # the hidden preheader block
        if tag in self.BLOCKS or tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append(attributes.get("href"))
            self.parts.append("\x00")  # where the link text starts
        elif tag == "img" and attributes.get("alt"):
            self.parts.append(f"[{attributes['alt']}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        elif tag == "div" and self.preview:
            self.preview -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")  # cells of a row stay apart
        elif tag == "a" and self.links:
            href = self.links.pop()
            start = max(i for i, part in enumerate(self.parts) if part == "\x00")
            text = " ".join("".join(self.parts[start + 1 :]).split())
            del self.parts[start:]
            if IMAGE_ONLY.fullmatch(text):
                pass  # an image link: the text part shows the link beside it instead
            elif href and href != text and not href.startswith("#"):
                self.parts.append(f"{text} ({href})" if text else href)
            else:
                self.parts.append(text)

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.preview:
            self.parts.append(data)

    def text(self) -> str:
        return _tidy("".join(part for part in self.parts if part != "\x00"))


def _tidy(raw: str) -> str:
    """Each line's white space collapsed to single spaces, at most one blank line in a row,
    one final newline. (``str.replace`` rather than a regex for the blank lines: the regex
    pass over the text took longer than all the rest of the tidying.)"""
    text = "\n".join(map(" ".join, map(str.split, raw.splitlines())))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()
