"""Relative links in README.md and the docs lead somewhere: the file exists, and a #anchor is
a heading (or an explicit ``<a id>``) of that file."""

import re
from pathlib import Path

import pytest

from tools.docs_reference import ROOT, slug

PAGES = sorted(
    [
        Path(ROOT) / "README.md",
        Path(ROOT) / "CONTRIBUTING.md",
        Path(ROOT) / "CHANGELOG.md",
        *(Path(ROOT) / "docs").rglob("*.md"),
    ]
)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$", re.MULTILINE)
EXPLICIT = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def _prose(text: str) -> str:
    return FENCE.sub("", text)


def links(text: str) -> list[str]:
    """The targets of the Markdown links outside fenced code (a link's text may hold code)."""
    return [match.group(1) for match in LINK.finditer(_prose(text))]


def anchors(text: str) -> set[str]:
    """GitHub's anchors: each heading's slug, a repeated one with -1, -2, ..."""
    seen: dict[str, int] = {}
    result = set(EXPLICIT.findall(text))
    for heading in HEADING.findall(_prose(text)):
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
        base = slug(plain)
        count = seen.get(base, 0)
        result.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return result


def _relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", target)


def test_anchors_follow_githubs_rules():
    text = "# Install\n## Calling the API yourself\n## Install\n```\n# not a heading\n```\n"

    assert anchors(text) == {"install", "calling-the-api-yourself", "install-1"}


def test_links_skip_code_blocks_and_find_links_with_code_in_their_text():
    text = "See [`make docs`](docs/a.md#x).\n```\n[no](nowhere.md)\n```\n[web](https://a.example)\n"

    assert links(text) == ["docs/a.md#x", "https://a.example"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_its_anchor(page):
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in links(text):
        if not _relative(target):
            continue
        path_part, _, anchor = target.partition("#")
        path = (page.parent / path_part).resolve() if path_part else page
        if not path.exists():
            broken.append(f"{target}: no such file")
            continue
        if anchor and path.suffix == ".md" and anchor not in anchors(path.read_text("utf-8")):
            broken.append(f"{target}: no heading with that anchor")
    assert broken == []
