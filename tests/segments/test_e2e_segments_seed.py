"""The segments browser test's seed gives the figures the test expects of it."""

from datetime import UTC, datetime

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.segments import selectors
from saleor_mautomation.segments.models import Membership, Segment
from saleor_mautomation.segments.selectors import member_trends
from tests.graphql.test_segments import gid
from tests.support.e2e_segments_seed import seed, seed_bulk

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def test_the_seed_builds_a_segment_with_a_history(standin_installation):
    # when
    seeded = seed(stamp="t1", now=NOW)

    # then
    segment = Segment.objects.get(key=seeded["segment"]["key"])
    stays = Membership.objects.filter(segment=segment).order_by("pk")
    assert [(m.contact.first_name, m.exited_at is None) for m in stays] == [
        ("Ada", True),
        ("Ben", True),
        ("Cem", True),
        ("Fay", False),
    ]
    trend = member_trends(
        installation_id=standin_installation.pk, segment_ids=[segment.pk], days=30, now=NOW
    )[segment.pk]
    assert trend == [0] * 9 + [4] * 15 + [3] * 6
    assert segment.revision == 1


def test_the_bench_seed_writes_contacts_in_bulk(standin_installation):
    # when
    seeded = seed_bulk(stamp="b1", contacts=50, now=NOW)

    # then
    contacts = Contact.objects.filter(
        installation=standin_installation, email__endswith="@bench.test"
    )
    assert contacts.count() == 50
    ninth = contacts.get(email="b9.b1@bench.test")
    assert (ninth.country, ninth.gender, ninth.lifecycle_stage, ninth.created_at) == (
        "AT",
        "male",
        "prospect",
        NOW,
    )
    segment = Segment.objects.get(key="bench-b1")
    assert segment.evaluated_at is None  # no build in the background while timed
    # n % 8 == 0 (DE) and (n // 8) % 3 == 0 (female): 24 and 48
    assert seeded == {"segment": {"id": gid("Segment", segment.pk)}, "contacts": 50}
    assert (
        selectors.segment_preview(
            installation_id=standin_installation.pk, definition=segment.definition, now=NOW
        ).count
        == 2
    )
