"""An email provider's pool: how many connections all workers open to it at once, and how many
messages per second they hand it, shared through the database.

ESPs and shared SMTP relays throttle (connections per client, messages per second or hour), so
the limits hold across every worker, not per process. Both live in the database that every
worker already shares (PostgreSQL in production, SQLite on the embedded default: the same
statements on both, no Redis needed, nothing to keep in step; ADR 0032):

- the **rate** is a reservation: ``pace_reserve`` moves the provider's next free moment
  forward by ``count / rate`` in one short transaction and returns where the reserved run of
  slots starts; the caller hands message ``i`` over no earlier than ``start + i / rate``
  (``Pace``). Campaigns (``bulk``) and real-time messages (``realtime``) keep their own
  frontier: a real-time message takes the next moment of its own (never behind a campaign's
  reservations) and pushes the campaigns' frontier back by the moment it took, so the two
  together stay within the rate over any window longer than one chunk's reservation;
- the **concurrency** is a lease: ``slots_acquire`` takes up to the wanted number of the
  provider's ``connections`` slots (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL), each
  held until its ``expires_at`` (renewed at every chunk), so a worker that dies frees its
  connections within ``LEASE`` seconds. Only campaign senders take slots; a real-time
  sender's one connection is its own and never waits for a campaign's. A campaign sender
  keeps one slot from chunk to chunk and gives the others back after each chunk
  (``slots_trim``), so a sender that starts later gets its share instead of waiting for the
  first one's whole batch.

Time is seconds since the epoch from the ``clock`` the caller passes (tests control it).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db import connection, transaction
from django.db.models import Q

from saleor_mautomation.messages.models import ProviderPace, ProviderSlot

Lane = Literal["bulk", "realtime"]
# Seconds a connection slot stays held without a renewal (a chunk renews it).
LEASE = 60.0
# Seconds between two tries for a connection slot when every one is held.
SLOT_POLL = 0.05


@dataclass(frozen=True)
class Limits:
    """One provider's pool: its key (``default`` for the deployment's ``EMAIL_URL``, shared by
    every shop on it; ``provider:<id>`` for a shop's own), its parallel connections and its
    messages per second (0: no limit)."""

    key: str
    connections: int
    rate: float


def pace_reserve(*, key: str, lane: Lane, count: int, rate: float, now: float) -> float:
    """Reserve ``count`` consecutive hand-over moments at ``rate`` per second: where they
    start (the ``i``-th is ``start + i / rate``). One short transaction, the row locked."""
    span = count / rate
    with transaction.atomic():
        pace, _ = ProviderPace.objects.select_for_update().get_or_create(key=key)
        if lane == "bulk":
            start = max(now, pace.bulk_next)
            pace.bulk_next = start + span
        else:
            start = max(now, pace.realtime_next)
            pace.realtime_next = start + span
            # The campaigns give way: their next moment moves back by what this took.
            pace.bulk_next = max(pace.bulk_next, now) + span
        pace.save(update_fields=["bulk_next", "realtime_next"])
    return start


class Pace:
    """The hand-over moments of one sender (its threads share it): ``reserve`` asks the
    database for a run of moments, ``wait`` takes the next and sleeps until it."""

    def __init__(
        self,
        limits: Limits,
        *,
        lane: Lane,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self.limits, self.lane, self.clock, self.sleep = limits, lane, clock, sleep
        self._moments: deque[float] = deque()
        self._lock = threading.Lock()

    def reserve(self, count: int) -> None:
        """Called by the sender's main thread before it hands ``count`` messages over."""
        if self.limits.rate <= 0 or count <= 0:
            return
        start = pace_reserve(
            key=self.limits.key,
            lane=self.lane,
            count=count,
            rate=self.limits.rate,
            now=self.clock(),
        )
        with self._lock:
            self._moments.extend(start + n / self.limits.rate for n in range(count))

    def wait(self) -> None:
        """Before one hand-over (any thread): not before the next reserved moment."""
        if self.limits.rate <= 0:
            return
        with self._lock:
            moment = self._moments.popleft() if self._moments else None
        if moment is None:  # more hand-overs than reserved: a caller's mistake, go slower
            limits = self.limits
            moment = pace_reserve(
                key=limits.key, lane=self.lane, count=1, rate=limits.rate, now=self.clock()
            )
        delay = moment - self.clock()
        if delay > 0:
            self.sleep(delay)


def slots_acquire(
    *, key: str, capacity: int, wanted: int, holder: str, now: float, first: bool = False
) -> list[int]:
    """Take up to ``wanted`` of the ``capacity`` connection slots of ``key`` that nobody holds
    (or whose holder's lease ran out) for ``holder``, and renew the lease of those it holds:
    the ids of the slots it got (none: all are held). ``first``: the slots' rows are made
    if the pool has none yet."""
    capacity = max(capacity, 1)
    if not first and connection.vendor == "postgresql":  # a chunk's renewal: one statement
        with connection.cursor() as cursor:
            cursor.execute(
                _ACQUIRE,
                [
                    *(now + LEASE, key, holder),  # renewed
                    *(key, capacity, holder, now, max(wanted, 0)),  # free
                    *(holder, now + LEASE),  # taken
                ],
            )
            return [int(pk) for (pk,) in cursor.fetchall()]
    with transaction.atomic():
        if first:
            ProviderSlot.objects.bulk_create(
                [ProviderSlot(key=key, slot=n) for n in range(capacity)], ignore_conflicts=True
            )
        else:
            ProviderSlot.objects.filter(key=key, holder=holder).update(expires_at=now + LEASE)
        if wanted <= 0:
            return []
        free = list(
            ProviderSlot.objects.select_for_update(skip_locked=True)
            .filter(Q(holder="") | Q(expires_at__lt=now), key=key, slot__lt=capacity)
            .order_by("slot")
            .values_list("pk", flat=True)[:wanted]
        )
        if free:
            ProviderSlot.objects.filter(pk__in=free).update(holder=holder, expires_at=now + LEASE)
    return free


_SLOTS = ProviderSlot._meta.db_table
# The holder's slots renewed and up to ``wanted`` free ones taken, in one statement (five round
# trips and three ORM statements per chunk before). A slot the holder has is renewed, never
# taken again: the free ones are another holder's or nobody's.
_ACQUIRE = (
    f"WITH renewed AS (UPDATE {_SLOTS} SET expires_at = %s "  # noqa: S608 - the model's table
    "WHERE key = %s AND holder = %s RETURNING id), "
    f"free AS (SELECT id FROM {_SLOTS} WHERE key = %s AND slot < %s AND holder <> %s "
    "AND (holder = '' OR expires_at < %s) ORDER BY slot LIMIT %s FOR UPDATE SKIP LOCKED) "
    f"UPDATE {_SLOTS} SET holder = %s, expires_at = %s FROM free "
    f"WHERE {_SLOTS}.id = free.id RETURNING {_SLOTS}.id"
)


def slots_release(*, key: str, holder: str) -> None:
    ProviderSlot.objects.filter(key=key, holder=holder).update(holder="", expires_at=0)


def slots_trim(*, key: str, holder: str, keep: int) -> None:
    """Give back every slot ``holder`` has but ``keep`` (kept for its next chunk)."""
    ProviderSlot.objects.filter(key=key, holder=holder).exclude(pk=keep).update(
        holder="", expires_at=0
    )
