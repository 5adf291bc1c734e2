"""People and a segment for the segments browser test (``dashboard_extension/e2e/segments.e2e.ts``),
written through the app's own code into the browser tests' database.

Run by the stand-in Dashboard's ``/__e2e/seed/segments`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_segments_seed <stamp> [<bulk contacts>]`` with the app's
environment; prints one JSON line: the segment's id, name, key and its first members' entry
time, and the people. The stamp is in every email, and the segment selects this run's people
only (``email`` contains the stamp). With a number of bulk contacts, ``seed_bulk`` instead.

Six people: Ada, Ben, Cem and Fay in Germany (DE), Dora and Emil in France (FR). The segment
"Germany <stamp>" (``email`` contains the stamp and ``country`` is DE) is created and built 20
days ago (Ada, Ben, Cem and Fay enter, the first build), Fay moves to Austria and the segment is
rebuilt 5 days ago (she leaves), and it is rebuilt now (nothing changes). So it has 3 members,
4 stays in its history (Fay's ended), 0 members per day until 20 days ago, then 4, then 3.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.seed_main import django_setup

PEOPLE = (  # first name, last name, country, lifecycle stage
    ("Ada", "Ames", "DE", "vip"),
    ("Ben", "Berg", "DE", "repeat"),
    ("Cem", "Cakir", "DE", "prospect"),
    ("Dora", "Dupont", "FR", "first_time_buyer"),
    ("Emil", "Escoffier", "FR", "subscriber"),
    ("Fay", "Fischer", "DE", "lapsed"),
)


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.saleor.models import Installation
    from saleor_mautomation.segments.membership import segment_rebuild
    from saleor_mautomation.segments.models import Segment
    from saleor_mautomation.segments.services import segment_create

    shop = Installation.objects.get().pk
    people = {
        first: Contact.objects.create(
            installation_id=shop,
            email=f"{first.lower()}.{stamp}@segments.test",
            first_name=first,
            last_name=last,
            country=country,
            lifecycle_stage=stage,
        )
        for first, last, country, stage in PEOPLE
    }
    definition = {
        "version": 1,
        "root": {
            "type": "and",
            "conditions": [
                {"type": "profile", "field": "email", "op": "contains", "value": stamp},
                {"type": "profile", "field": "country", "op": "eq", "value": "DE"},
            ],
        },
    }
    segment = segment_create(
        installation_id=shop,
        name=f"Germany {stamp}",
        description="People of this run in Germany",
        definition=definition,
        now=now - timedelta(days=20),
    )
    segment_rebuild(segment=segment, now=now - timedelta(days=20))
    Contact.objects.filter(pk=people["Fay"].pk).update(country="AT")
    segment_rebuild(segment=Segment.objects.get(pk=segment.pk), now=now - timedelta(days=5))
    segment_rebuild(segment=Segment.objects.get(pk=segment.pk), now=now)
    segment.refresh_from_db()
    return {
        "segment": {
            "id": to_global_id("Segment", segment.pk),
            "name": segment.name,
            "key": segment.key,
            "enteredAt": (now - timedelta(days=20)).isoformat(),
        },
        "people": {
            first: {
                "id": to_global_id("Contact", person.pk),
                "email": person.email,
                "name": f"{person.first_name} {person.last_name}",
            }
            for first, person in people.items()
        },
    }


BULK_COUNTRIES = ("DE", "AT", "CH", "US", "FR", "GB", "PL", "IT")
BULK_GENDERS = ("female", "male", "")


def seed_bulk(*, stamp: str, contacts: int, now: datetime) -> dict[str, Any]:
    """For ``bench/dashboard.mjs``: ``contacts`` people in one INSERT ... SELECT (the n-th in
    ``BULK_COUNTRIES[n % 8]``, of ``BULK_GENDERS[(n // 8) % 3]``), and the segment "Bench
    <stamp>" (country DE and gender female) created without a build, so that no rebuild of a
    million contacts runs in the background while the editor is timed."""
    from django.db import connection, transaction

    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.saleor.models import Installation
    from saleor_mautomation.segments.services import segment_create

    shop = Installation.objects.get().pk
    countries = "".join(f"WHEN {i} THEN '{c}' " for i, c in enumerate(BULK_COUNTRIES))
    genders = "".join(f"WHEN {i} THEN '{g}' " for i, g in enumerate(BULK_GENDERS))
    computed = {
        "installation_id": "%s",
        "email": "'b' || n || '.' || %s || '@bench.test'",
        "country": f"CASE n %% 8 {countries}END",
        "gender": f"CASE (n / 8) %% 3 {genders}END",
    }
    params: list[Any] = [shop, stamp]
    columns: list[str] = list(computed)
    values = list(computed.values())
    for field in Contact._meta.concrete_fields:
        if field.primary_key or field.column in computed or field.null:
            continue
        value = now if field.column in {"created_at", "updated_at"} else field.get_default()
        columns.append(str(field.column))
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    numbers = (
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %s)"
        if connection.vendor == "sqlite"
        else "WITH g(n) AS (SELECT generate_series(1, %s))"
    )
    table = Contact._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(  # names from the model, every value a parameter
            f"{numbers} INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM g",
            [contacts, *params],
        )
    definition = {
        "version": 1,
        "root": {
            "type": "and",
            "conditions": [
                {"type": "profile", "field": "country", "op": "eq", "value": "DE"},
                {"type": "profile", "field": "gender", "op": "eq", "value": "female"},
            ],
        },
    }
    segment = segment_create(
        installation_id=shop, name=f"Bench {stamp}", definition=definition, now=now
    )
    return {"segment": {"id": to_global_id("Segment", segment.pk)}, "contacts": contacts}


def main() -> None:
    django_setup()
    stamp = sys.argv[1] if len(sys.argv) > 1 else "seed"
    bulk = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    now = datetime.now(tz=UTC)
    seeded = seed_bulk(stamp=stamp, contacts=bulk, now=now) if bulk else seed(stamp=stamp, now=now)
    print(json.dumps(seeded), flush=True)


if __name__ == "__main__":
    main()
