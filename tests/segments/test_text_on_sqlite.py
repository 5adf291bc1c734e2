"""Text conditions on the embedded default (SQLite): the same answers as on PostgreSQL for
ASCII case (``COLLATE NOCASE`` there instead of ``LOWER``), an unknown text the empty text;
like SQLite's ``LOWER`` before, non-ASCII letters are compared as written."""

from pathlib import Path

from tests.support.sqlite_run import sqlite_check


def test_text_conditions_count_the_same_on_sqlite(tmp_path: Path) -> None:
    result = sqlite_check("tests.support.sqlite_text_check", tmp_path)
    assert result == {
        "vendor": "sqlite",
        "counts": {
            "country eq de": 2,
            "country ne DE": 2,
            "country in fr, De": 3,
            "country not_in fr": 3,
            "email eq ada@shop.TEST": 1,
            "email is_set": 3,
            "email is_not_set": 1,
            "email contains SHOP": 3,
            "email starts_with A": 1,
            "gender eq Female": 1,
            "city eq BERLIN": 2,
            "city eq Zürich": 1,
        },
    }
