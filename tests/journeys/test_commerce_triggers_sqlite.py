"""Commerce triggers on the embedded default (SQLite), which the demo runs on: the contacts
interested in a product are found from their events' JSON there too."""

from pathlib import Path

from tests.support.sqlite_run import sqlite_check


def test_a_back_in_stock_moment_reaches_viewers_carters_and_checkouts_on_sqlite(tmp_path: Path):
    result = sqlite_check("tests.support.sqlite_commerce_check", tmp_path)
    assert result == {
        "vendor": "sqlite",
        "recorded": 3,
        "triggered": {"viewer": "viewed", "carter": "carted", "checkout": "carted"},
    }
