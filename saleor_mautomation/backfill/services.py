"""The backfill: page through Saleor's connections and feed every node to ``intake.ingest``.

Each page is fetched with no transaction open (in a thread, while the page before it is
ingested), then ingested in one transaction that also moves the run's cursor and counters, so a
crash anywhere leaves the run at a page boundary: the next run resumes after the last committed
page, and no page is skipped or counted twice (ingestion itself is idempotent, so a page replayed
after a lost commit changes nothing either). At most two pages are in memory at a time (the one
ingested, the one fetched ahead), whatever the size of the shop.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import DatabaseError, IntegrityError, OperationalError, transaction

from saleor_mautomation.backfill import selectors
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.contacts.figures import engagement_deferred
from saleor_mautomation.contacts.services import contacts_prefetched
from saleor_mautomation.contacts.writeback import writeback_mark_all
from saleor_mautomation.core import clock
from saleor_mautomation.core.collector import collector_frozen
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.events.services import events_batched
from saleor_mautomation.intake import ingest
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.client import SaleorClient
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client

logger = logging.getLogger(__name__)

SOURCE = "backfill"
Resource = BackfillRun.Resource
Status = BackfillRun.Status
# A running run whose worker wrote nothing for this long is taken to be orphaned (its worker
# died); a page fetch with every retry stays far below it.
LEASE = timedelta(minutes=5)
# A deadlock with a concurrent webhook or backfill page rolls the page back whole: try again.
PAGE_COMMIT_ATTEMPTS = 3


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"  # permanent (token, permission, shape): waits for a person or a re-install
    RETRY = "retry"  # transient (Saleor or the database): the next run resumes from the cursor
    BUSY = "busy"  # another live worker holds the run
    PAUSED = "paused"  # the time slice ended; the run is released for a continuation
    IDLE = "idle"  # nothing unfinished to resume


def _customer(installation_id: int, node: payloads.Payload, now: datetime) -> None:
    assert isinstance(node, payloads.User)
    ingest.ingest_customer(
        installation_id=installation_id,
        user=node,
        occurred_at=node.updated_at or now,
        source=SOURCE,
    )


def _order(installation_id: int, node: payloads.Payload, now: datetime) -> None:
    assert isinstance(node, payloads.Order)
    ingest.ingest_order(
        installation_id=installation_id,
        order=node,
        type="order.placed",
        occurred_at=node.created,
        source=SOURCE,
    )


def _checkout(installation_id: int, node: payloads.Payload, now: datetime) -> None:
    assert isinstance(node, payloads.Checkout)
    ingest.ingest_checkout(
        installation_id=installation_id,
        checkout=node,
        type="checkout.updated",
        occurred_at=node.updated_at or node.last_change or node.created or now,
        source=SOURCE,
    )


INGEST: dict[str, Callable[[int, payloads.Payload, datetime], None]] = {
    Resource.CUSTOMERS: _customer,
    Resource.ORDERS: _order,
    Resource.CHECKOUTS: _checkout,
}


def _customers(installation_id: int, nodes: Sequence[payloads.Payload], now: datetime) -> None:
    users = [node for node in nodes if isinstance(node, payloads.User)]
    ingest.ingest_customers(
        installation_id=installation_id,
        users=[(user, user.updated_at or now) for user in users],
        source=SOURCE,
    )


def _related(resource: str) -> Callable[[int, Sequence[payloads.Payload], datetime], None]:
    """Orders or checkouts node by node, their contacts found by one query for the page."""

    def ingest_page(installation_id: int, nodes: Sequence[payloads.Payload], now: datetime) -> None:
        identities = [(installation_id, *_identity(node)) for node in nodes]
        with contacts_prefetched(identities):
            for node in nodes:
                INGEST[resource](installation_id, node, now)

    return ingest_page


def _identity(node: payloads.Payload) -> tuple[str | None, str | None]:
    if isinstance(node, payloads.Order):
        return ingest.order_identity(node)
    assert isinstance(node, payloads.Checkout)
    return ingest.checkout_identity(node)


def _orders(installation_id: int, nodes: Sequence[payloads.Payload], now: datetime) -> None:
    orders = [node for node in nodes if isinstance(node, payloads.Order)]
    with contacts_prefetched([(installation_id, *ingest.order_identity(o)) for o in orders]):
        ingest.ingest_orders_placed(installation_id=installation_id, orders=orders, source=SOURCE)


# A whole page, in bulk (``_ingest_page``).
INGEST_PAGE: dict[str, Callable[[int, Sequence[payloads.Payload], datetime], None]] = {
    Resource.CUSTOMERS: _customers,
    Resource.ORDERS: _orders,
    Resource.CHECKOUTS: _related(Resource.CHECKOUTS),
}


class PagePacer:
    """Rate limit: at least ``interval`` seconds between the starts of two page requests.

    Ingesting a page counts towards the interval, so a slow shop database is not slowed further.
    """

    def __init__(
        self,
        interval: float,
        *,
        monotonic: Callable[[], float] = clock.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        if self._last is not None:
            remaining = self.interval - (self._monotonic() - self._last)
            if remaining > 0:
                self._sleep(remaining)
        self._last = self._monotonic()


def backfill_prepare(*, installation_id: int, resources: Sequence[str], now: datetime) -> None:
    """Make a pending run for each resource that has none unfinished (a finished run stays as
    history and the import starts over; an unfinished one is resumed, not replaced)."""
    for resource in resources:
        unfinished = BackfillRun.objects.filter(
            installation_id=installation_id, resource=resource
        ).exclude(status=Status.DONE)
        if unfinished.exists():
            continue
        try:
            with transaction.atomic():
                BackfillRun.objects.create(
                    installation_id=installation_id,
                    resource=resource,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            pass  # another worker prepared it meanwhile


class BackfillRunning(PermanentError):
    """A restart asked for while an import is under way."""


def backfill_restart(*, installation_id: int, now: datetime) -> list[BackfillRun]:
    """Start the whole import over, from Saleor's first page of each resource: a pending run of
    each (the worker's ``backfill_run`` then takes them in order). Refused with
    ``BackfillRunning`` while a run is held or queued within its lease: a running run that a
    worker wrote to within ``LEASE`` (a released time slice waits for its continuation), or a
    pending one made within it (a restart or retry not picked up yet).

    A finished run stays as history beside its new run. An unfinished one (failed, or orphaned
    by a dead worker) is the resource's only unfinished run, so it is reset in place: its
    cursor, counters, dropped fields and error are cleared, otherwise the worker would resume it
    mid-way instead of starting over.
    """
    with transaction.atomic():
        unfinished = list(
            BackfillRun.objects.select_for_update()
            .filter(installation_id=installation_id)
            .exclude(status=Status.DONE)
            .order_by("id")
        )
        busy = [
            run
            for run in unfinished
            if run.status in (Status.RUNNING, Status.PENDING) and now - run.updated_at < LEASE
        ]
        if busy:
            names = ", ".join(run.resource for run in busy)
            raise BackfillRunning(
                f"The import is still running ({names}): restart it once it has finished",
                code="backfill_running",
            )
        for run in unfinished:
            run.status, run.cursor, run.total, run.done, run.skipped = (
                Status.PENDING,
                "",
                None,
                0,
                0,
            )
            run.dropped_fields, run.error, run.owner = [], "", ""
            run.created_at = run.updated_at = now
            run.started_at = run.finished_at = None
            run.save()
        backfill_prepare(installation_id=installation_id, resources=list(Resource), now=now)
    return selectors.backfill_status(installation_id=installation_id)


def backfill_claim(
    *, installation_id: int, resource: str, owner: str, now: datetime
) -> BackfillRun | Outcome:
    """Take the unfinished run of ``resource`` for ``owner``: the run, or why not (``IDLE``
    when there is none, ``BUSY`` while another worker holds it within its lease)."""
    with transaction.atomic():
        run = (
            BackfillRun.objects.select_for_update()
            .filter(installation_id=installation_id, resource=resource)
            .exclude(status=Status.DONE)
            .first()
        )
        if run is None:
            return Outcome.IDLE
        held = run.status == Status.RUNNING and run.owner and run.owner != owner
        if held and now - run.updated_at < LEASE:
            return Outcome.BUSY
        run.status, run.owner, run.error = Status.RUNNING, owner, ""
        run.started_at = run.started_at or now
        run.updated_at = now
        run.save()
    return run


def _ingest_node(resource: str, installation_id: int, node: payloads.Payload) -> bool:
    """One node in a savepoint: a node the data makes unimportable (say, an email another
    customer holds) is skipped and counted, rather than blocking every later page."""
    try:
        with transaction.atomic():
            INGEST[resource](installation_id, node, clock.now())
    except (IntegrityError, PermanentError) as exc:
        logger.warning("Backfill: %s %s skipped: %s", resource, getattr(node, "id", ""), exc)
        return False
    return True


def _ingest_page(resource: str, installation_id: int, nodes: Sequence[payloads.Payload]) -> int:
    """Ingest a page's nodes; how many were imported (the others are skipped and logged).

    The whole page first, in bulk and in one savepoint: its contacts found in one query,
    customers written in a few statements, events in one, figures once per contact. Should one
    node be unimportable, that savepoint rolls the page back and it is taken node by node, each
    in its own savepoint, so that node alone is skipped.
    """
    try:
        with transaction.atomic():
            _ingest_bulk(resource, installation_id, nodes)
    except (IntegrityError, PermanentError) as exc:
        logger.info("Backfill of %s: the page goes node by node: %s", resource, exc)
    else:
        return len(nodes)
    # A customer's orders often share a page: their figures are computed once per page.
    with engagement_deferred(now=clock.now):
        return sum(_ingest_node(resource, installation_id, node) for node in nodes)


def _ingest_bulk(resource: str, installation_id: int, nodes: Sequence[payloads.Payload]) -> None:
    with events_batched(), engagement_deferred(now=clock.now):
        INGEST_PAGE[resource](installation_id, nodes, clock.now())


def _commit_page(run: BackfillRun, page: selectors.Page) -> bool:
    """Ingest a page and move the run past it, all or nothing; False if the lease is lost."""
    with transaction.atomic():
        held = (
            BackfillRun.objects.select_for_update()
            .filter(pk=run.pk, owner=run.owner, status=Status.RUNNING)
            .only("id")
            .first()
        )
        if held is None:
            return False
        imported = _ingest_page(run.resource, run.installation_id, page.nodes)
        now = clock.now()
        fields: dict[str, Any] = {
            "cursor": page.end_cursor or run.cursor,
            "total": page.total if page.total is not None else run.total,
            "done": run.done + len(page.nodes) + page.invalid,
            "skipped": run.skipped + len(page.nodes) - imported + page.invalid,
            "dropped_fields": list(dict.fromkeys([*run.dropped_fields, *page.dropped])),
            "updated_at": now,
        }
        if not page.has_next:
            fields |= {"status": Status.DONE, "finished_at": now, "owner": ""}
        BackfillRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)
    return True


def _commit_page_retrying(run: BackfillRun, page: selectors.Page) -> bool:
    for attempt in range(PAGE_COMMIT_ATTEMPTS):
        try:
            return _commit_page(run, page)
        except OperationalError:
            if attempt + 1 == PAGE_COMMIT_ATTEMPTS:
                raise
            logger.info("Backfill of %s: page rolled back (deadlock?), again", run.resource)
    raise AssertionError("unreachable")


def _stop(run: BackfillRun, outcome: Outcome, error: str) -> Outcome:
    """Leave the run failed but resumable (its cursor stays) and free for the next worker."""
    logger.warning("Backfill of %s stopped (%s): %s", run.resource, outcome, error)
    try:
        BackfillRun.objects.filter(pk=run.pk, owner=run.owner).update(
            status=Status.FAILED, error=error[:2000], owner="", updated_at=clock.now()
        )
    except DatabaseError:
        logger.exception("Backfill of %s: cannot record the failure", run.resource)
    run.status, run.error, run.owner = Status.FAILED, error, ""
    return outcome


def _release(run: BackfillRun) -> None:
    """End a time slice: still running, but any worker may carry on at once."""
    BackfillRun.objects.filter(pk=run.pk, owner=run.owner).update(owner="", updated_at=clock.now())
    run.owner = ""


class _PageAhead:
    """The next page fetched in a thread while the current one is ingested, so the wait for
    Saleor overlaps the database's work instead of adding to it.

    Only a fetch runs ahead, never a commit: a page is asked with the cursor of the page before
    it, which is committed (or not) before the fetched page is taken. When the run stops (a
    fault, a lost lease, the deadline), the page ahead is thrown away unread; the next run asks
    for it again from the stored cursor. The thread touches no database.
    """

    def __init__(
        self, client: SaleorClient, resource: str, *, page_size: int, pacer: PagePacer
    ) -> None:
        self._client, self._resource, self._page_size, self._pacer = (
            client,
            resource,
            page_size,
            pacer,
        )
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backfill-page")
        self._ahead: Future[selectors.Page] | None = None

    def _fetch(self, after: str | None) -> selectors.Page:
        self._pacer.wait()
        return selectors.page_fetch(
            self._client, self._resource, after=after, page_size=self._page_size
        )

    def ask(self, after: str | None) -> None:
        self._ahead = self._pool.submit(self._fetch, after)

    def take(self) -> selectors.Page:
        """The page asked for last (what its fetch raised, raised here)."""
        assert self._ahead is not None
        ahead, self._ahead = self._ahead, None
        return ahead.result()

    def close(self) -> None:
        # A fetch in flight ends within its own timeouts; its page is dropped.
        self._pool.shutdown(wait=True, cancel_futures=True)


def backfill_import(
    *,
    run: BackfillRun,
    client: SaleorClient,
    page_size: int,
    pacer: PagePacer,
    on_page: Callable[[BackfillRun], None] | None = None,
    deadline: float | None = None,
) -> Outcome:
    """Import the pages of a claimed ``run`` from its cursor until the connection ends, a fault
    stops it (it stays resumable) or the ``deadline`` (``clock.monotonic``) passes. The next
    page is fetched while one is ingested (``_PageAhead``); the cursor moves only with the
    commit of the page it ends."""
    ahead = _PageAhead(client, run.resource, page_size=page_size, pacer=pacer)
    try:
        ahead.ask(run.cursor or None)
        return _import_pages(run, ahead, on_page=on_page, deadline=deadline)
    finally:
        ahead.close()


def _import_pages(
    run: BackfillRun,
    ahead: _PageAhead,
    *,
    on_page: Callable[[BackfillRun], None] | None,
    deadline: float | None,
) -> Outcome:
    while True:
        try:
            page = ahead.take()
            if page.has_next:
                ahead.ask(page.end_cursor)
            committed = _commit_page_retrying(run, page)
        except RetryableError as exc:
            return _stop(run, Outcome.RETRY, exc.message)
        except PermanentError as exc:
            return _stop(run, Outcome.FAILED, exc.message)
        except DatabaseError as exc:
            return _stop(run, Outcome.RETRY, f"{exc.__class__.__name__}: {exc}")
        except KeyboardInterrupt:
            _stop(run, Outcome.RETRY, "Interrupted")
            raise
        if not committed:
            logger.warning("Backfill of %s: another worker took the run over", run.resource)
            return Outcome.BUSY
        if on_page is not None:
            on_page(run)
        if run.status == Status.DONE:
            return Outcome.DONE
        if deadline is not None and clock.monotonic() >= deadline:
            _release(run)
            return Outcome.PAUSED


def backfill_execute(
    *,
    installation_id: int,
    resources: Sequence[str],
    fresh: bool,
    page_size: int,
    pacer: PagePacer,
    on_page: Callable[[BackfillRun], None] | None = None,
    deadline: float | None = None,
) -> dict[str, Outcome]:
    """Import ``resources`` of one active installation, in order.

    ``fresh`` starts a new run where the last one finished (install, ``mautomation backfill``);
    without it only unfinished runs are resumed (retries and continuations). A transient fault
    or the deadline stops here: the later resources keep their pending runs for the next go.
    """
    installation = Installation.objects.filter(pk=installation_id).first()
    if installation is None or not installation.is_active:
        return {}
    if fresh:
        backfill_prepare(installation_id=installation_id, resources=resources, now=clock.now())
    client = saleor_client(installation)
    owner = uuid.uuid4().hex
    outcomes: dict[str, Outcome] = {}
    # The pages' objects come and go by the thousand: the collector leaves the process's older
    # objects alone meanwhile (a third of the app's CPU on orders went to walking them).
    with collector_frozen():
        for resource in resources:
            claimed = backfill_claim(
                installation_id=installation_id, resource=resource, owner=owner, now=clock.now()
            )
            if isinstance(claimed, Outcome):
                outcomes[resource] = claimed
                continue
            outcome = backfill_import(
                run=claimed,
                client=client,
                page_size=page_size,
                pacer=pacer,
                on_page=on_page,
                deadline=deadline,
            )
            outcomes[resource] = outcome
            if outcome in {Outcome.RETRY, Outcome.PAUSED}:
                break
    finished = set(outcomes.values()) <= {Outcome.DONE, Outcome.FAILED, Outcome.IDLE}
    if finished and Outcome.DONE in outcomes.values():
        # The import set the figures of many customers at once (a customer without orders
        # had none to refresh, so nothing marked it): every customer is written back once,
        # those whose figures equal what Saleor holds are passed over by the flush.
        marked = writeback_mark_all(installation_id=installation_id, now=clock.now())
        logger.info(
            "Backfill of installation %s: %s customers due for write-back", installation_id, marked
        )
    return outcomes
