"""The dashboard extension's copy of the API (``schema.graphql``) and of the journey fixtures
is what the Python source produces now: ``make schema`` rewrites them after a change."""

import io
import json
from pathlib import Path
from typing import get_args

import pytest
from django.core.management import call_command

from saleor_mautomation.graphql.contract import contract_files
from saleor_mautomation.journeys.definition import AnyNode, Entry
from saleor_mautomation.journeys.layout import layout_check
from saleor_mautomation.journeys.presets import PRESETS
from tests.graphql.test_contacts import ask
from tests.graphql.test_journeys import VALIDATE

EXTENSION = Path(__file__).resolve().parents[2] / "dashboard_extension"
ENTRY_MODELS = get_args(get_args(Entry)[0])


@pytest.mark.parametrize("name", sorted(contract_files()))
def test_the_committed_file_is_current(name):
    committed = (EXTENSION / name).read_text(encoding="utf-8")

    assert committed == contract_files()[name], f"run `make schema` to rewrite {name}"


def test_the_command_writes_every_file(tmp_path):
    call_command("dump_contract", out=tmp_path, stdout=io.StringIO())

    written = {
        str(path.relative_to(tmp_path)): path.read_text(encoding="utf-8")
        for path in tmp_path.rglob("*")
        if path.is_file()
    }
    assert written == contract_files()


def fixture(name):
    return json.loads((EXTENSION / "fixtures" / "journeys" / name).read_text(encoding="utf-8"))


def test_every_node_holds_every_entry_and_node_type_the_definition_knows():
    # given
    every_node = fixture("every-node.json")

    # then
    entry_types = {entry["type"] for entry in every_node["entries"]}
    node_types = {node["type"] for node in every_node["definition"]["nodes"].values()}
    assert entry_types == {
        tag for model in ENTRY_MODELS for tag in get_args(model.model_fields["type"].annotation)
    }
    assert node_types == {
        tag
        for model in get_args(AnyNode)
        for tag in get_args(model.model_fields["type"].annotation)
    }
    assert set(every_node["layout"]) == {"entry", *every_node["definition"]["nodes"]}


def test_every_node_is_valid_with_each_entry_through_the_api(client, standin_installation):
    # given
    every_node = fixture("every-node.json")

    for entry in every_node["entries"]:
        # when
        body = ask(
            client, standin_installation, VALIDATE, d={**every_node["definition"], "entry": entry}
        )

        # then
        assert body == {"data": {"journeyValidate": []}}, entry["type"]


def test_every_preset_of_the_fixture_is_valid_through_the_api(client, standin_installation):
    # given
    presets = fixture("presets.json")

    # when
    answers = [
        ask(client, standin_installation, VALIDATE, d=preset["definition"]) for preset in presets
    ]

    # then
    assert [preset["key"] for preset in presets] == list(PRESETS)
    assert answers == [{"data": {"journeyValidate": []}}] * len(PRESETS)
    for preset in presets:
        assert preset["description"]
        nodes = set(preset["definition"]["nodes"])
        assert set(preset["layout"]) == {"entry", *nodes}
        assert layout_check(preset["layout"], node_ids=nodes) == []
