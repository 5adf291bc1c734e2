"""Text conditions of segments counted on the embedded default (SQLite), where the compiler
folds case with ``COLLATE NOCASE`` instead of ``LOWER`` (``segments/sql.py`` CaseFolded).

Run by ``tests/segments/test_text_on_sqlite.py`` in a process of its own on a fresh, migrated
SQLite database; prints one JSON object: each check's count.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.support.seed_main import django_setup

CONTACTS = [
    ("Ada@Shop.test", "DE", "female", "Berlin"),
    ("bob@shop.test", "de", "male", "berlin"),
    (None, "", "", "ZÜRICH"),
    ("cy@shop.test", "FR", "", "Zürich"),
]
CHECKS: dict[str, dict[str, object]] = {
    "country eq de": {"field": "country", "op": "eq", "value": "de"},
    "country ne DE": {"field": "country", "op": "ne", "value": "DE"},
    "country in fr, De": {"field": "country", "op": "in", "value": ["fr", "De"]},
    "country not_in fr": {"field": "country", "op": "not_in", "value": ["fr"]},
    "email eq ada@shop.TEST": {"field": "email", "op": "eq", "value": "ada@shop.TEST"},
    "email is_set": {"field": "email", "op": "is_set"},
    "email is_not_set": {"field": "email", "op": "is_not_set"},
    "email contains SHOP": {"field": "email", "op": "contains", "value": "SHOP"},
    "email starts_with A": {"field": "email", "op": "starts_with", "value": "A"},
    "gender eq Female": {"field": "gender", "op": "eq", "value": "Female"},
    "city eq BERLIN": {"field": "city", "op": "eq", "value": "BERLIN"},
    "city eq Zürich": {"field": "city", "op": "eq", "value": "Zürich"},
}


def main() -> None:
    django_setup()
    from django.db import connection

    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.saleor.models import Installation
    from saleor_mautomation.segments.selectors import segment_preview

    now = datetime.now(UTC)
    installation = Installation.objects.create(
        saleor_api_url="https://sqlite.test/graphql/", app_id="A", installed_at=now
    )
    for email, country, gender, city in CONTACTS:
        Contact.objects.create(
            installation=installation, email=email, country=country, gender=gender, city=city
        )
    counts = {}
    for name, condition in CHECKS.items():
        preview = segment_preview(
            installation_id=installation.pk,
            definition={"version": 1, "root": {"type": "profile", **condition}},
            now=now,
        )
        assert not preview.errors, preview.errors
        counts[name] = preview.count
    print(json.dumps({"vendor": connection.vendor, "counts": counts}))


if __name__ == "__main__":
    main()
