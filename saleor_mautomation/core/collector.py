"""Python's garbage collector during bulk work: what lived before the work is left out of it.

A backfill page parsed into models makes thousands of objects, so the collector runs often, and
every so often a full collection walks every tracked object of the process: Django, the app's
modules and the page, some 160,000 objects, for the page's few thousand. In the backfill's
bench these walks were a third of the app's CPU on orders (``bench/backfill.py``). Frozen
(``gc.freeze``), the objects alive when the work starts are kept out of the collections, which
then walk only what the work made; cycles among the frozen objects are collected once they are
unfrozen, at the end of the work.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_frozen() -> Iterator[None]:
    """Within the block, the collector leaves alone the objects that were alive on entering it.

    A process someone froze already (a pre-forking server may, before it forks) is left as it
    is, and unfrozen by nobody here; otherwise every object frozen is unfrozen on leaving.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
