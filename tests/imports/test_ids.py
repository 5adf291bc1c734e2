"""An import's global id, read back; anything else is no import's id."""

import pytest

from saleor_mautomation.imports.ids import import_global_id, import_pk


def test_a_global_id_round_trips():
    assert import_global_id(12) == "Q3N2SW1wb3J0OjEy"
    assert import_pk("Q3N2SW1wb3J0OjEy") == 12


@pytest.mark.parametrize(
    "value",
    ["12", "Q29udGFjdDox", "Q3N2SW1wb3J0Oi0x", "Q3N2SW1wb3J0Og==", "not base64!", "w6k="],
)
def test_anything_else_is_none(value):
    assert import_pk(value) is None
