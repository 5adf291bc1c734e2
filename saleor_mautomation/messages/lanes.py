"""The transports of one batch and how a chunk's messages are handed over on them.

``SenderPool`` opens a channel's transport for an installation on first need (a message its
rules skip needs none). An email provider has a pool (``pool.py``): a campaign sender takes
as many of its connection slots as it can use (up to ``connections``, across all workers) and
hands a chunk over on that many connections at once, one thread each (``smtplib`` and
``requests`` release the GIL while they wait on the network), then gives all but one back
(``settle``); a real-time sender keeps one
connection of its own. Every hand-over waits for its reserved moment of the provider's rate.
SMS and web push keep one transport each, paced by their own throttle.

``hand_over_all`` never touches the database (threads have no connection of their own): the
caller decides before (the rules, the context) and records after. ``taken`` receives each
message's id before its transport is touched, so a fault that ends the chunk knows which
messages may have reached the provider (in doubt) and which never left (released).
"""

from __future__ import annotations

import os
import queue
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from saleor_mautomation.core.errors import MautomationError, PermanentError, RetryableError
from saleor_mautomation.messages.channels import ChannelSpec, Opening, Sender
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.pool import (
    SLOT_POLL,
    Limits,
    Pace,
    slots_acquire,
    slots_release,
    slots_trim,
)
from saleor_mautomation.messages.providers import Accepted, OutcomeUnknown

S = TypeVar("S")  # a sender of any channel, or of email only (the ESP batch calls)


@dataclass
class Lane:
    """An installation's channel in this batch: its open connections and its pace."""

    senders: list[Sender]
    pace: Pace | None
    limits: Limits | None
    held: list[int] = field(default_factory=list)  # ids of the pool's slots this batch holds
    spare: list[Sender] = field(default_factory=list)  # closed, for the next widening


Handed = Accepted | MautomationError


class SenderPool:
    def __init__(
        self,
        opening: Opening,
        *,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        bulk: bool,
    ) -> None:
        self.opening, self.sleep, self.clock, self.bulk = opening, sleep, clock, bulk
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._lanes: dict[tuple[int, str], Lane | MautomationError] = {}
        self._used: set[tuple[int, str]] = set()

    def lane(self, installation_id: int, spec: ChannelSpec, *, wanted: int) -> Lane:
        """The open lane (``wanted``: the messages about to go, so no more connections are
        taken than can be used); ``RetryableError`` when the transport cannot be opened (not
        set up, unreachable): its messages are retried later."""
        key = (installation_id, spec.channel)
        if key not in self._lanes:
            try:
                self._lanes[key] = self._open(installation_id, spec)
            except (PermanentError, RetryableError) as exc:
                self._lanes[key] = exc
        lane = self._lanes[key]
        if isinstance(lane, MautomationError):
            raise RetryableError(lane.message)
        if lane.limits is not None and self.bulk:
            self._widen(lane, wanted)
        return lane

    def _open(self, installation_id: int, spec: ChannelSpec) -> Lane:
        sender = spec.open_sender(installation_id, self.opening)
        limits: Limits | None = getattr(sender, "limits", None)
        if limits is None:
            return Lane([sender], None, None)
        pace = Pace(
            limits, lane="bulk" if self.bulk else "realtime", clock=self.clock, sleep=self.sleep
        )
        lane = Lane([sender], pace, limits)
        if self.bulk:  # a campaign's first connection waits for a slot of the pool
            while not self._take(lane, 1, first=not lane.held):
                self.sleep(SLOT_POLL)
        return lane

    def _take(self, lane: Lane, count: int, *, first: bool = False) -> int:
        assert lane.limits is not None
        got = slots_acquire(
            key=lane.limits.key,
            capacity=lane.limits.connections,
            wanted=count,
            holder=self.holder,
            now=self.clock(),
            first=first,
        )
        lane.held += got
        return len(got)

    def _widen(self, lane: Lane, wanted: int) -> None:
        """More connections while the pool has free slots and the chunk can use them; the
        slots held are renewed (one short transaction per chunk)."""
        assert lane.limits is not None
        more = min(wanted, lane.limits.connections) - len(lane.held)
        if self._take(lane, more):
            while len(lane.senders) < len(lane.held):
                twin = lane.spare.pop() if lane.spare else lane.senders[0].another()  # type: ignore[attr-defined]
                lane.senders.append(twin)

    def settle(self) -> None:
        """After a campaign's chunk: each provider's connections but the first are closed and
        their slots given back, for the other senders to take their share."""
        for lane in self._lanes.values():
            if isinstance(lane, MautomationError) or lane.limits is None or len(lane.held) <= 1:
                continue
            for sender in lane.senders[1:]:
                sender.close()
            lane.spare.extend(lane.senders[1:])
            del lane.senders[1:]
            slots_trim(key=lane.limits.key, holder=self.holder, keep=lane.held[0])
            del lane.held[1:]

    def paced(self, installation_id: int, spec: ChannelSpec) -> None:
        """A transport without a pool (SMS, push): its throttle's pause between sends."""
        key = (installation_id, spec.channel)
        lane = self._lanes.get(key)
        if isinstance(lane, Lane) and lane.pace is None:
            interval = lane.senders[0].interval
            if key in self._used and interval:
                self.sleep(interval)
            self._used.add(key)

    def close(self) -> None:
        for lane in self._lanes.values():
            if isinstance(lane, MautomationError):
                continue
            for sender in lane.senders:
                sender.close()
            if lane.held and lane.limits is not None:
                slots_release(key=lane.limits.key, holder=self.holder)


