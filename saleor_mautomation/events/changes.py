"""Which contacts changed, and how, within a unit of work (a drained batch, a storefront call).

Lower layers note what they change (``change_note``: a new event of some type, the profile or
figures of a contact); the entry point that opened ``changes_collect`` hands the notes to the
segments, which re-evaluate only what those changes can affect. Outside a collection, noting
is a no-op: bulk paths (backfill, nightly sweeps) re-evaluate segments in bulk instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PROFILE = "profile"
ANY_CHANGE = "*"  # e.g. a merge: the contact gained another's whole history

Changes = dict[int, set[str]]

_collecting: ContextVar[Changes | None] = ContextVar("changes", default=None)


def change_note(contact_id: int | None, fact: str) -> None:
    changes = _collecting.get()
    if changes is not None and contact_id is not None:
        changes[contact_id].add(fact)


@contextmanager
def changes_collect() -> Iterator[Changes]:
    """Collect notes made inside the block; an enclosing collection gets them too."""
    outer = _collecting.get()
    changes: Changes = defaultdict(set)
    token = _collecting.set(changes)
    try:
        yield changes
    finally:
        _collecting.reset(token)
        if outer is not None:
            for contact_id, facts in changes.items():
                outer[contact_id] |= facts
