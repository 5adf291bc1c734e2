"""A task queued for an installation that is gone since (deleted after its uninstall's grace,
or a broker queue left from another database) does nothing, instead of failing on the
missing row at every retry."""

from __future__ import annotations

import pytest

from saleor_mautomation.flows.tasks import segments_rebuild_task
from saleor_mautomation.segments.models import Segment
from tests.contacts.factories import make_shop


@pytest.mark.django_db
def test_a_segments_rebuild_for_a_deleted_installation_does_nothing():
    gone = make_shop("gone")
    gone_id = gone.pk
    gone.delete()

    assert segments_rebuild_task(gone_id) == {"entered": 0, "exited": 0, "fed": 0}
    assert not Segment.objects.filter(installation_id=gone_id).exists()


@pytest.mark.django_db
def test_a_segments_rebuild_for_a_live_installation_installs_the_built_in_segments():
    shop = make_shop("live")

    segments_rebuild_task(shop.pk)

    assert Segment.objects.filter(installation=shop, is_builtin=True).count() == 13