@dataclass
class Ready:
    """A message the rules let go, with the context it is rendered with."""

    message: Message
    context: dict[str, Any]


def hand_over_one(sender: Sender, ready: Ready, now: Any, pace: Pace | None = None) -> Handed:
    """One hand-over at its moment: the provider's answer, or the named failure."""
    if pace is not None:
        pace.wait()
    try:
        return sender.hand_over(ready.message, ready.context, now)
    except (PermanentError, RetryableError, OutcomeUnknown) as exc:  # Refused is permanent
        return exc


def hand_over_all(
    items: list[Ready], lane: Lane, *, now: Any, taken: set[int], done: dict[int, Handed]
) -> None:
    """Hand ``items`` over on the lane's connections, in parallel when it has several; what
    became of each lands in ``done`` (an ``Accepted`` or the named error). A fault of no named
    kind in a thread, or one interrupting the caller, stops the threads before their next
    message; a thread's is raised here."""
    if len(lane.senders) == 1 or len(items) == 1:
        for ready in items:
            taken.add(ready.message.pk)
            done[ready.message.pk] = hand_over_one(lane.senders[0], ready, now, lane.pace)
        return
    work: queue.SimpleQueue[Ready] = queue.SimpleQueue()
    for ready in items:
        work.put(ready)
    faults: list[BaseException] = []
    stopped = threading.Event()
    lock = threading.Lock()  # a message is taken, or the threads stopped, never both

    def run(sender: Sender) -> None:
        while True:
            with lock:
                if stopped.is_set():
                    return
                try:
                    ready = work.get_nowait()
                except queue.Empty:
                    return
                taken.add(ready.message.pk)
            try:
                handed = hand_over_one(sender, ready, now, lane.pace)
            except BaseException as exc:  # noqa: BLE001  # re-raised by the caller's thread
                with lock:
                    faults.append(exc)
                    stopped.set()
                return
            done[ready.message.pk] = handed

    threads_run(run, lane.senders[: len(items)], lock=lock, stopped=stopped, faults=faults)


def threads_run(
    run: Callable[[S], None],
    senders: Sequence[S],
    *,
    lock: threading.Lock,
    stopped: threading.Event,
    faults: list[BaseException],
) -> None:
    """``run`` for each sender in a thread of its own, waited for. Interrupted here (a time
    limit, a signal), ``stopped`` is set so no thread takes more work: what the caller hands
    back as never sent stays unsent, what is in hand stays in doubt. The first fault a thread
    put in ``faults`` is raised here."""
    threads = [threading.Thread(target=run, args=(sender,), daemon=True) for sender in senders]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    finally:
        with lock:
            stopped.set()
    if faults:
        raise faults[0]
