"""The rule builder's fixtures (dashboard_extension/src/segments/rules/fixtures/) are real
definitions: the built-in ones are exactly those the app installs, and every condition fixture is
accepted by the dashboard's ``segmentPreview`` as the builder would send it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saleor_mautomation.segments.builtin import builtin_definitions
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import T0, make_contact
from tests.graphql.test_contacts import ask

FIXTURES = Path(__file__).resolve().parents[2] / "dashboard_extension/src/segments/rules/fixtures"
CONDITIONS: list[dict[str, Any]] = json.loads((FIXTURES / "conditions.json").read_text())
BUILTIN: list[dict[str, Any]] = json.loads((FIXTURES / "builtin.json").read_text())
PREVIEW = """query Preview($definition: GenericScalar!) {
  segmentPreview(definition: $definition, sampleSize: 1) { count errors { field message } } }"""


def with_segment(node: Any, segment_id: int) -> Any:
    """The definition with every segment condition naming ``segment_id`` (the fixtures say 1)."""
    if isinstance(node, list):
        return [with_segment(item, segment_id) for item in node]
    if isinstance(node, dict):
        changed = {key: with_segment(value, segment_id) for key, value in node.items()}
        if changed.get("type") == "segment":
            changed["segment_id"] = segment_id
        return changed
    return node


def test_builtin_fixture_is_the_builtin_segments():
    assert [
        {"key": key, "name": name, "definition": definition}
        for key, name, _description, definition in builtin_definitions()
    ] == BUILTIN


def test_the_fixtures_hold_every_condition_type():
    types: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        if "conditions" in node:
            for child in node["conditions"]:
                walk(child)
        elif "condition" in node:
            walk(node["condition"])
        else:
            types.add(node["type"])

    for fixture in CONDITIONS:
        walk(fixture["definition"]["root"])
    assert types == {
        "profile",
        "attribute",
        "age",
        "birthday",
        "spend",
        "consent",
        "event",
        "order",
        "email",
        "segment",
    }


@pytest.fixture
def other_segment(standin_installation):
    make_contact(standin_installation, email="ada@example.com", gender="female")
    segment = segment_create(
        installation_id=standin_installation.pk,
        name="Women",
        definition={
            "version": 1,
            "root": {"type": "profile", "field": "gender", "op": "eq", "value": "female"},
        },
        now=T0,
    )
    segment_rebuild(segment=segment, now=T0)
    return segment


@pytest.mark.parametrize("fixture", CONDITIONS, ids=[f["name"] for f in CONDITIONS])
def test_every_condition_fixture_previews_without_errors(
    client, standin_installation, other_segment, fixture
):
    definition = with_segment(fixture["definition"], other_segment.pk)

    body = ask(client, standin_installation, PREVIEW, definition=definition)

    assert "errors" not in body
    preview = body["data"]["segmentPreview"]
    assert preview["errors"] == []
    assert isinstance(preview["count"], int)


@pytest.mark.parametrize("fixture", BUILTIN, ids=[f["key"] for f in BUILTIN])
def test_every_builtin_fixture_previews_without_errors(client, standin_installation, fixture):
    body = ask(client, standin_installation, PREVIEW, definition=fixture["definition"])

    assert body["data"]["segmentPreview"]["errors"] == []


def test_the_segment_fixtures_name_the_created_segment(client, standin_installation, other_segment):
    by_name = {f["name"]: f["definition"] for f in CONDITIONS}
    counts = [
        ask(
            client,
            standin_installation,
            PREVIEW,
            definition=with_segment(by_name[name], other_segment.pk),
        )["data"]["segmentPreview"]["count"]
        for name in ("segment member", "segment not member")
    ]

    assert counts == [1, 0]
