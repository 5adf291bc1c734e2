"""The hand-written references name what the code has: the import layers of setup.cfg, every
worker queue, every decision record, every entry and node type of the journey definition,
every name of the templates' context, every segment condition type and profile field."""

import configparser
import re
from pathlib import Path
from typing import get_args

from django.conf import settings

from saleor_mautomation.journeys.definition import AnyNode, Entry
from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT
from saleor_mautomation.segments.definition import (
    BOOLEAN_FIELDS,
    DATE_FIELDS,
    NUMBER_FIELDS,
    TAGS,
    TEXT_FIELDS,
)
from tools.docs_reference import ROOT

DOCS = Path(ROOT) / "docs"


def _headings(text: str) -> list[str]:
    return re.findall(r"^#{2,4} (.+)$", text, re.MULTILINE)


def test_the_architecture_page_lists_the_import_contracts_layers_in_order():
    # given
    config = configparser.ConfigParser()
    config.read(Path(ROOT) / "setup.cfg")
    layers = config["importlinter:contract:layers"]["layers"].split()
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")

    # when
    block = re.search(r"```text\n(.*?)```", page, re.DOTALL)

    # then
    assert block is not None
    assert block.group(1).split() == layers


def test_the_journeys_page_has_a_heading_for_every_entry_and_node_type():
    # given
    entry_types = [
        tag
        for model in get_args(get_args(Entry)[0])
        for tag in get_args(model.model_fields["type"].annotation)
    ]
    node_types = [
        tag
        for model in get_args(AnyNode)
        for tag in get_args(model.model_fields["type"].annotation)
    ]
    headings = _headings((DOCS / "journeys.md").read_text(encoding="utf-8"))

    # when
    named = {tag for heading in headings for tag in re.findall(r"`([a-z_]+)`", heading)}

    # then
    assert set(entry_types) - named == set()
    assert set(node_types) - named == set()


def test_the_templates_page_names_every_context_variable_and_its_fields():
    # given
    page = (DOCS / "templates.md").read_text(encoding="utf-8")
    table = page.split("## The context", 1)[1].split("\n## ", 1)[0]
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `([a-z_]+)` \| (.*?) \|", table, re.MULTILINE)
    }

    # then: each name with each of its fields as the example context has them
    assert set(rows) == set(EXAMPLE_CONTEXT)
    for name, value in EXAMPLE_CONTEXT.items():
        fields = (
            value
            if isinstance(value, dict)
            else (value[0] if isinstance(value, list) and value else {})
        )
        for field in fields:
            assert f"`{field}`" in rows[name], (name, field)


def test_the_segments_page_names_every_condition_type_and_profile_field():
    # given
    page = (DOCS / "segments.md").read_text(encoding="utf-8")
    table_types = set(re.findall(r"^\| `([a-z_]+)` \|", page, re.MULTILINE))
    fields = TEXT_FIELDS + NUMBER_FIELDS + BOOLEAN_FIELDS + DATE_FIELDS

    # then: the groups are described above the table, every condition has its row
    assert TAGS - {"and", "or", "not"} - table_types == set()
    assert [f for f in fields if not re.search(rf"\b{f}\b", page)] == []


def test_the_architecture_page_links_every_decision_record():
    # given
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    records = sorted(path.name for path in (DOCS / "adr").glob("[0-9][0-9][0-9][0-9]-*.md"))

    # then
    assert [name for name in records if f"(adr/{name})" not in page] == [], (
        "link each decision record from docs/architecture.md#decisions"
    )


def test_the_architecture_page_has_a_row_for_every_worker_queue():
    # given
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    section = page.split("| Queue | What runs on it |", 1)[1].split("\n\n", 1)[0]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}

    # when
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE))

    # then
    assert rows == routed | {settings.CELERY_TASK_DEFAULT_QUEUE}
