"""The segments browser test's seed gives the figures the test expects of it."""

from datetime import UTC, datetime

from saleor_mautomation.segments.models import Membership, Segment
from saleor_mautomation.segments.selectors import member_trends
from tests.support.e2e_segments_seed import seed

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
