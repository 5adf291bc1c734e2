"""``core.collector.collector_frozen``: the objects alive on entering are left out of the
collections within the block, and given back to the collector on leaving it, whatever ends it;
a process frozen already is left frozen."""

import gc
import weakref

import pytest

from saleor_mautomation.core.collector import collector_frozen


class Cycle:
    """An object in a reference cycle: only the collector frees it."""

    def __init__(self):
        self.me = self


def test_an_older_cycle_outlives_collections_within_and_is_freed_after():
    # given
    assert gc.get_freeze_count() == 0
    older = [Cycle()]
    gone = weakref.ref(older[0])

    # when
    with collector_frozen():
        newer = [Cycle()]
        made = weakref.ref(newer[0])
        older.clear()
        newer.clear()
        gc.collect()

        # then: the cycle made within is freed, the older one kept
        assert (gone() is not None, made()) == (True, None)
        assert gc.get_freeze_count() > 0

    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None


def test_an_error_within_unfreezes_too():
    # when
    with pytest.raises(ValueError, match="page"), collector_frozen():
        raise ValueError("page")

    # then
    assert gc.get_freeze_count() == 0


def test_a_process_frozen_already_is_left_frozen():
    # given: frozen by someone else (a server before it forks)
    gc.freeze()
    try:
        before = gc.get_freeze_count()

        # when
        with collector_frozen():
            within = gc.get_freeze_count()

        # then
        assert (within, gc.get_freeze_count()) == (before, before)
    finally:
        gc.unfreeze()
