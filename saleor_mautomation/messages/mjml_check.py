"""A pre-parse of MJML source that reports problems with their line and column.

mjml-python (the compiler) fails with messages like "unable to parse next template in root
template" and rarely says where, and it accepts some mistakes silently (an ``mj-column``
directly in ``mj-body``). The template editor needs to point at the offending line, so this
module reads the source with a small tokenizer of its own and reports what the compiler would
choke on or mis-render: a root that is not ``<mjml>``, unknown tags, unclosed and mismatched
elements (naming where the open element started), ``mj-*`` elements placed where MJML 4 does
not allow them, and markup the compiler cannot read (``invalid_markup``).

Jinja (``{{ }}``, ``{% %}``, ``{# #}``) is personalisation rendered after compilation, so it is
skipped as opaque text wherever it appears, with the two exceptions where mjml-python is known
to fail on it: a ``<`` inside a Jinja span outside attribute values, and a Jinja span inside an
attribute value that contains the value's own quote character.

The content of ending tags (``mj-text``, ``mj-button``, ``mj-raw``, ...) is HTML: any tag is
allowed there, but mjml-python parses it, so non-void HTML elements must be closed and the
ending tag's own closing tag must be found.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from typing import Literal

ProblemCode = Literal[
    "not_mjml", "unknown_tag", "unclosed", "mismatched", "misplaced", "invalid_markup"
]
TagKind = Literal["open", "self-closing", "broken"]


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based
    column: int  # 1-based, in characters
    code: ProblemCode
    message: str


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MJML_TAGS = _words(
    "mjml mj-head mj-body mj-attributes mj-all mj-class mj-breakpoint mj-font "
    "mj-html-attributes mj-html-attribute mj-selector mj-preview mj-style mj-title "
    "mj-accordion mj-accordion-element mj-accordion-title mj-accordion-text mj-button "
    "mj-carousel mj-carousel-image mj-column mj-divider mj-group mj-hero mj-image mj-navbar "
    "mj-navbar-link mj-raw mj-section mj-social mj-social-element mj-spacer mj-table mj-text "
    "mj-wrapper mj-include"
)

# Elements whose content is HTML or text, not MJML.
ENDING_TAGS = _words(
    "mj-text mj-button mj-table mj-raw mj-navbar-link mj-accordion-title mj-accordion-text "
    "mj-social-element mj-style mj-preview mj-title mj-html-attribute"
)

HTML_VOID_TAGS = _words("area base br col embed hr img input link meta param source track wbr")

_CONTENT = _words(
    "mj-accordion mj-button mj-carousel mj-divider mj-image mj-navbar mj-raw mj-social "
    "mj-spacer mj-table mj-text"
)

# MJML 4's validator rules (mjml-validator ``dependencies``); mj-include may go anywhere, and
# anything goes inside mj-attributes. Tags missing here take no MJML children.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    "mjml": frozenset({"mj-head", "mj-body", "mj-raw"}),
    "mj-head": _words(
        "mj-attributes mj-breakpoint mj-html-attributes mj-font mj-preview mj-style mj-title mj-raw"
    ),
    "mj-html-attributes": frozenset({"mj-selector"}),
    "mj-selector": frozenset({"mj-html-attribute"}),
    "mj-body": frozenset({"mj-raw", "mj-section", "mj-wrapper", "mj-hero"}),
    "mj-wrapper": frozenset({"mj-hero", "mj-raw", "mj-section"}),
    "mj-section": frozenset({"mj-column", "mj-group", "mj-raw"}),
    "mj-group": frozenset({"mj-column", "mj-raw"}),
    "mj-column": _CONTENT,
    "mj-hero": _CONTENT,
    "mj-accordion": frozenset({"mj-accordion-element", "mj-raw"}),
    "mj-accordion-element": frozenset({"mj-accordion-title", "mj-accordion-text", "mj-raw"}),
    "mj-carousel": frozenset({"mj-carousel-image"}),
    "mj-navbar": frozenset({"mj-navbar-link", "mj-raw"}),
    "mj-social": frozenset({"mj-social-element", "mj-raw"}),
}

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]*")
_END_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9_:.-]*)\s*>")
_ATTRIBUTE_NAME = re.compile(r"[^\s\"'<>/={}]+")
_SPECIAL = re.compile(r"<|\{[{%#]")
_JINJA_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_JINJA_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}")
_JINJA_ENDRAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")


@dataclass(frozen=True)
class _Open:
    name: str
    offset: int


def mjml_problems(source: str) -> list[Problem]:
    """Every problem found in ``source``, ordered by position; ``[]`` when it looks valid."""
    return _Checker(source).run()


def _jinja_end(source: str, start: int) -> int:
    """The offset after the Jinja span opening at ``start``; ``start + 2`` if it never closes
    (the Jinja stage reports that, and the markup after it is still worth checking)."""
    raw = _JINJA_RAW.match(source, start)
    if raw:
        endraw = _JINJA_ENDRAW.search(source, raw.end())
        return endraw.end() if endraw else start + 2
    end = source.find(_JINJA_CLOSERS[source[start : start + 2]], start + 2)
    return end + 2 if end >= 0 else start + 2


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
        self.problems: list[Problem] = []
        self.stack: list[_Open] = []
        self.root_seen = False

    # -- reporting ---------------------------------------------------------------------------

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def at(self, offset: int) -> str:
        line, column = self.where(offset)
        return f"line {line}, column {column}"

    def report(self, offset: int, code: ProblemCode, message: str) -> None:
        line, column = self.where(offset)
        self.problems.append(Problem(line, column, code, message))

    # -- the MJML level ----------------------------------------------------------------------

    def run(self) -> list[Problem]:
        source, i = self.source, 0
        while True:
            match = _SPECIAL.search(source, i)
            self.check_text(i, match.start() if match else len(source))
            if match is None:
                break
            i = match.start()
            if source[i] == "{":
                i = self.jinja(i)
            elif source.startswith("<!--", i):
                i = self.comment(i)
            elif source.startswith("</", i):
                i = self.end_tag(i)
            elif _NAME.match(source, i + 1):
                i = self.start_tag(i)
            else:
                i = self.stray(i)
        for element in reversed(self.stack):
            self.report(
                element.offset,
                "unclosed",
                f"<{element.name}> opened at {self.at(element.offset)} is never closed",
            )
        if not self.root_seen:
            self.report(0, "not_mjml", "no <mjml> element found: a template starts with <mjml>")
        return sorted(self.problems, key=lambda p: (p.line, p.column))

    def check_text(self, start: int, end: int) -> None:
        """Text outside the root breaks compilation (text inside elements is kept)."""
        if self.stack:
            return
        text = self.source[start:end]
        if text.strip():
            offset = start + len(text) - len(text.lstrip())
            where = "after </mjml>" if self.root_seen else "before <mjml>"
            self.report(offset, "not_mjml", f"text {where}: only comments may stand outside <mjml>")

    def jinja(self, start: int) -> int:
        end = _jinja_end(self.source, start)
        if not self.stack and end > start + 2:
            self.report(start, "not_mjml", "Jinja outside <mjml>: move it inside an <mj-raw>")
        elif "<" in self.source[start:end]:
            self.report(
                start,
                "invalid_markup",
                "'<' inside Jinja breaks MJML parsing: turn the comparison around (b > a)",
            )
        return end

    def comment(self, start: int) -> int:
        end = self.source.find("-->", start + 4)
        if end < 0:
            self.report(start, "unclosed", f"comment opened at {self.at(start)} is never closed")
            return len(self.source)
        return end + 3

    def stray(self, start: int) -> int:
        source = self.source
        if source.startswith(("<!", "<?"), start):
            end = source.find(">", start)
            self.report(
                start,
                "invalid_markup",
                "MJML accepts no declarations (<?xml ...?>, <!DOCTYPE>, CDATA) here",
            )
            return len(source) if end < 0 else end + 1
        self.report(start, "invalid_markup", "'<' must start a tag: write &lt; in text")
        return start + 1

    def start_tag(self, start: int) -> int:
        name, end, kind = self.tag(start)
        if kind == "broken":
            return end
        self.place(name, start)
        if kind == "self-closing":
            return end
        if name in ENDING_TAGS:
            return self.content(name, start, end)
        if name in MJML_TAGS or name.lower() not in HTML_VOID_TAGS:
            self.stack.append(_Open(name, start))
        return end

    def place(self, name: str, start: int) -> None:
        if not self.stack:
            if self.root_seen:
                self.report(start, "not_mjml", f"<{name}> after </mjml>: there is only one root")
            elif name != "mjml":
                self.report(start, "not_mjml", f"the root element is <{name}>, not <mjml>")
            self.root_seen = True
            return
        if name not in MJML_TAGS:
            self.report(start, "unknown_tag", unknown_message(name))
            return
        parent = self.stack[-1]
        if (
            name == "mj-include"
            or parent.name not in MJML_TAGS
            or any(open_.name == "mj-attributes" for open_ in self.stack)
        ):
            return
        if name not in ALLOWED_CHILDREN.get(parent.name, frozenset()):
            self.report(
                start,
                "misplaced",
                f"<{name}> is not allowed inside <{parent.name}> "
                f"(opened at {self.at(parent.offset)}): {placement_hint(name, parent.name)}",
            )

    def end_tag(self, start: int) -> int:
        match = _END_TAG.match(self.source, start)
        if match is None:
            return self.bad_closing_tag(start)
        name = match.group(1)
        if name in (open_.name for open_ in self.stack):
            self.close(self.stack, name, start)
        elif self.stack:
            top = self.stack[-1]
            typo = difflib.get_close_matches(name, [top.name], n=1, cutoff=0.85)
            self.report(
                start,
                "mismatched",
                f"</{name}> matches no opening tag: the open element is <{top.name}> "
                f"from {self.at(top.offset)}" + (f": did you mean </{top.name}>?" if typo else ""),
            )
            if typo:
                self.stack.pop()
        else:
            self.report(start, "mismatched", f"</{name}> matches no opening tag")
        return match.end()

    def close(self, stack: list[_Open], name: str, start: int) -> None:
        """Pop ``stack`` down to the element ``name``, reporting those left open inside it."""
        while stack[-1].name.lower() != name.lower():
            self.left_open(stack.pop(), name, start)
        stack.pop()

    def left_open(self, inner: _Open, name: str, start: int) -> None:
        self.report(
            start,
            "mismatched",
            f"</{name}> found, but <{inner.name}> opened at {self.at(inner.offset)} "
            f"must be closed first with </{inner.name}>",
        )

    def bad_closing_tag(self, start: int) -> int:
        self.report(start, "invalid_markup", "'</' must start a closing tag like </mj-text>")
        return start + 2

    def tag(self, start: int) -> tuple[str, int, TagKind]:
        """Read a start tag: its name, the offset after it (or where to go on if it never
        ends) and its kind."""
        source = self.source
        name_match = _NAME.match(source, start + 1)
        assert name_match is not None
        name, i = name_match.group(), name_match.end()
        jinja_reported = False
        while True:
            i = _skip_space(source, i)
            if source.startswith("/>", i):
                return name, i + 2, "self-closing"
            if source.startswith(">", i):
                return name, i + 1, "open"
            if i >= len(source) or source[i] == "<":
                self.report(
                    start, "unclosed", f"<{name}> opened at {self.at(start)} is missing its '>'"
                )
                return name, i, "broken"
            if source.startswith(("{{", "{%", "{#"), i):
                if not jinja_reported:  # once per tag: {% if %}...{% endif %} is one mistake
                    self.report(
                        i,
                        "invalid_markup",
                        "Jinja cannot stand for an attribute: put it inside an attribute value",
                    )
                jinja_reported = True
                i = _jinja_end(source, i)
                continue
            attribute = _ATTRIBUTE_NAME.match(source, i)
            if attribute is None:
                self.report(i, "invalid_markup", f"unexpected {source[i]!r} in <{name}>")
                i += 1
                continue
            i = _skip_space(source, attribute.end())
            if not source.startswith("=", i):
                continue
            i = _skip_space(source, i + 1)
            if i < len(source) and source[i] in "\"'":
                end = self.quoted_value(i)
                if end is None:
                    self.report(
                        i,
                        "unclosed",
                        f"the value of {attribute.group()!r} in <{name}> opened at "
                        f"{self.at(start)} is never closed",
                    )
                    return name, len(source), "broken"
                i = end
            else:
                self.report(
                    i, "invalid_markup", f"the value of {attribute.group()!r} must be quoted"
                )
                while i < len(source) and not source[i].isspace() and source[i] not in "<>":
                    i = _jinja_end(source, i) if source.startswith(("{{", "{%"), i) else i + 1

    def quoted_value(self, start: int) -> int | None:
        source, quote, i = self.source, self.source[start], start + 1
        while i < len(source):
            if source[i] == quote:
                return i + 1
            if source.startswith(("{{", "{%", "{#"), i):
                end = _jinja_end(source, i)
                if end > i + 2 and quote in source[i:end]:
                    other = "'" if quote == '"' else '"'
                    self.report(
                        i,
                        "invalid_markup",
                        f"this Jinja contains the {quote} that delimits the attribute value: "
                        f"use {other} inside it",
                    )
                i = end
                continue
            i += 1
        return None

    # -- HTML content of ending tags ---------------------------------------------------------

    def content(self, name: str, start: int, i: int) -> int:
        """Read the HTML inside an ending tag up to its closing tag; the offset after it."""
        source = self.source
        html: list[_Open] = []
        while True:
            match = _SPECIAL.search(source, i)
            if match is None:
                for element in reversed(html):
                    self.report(
                        element.offset,
                        "unclosed",
                        f"<{element.name}> opened at {self.at(element.offset)} inside "
                        f"<{name}> is never closed",
                    )
                self.report(
                    start,
                    "unclosed",
                    f"<{name}> opened at {self.at(start)} is never closed: add </{name}>",
                )
                return len(source)
            i = match.start()
            if source[i] == "{":
                i = self.jinja(i)
            elif source.startswith("<!--", i):
                i = self.comment(i)
            elif source.startswith("</", i):
                closing = _END_TAG.match(source, i)
                if closing is None:
                    i = self.bad_closing_tag(i)
                    continue
                closed = closing.group(1)
                if closed.lower() in (element.name.lower() for element in html):
                    self.close(html, closed, i)
                elif closed == name or closed in (open_.name for open_ in self.stack):
                    # our closing tag, or an outer one: this element ends here either way
                    if closed != name:
                        html.insert(0, _Open(name, start))
                    for element in reversed(html):
                        self.left_open(element, closed, i)
                    return closing.end() if closed == name else i
                elif html:
                    inner = html.pop()
                    self.report(
                        i,
                        "mismatched",
                        f"</{closed}> closes <{inner.name}> opened at {self.at(inner.offset)}",
                    )
                else:
                    self.report(
                        i,
                        "mismatched",
                        f"</{closed}> inside <{name}> (opened at {self.at(start)}) matches no "
                        "opening tag",
                    )
                i = closing.end()
            elif _NAME.match(source, i + 1):
                tag, i, kind = self.tag(i)
                if kind == "open" and tag.lower() not in HTML_VOID_TAGS:
                    html.append(_Open(tag, match.start()))
            else:
                i = self.stray(i)


def _skip_space(source: str, i: int) -> int:
    while i < len(source) and source[i].isspace():
        i += 1
    return i


def unknown_message(name: str) -> str:
    close = difflib.get_close_matches(name.lower(), sorted(MJML_TAGS), n=1)
    if close:
        return f"<{name}> is not an MJML tag: did you mean <{close[0]}>?"
    return f"<{name}> is not an MJML tag: HTML belongs inside <mj-text>, <mj-raw> or <mj-table>"


def placement_hint(name: str, parent: str) -> str:
    if name == "mj-column":
        return "put it inside an <mj-section> (or <mj-group>)"
    if name in _CONTENT and parent in {"mj-body", "mj-wrapper", "mj-section", "mj-group"}:
        return "put it inside an <mj-column> (or <mj-hero>)"
    if name in {"mj-section", "mj-wrapper", "mj-hero"} and parent in {"mj-column", "mj-hero"}:
        return f"close the <{parent}> first: <{name}> belongs in <mj-body>"
    allowed = ALLOWED_CHILDREN.get(parent)
    if not allowed:
        return f"<{parent}> takes no MJML elements"
    return "allowed there: " + ", ".join(f"<{tag}>" for tag in sorted(allowed))
