"""The dashboard extension's copy of the API (``schema.graphql``) and of the journey fixtures
is what the Python source produces now: ``make schema`` rewrites them after a change."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from saleor_mautomation.graphql.contract import contract_files

EXTENSION = Path(__file__).resolve().parents[2] / "dashboard_extension"


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
