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
# A custom attribute (a metadata key) changed: the lines on it are read again
# (``journeys.attribute_thresholds``).
ATTRIBUTES = "attributes"

# Follow-up work a lower layer leaves for the coordinator (``flows``) to do once the unit's
# own writes are done, still in its transaction (``work_note``), or after its commit.
MESSAGE_QUEUED = "message.queued"  # wake the sender after the commit
ERASURE_REQUESTED = "erasure.requested"  # erase the person everywhere (``flows.erasure``)
CONTACT_MERGED = "contact.merged"  # move runs, messages and lists along (``flows.merges``)

Changes = dict[int, set[str]]

_collecting: ContextVar[Changes | None] = ContextVar("changes", default=None)
_work: ContextVar[set[str] | None] = ContextVar("work", default=None)


def work_note(kind: str) -> None:
    """Leave follow-up work of ``kind`` for the coordinator of the unit of work (if one is
    open; otherwise the periodic sweep that does the same work finds the rows)."""
    work = _work.get()
    if work is not None:
        work.add(kind)


@contextmanager
def work_collect() -> Iterator[set[str]]:
    """Collect ``work_note`` kinds made inside the block (the coordinator's unit of work)."""
    work: set[str] = set()
    token = _work.set(work)
    try:
        yield work
    finally:
        _work.reset(token)


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
