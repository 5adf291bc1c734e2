"""The full sync of an installation's catalogue over Saleor's GraphQL, resumable and paced.

Webhooks keep the catalogue current; the full sync fills it at installation (started with the
backfill) and mends what deliveries missed. It pages through categories, collections and
products (with their variants, listings in every channel, prices and stocks) and then sweeps
away what it did not see. Each page is fetched with no transaction open, then applied in one
transaction that also moves the sync's cursor and counts, so a crash leaves the sync at a page
boundary and the next run resumes after the last committed page. Rows are marked with the
sync's number as they are seen; only a sync that reached the sweep deletes, so an interrupted
or failed one never deletes what it had no time to see.

``observed`` for a page is the moment before its request: a webhook issued after it is newer
and wins; one issued before it and delivered late loses to the page.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import pydantic
from django.db import DatabaseError, DataError, IntegrityError, OperationalError, transaction
from django.db.models import F, Max

from saleor_mautomation.catalogue import bulk, discounts, services
from saleor_mautomation.catalogue.models import CatalogueSync
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.saleor import documents, payloads
from saleor_mautomation.saleor.client import SaleorClient

logger = logging.getLogger(__name__)

Phase = CatalogueSync.Phase
Status = CatalogueSync.Status
# A running sync whose worker wrote nothing for this long is taken over (its worker died).
LEASE = timedelta(minutes=5)
# Saleor refuses pages larger than 100 ('exceeds the `first` limit of 100 records').
MAX_PAGE_SIZE = 100
PAGE_COMMIT_ATTEMPTS = 3


class Pacer(Protocol):
    """Waits before each page request (the backfill's ``PagePacer``)."""

    def wait(self) -> None: ...


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    RETRY = "retry"
    BUSY = "busy"
    PAUSED = "paused"
    IDLE = "idle"


@dataclass(frozen=True)
class Source:
    document: str
    field: str
    model: type[payloads.Payload]


SOURCES: dict[str, Source] = {
    Phase.CATEGORIES: Source("catalogue_categories", "categories", payloads.CatalogueCategory),
    Phase.COLLECTIONS: Source("catalogue_collections", "collections", payloads.CatalogueCollection),
    Phase.PRODUCTS: Source("catalogue_products", "products", payloads.CatalogueProduct),
}
NEXT_PHASE: dict[str, str] = {
    Phase.CATEGORIES: Phase.COLLECTIONS,
    Phase.COLLECTIONS: Phase.PRODUCTS,
    Phase.PRODUCTS: Phase.SWEEP,
}


@dataclass(frozen=True)
class Page:
    nodes: list[payloads.Payload]
    invalid: int
    total: int | None
    end_cursor: str | None
    has_next: bool
    observed: datetime
    # Products: their variants' discounted prices by (variant id, channel) (``discounts``).
    discounted: dict[discounts.Key, payloads.Amount] = field(default_factory=dict)


def page_fetch(client: SaleorClient, phase: str, *, after: str | None, page_size: int) -> Page:
    """One page of the phase's connection; a node that does not parse is counted, not fatal."""
    source = SOURCES[phase]
    observed = clock.now()
    data = client.execute(
        documents.load(source.document),
        {"first": max(1, min(page_size, MAX_PAGE_SIZE)), "after": after},
    )
    connection: Any = data.get(source.field)
    if not isinstance(connection, dict) or not isinstance(connection.get("pageInfo"), dict):
        raise PermanentError(f"Saleor answered no {source.field} connection", code="catalogue_page")
    nodes: list[payloads.Payload] = []
    invalid = 0
    for edge in connection.get("edges") or []:
        try:
            nodes.append(source.model.model_validate(edge["node"]))
        except (pydantic.ValidationError, KeyError, TypeError) as exc:
            invalid += 1
            logger.warning("Catalogue sync of %s: a node does not parse: %s", source.field, exc)
    info = connection["pageInfo"]
    page = Page(
        nodes=nodes,
        invalid=invalid,
        total=connection.get("totalCount"),
        end_cursor=info.get("endCursor"),
        has_next=bool(info.get("hasNextPage")),
        observed=observed,
    )
    if page.has_next and (not page.end_cursor or page.end_cursor == after):
        raise PermanentError(
            f"Saleor's {source.field} page has a next page but no new cursor",
            code="catalogue_page",
        )
    return page


def catalogue_sync_prepare(*, installation_id: int, now: datetime) -> CatalogueSync:
    """The installation's unfinished sync, else a new pending one numbered after the last."""
    unfinished = (
        CatalogueSync.objects.filter(installation_id=installation_id)
        .exclude(status=Status.DONE)
        .first()
    )
    if unfinished is not None:
        return unfinished
    last = CatalogueSync.objects.filter(installation_id=installation_id).aggregate(
        last=Max("number")
    )["last"]
    try:
        with transaction.atomic():
            return CatalogueSync.objects.create(
                installation_id=installation_id,
                number=(last or 0) + 1,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # another worker prepared it meanwhile
        return (
            CatalogueSync.objects.filter(installation_id=installation_id)
            .exclude(status=Status.DONE)
            .get()
        )


def catalogue_sync_claim(
    *, installation_id: int, owner: str, now: datetime
) -> CatalogueSync | Outcome:
    with transaction.atomic():
        sync = (
            CatalogueSync.objects.select_for_update()
            .filter(installation_id=installation_id)
            .exclude(status=Status.DONE)
            .first()
        )
        if sync is None:
            return Outcome.IDLE
        held = sync.status == Status.RUNNING and sync.owner and sync.owner != owner
        if held and now - sync.updated_at < LEASE:
            return Outcome.BUSY
        sync.status, sync.owner, sync.error = Status.RUNNING, owner, ""
        sync.started_at = sync.started_at or now
        sync.updated_at = now
        sync.save()
    return sync


def _apply(sync: CatalogueSync, phase: str, nodes: list[payloads.Payload], at: datetime) -> int:
    """Apply a page's nodes; how many were stored. A page of products goes in bulk; one the
    bulk path refuses, or the database refuses in bulk, goes node by node."""
    if phase == Phase.PRODUCTS:
        products = [node for node in nodes if isinstance(node, payloads.CatalogueProduct)]
        try:
            with transaction.atomic():
                return bulk.products_apply(
                    installation_id=sync.installation_id,
                    nodes=products,
                    observed=at,
                    now=clock.now(),
                    seen_sync=sync.number,
                )
        except (bulk.PageNotBulk, IntegrityError, DataError, PermanentError) as exc:
            logger.info("Catalogue sync: a page of products applied one by one: %s", exc)
    return _apply_each(sync, phase, nodes, at)


def _apply_each(
    sync: CatalogueSync, phase: str, nodes: list[payloads.Payload], at: datetime
) -> int:
    """Apply a page's nodes one by one; how many were stored (a node the data refuses is
    skipped)."""
    now = clock.now()
    stored = 0
    for node in nodes:
        try:
            with transaction.atomic():
                if isinstance(node, payloads.CatalogueCategory):
                    services.category_upsert(
                        installation_id=sync.installation_id,
                        node=node,
                        now=now,
                        seen_sync=sync.number,
                    )
                elif isinstance(node, payloads.CatalogueCollection):
                    services.collection_upsert(
                        installation_id=sync.installation_id,
                        node=node,
                        now=now,
                        seen_sync=sync.number,
                    )
                else:
                    assert isinstance(node, payloads.CatalogueProduct)
                    services.product_apply(
                        installation_id=sync.installation_id,
                        node=node,
                        observed=at,
                        now=now,
                        seen_sync=sync.number,
                    )
        except (IntegrityError, DataError, PermanentError) as exc:
            logger.warning("Catalogue sync: %s %s skipped: %s", phase, getattr(node, "id", ""), exc)
            continue
        stored += 1
    return stored


COUNTERS: dict[str, str] = {
    Phase.CATEGORIES: "categories",
    Phase.COLLECTIONS: "collections",
    Phase.PRODUCTS: "products",
}


def _commit_page(sync: CatalogueSync, page: Page) -> bool:
    """Apply a page and move the sync past it, all or nothing; False if the lease is lost."""
    phase = sync.phase
    with transaction.atomic():
        held = (
            CatalogueSync.objects.select_for_update()
            .filter(pk=sync.pk, owner=sync.owner, status=Status.RUNNING)
            .only("id")
            .first()
        )
        if held is None:
            return False
        stored = _apply(sync, phase, page.nodes, page.observed)
        discounts.discounted_prices_apply(
            installation_id=sync.installation_id, prices=page.discounted, observed=page.observed
        )
        fields: dict[str, Any] = {
            "cursor": page.end_cursor or sync.cursor,
            COUNTERS[phase]: F(COUNTERS[phase]) + stored,
            "skipped": F("skipped") + len(page.nodes) - stored + page.invalid,
            "updated_at": clock.now(),
        }
        if phase == Phase.PRODUCTS:
            fields["variants"] = F("variants") + sum(
                len(node.variants or [])
                for node in page.nodes
                if isinstance(node, payloads.CatalogueProduct)
            )
            if page.total is not None:
                fields["total"] = page.total
        if not page.has_next:
            fields |= {"phase": NEXT_PHASE[phase], "cursor": ""}
        CatalogueSync.objects.filter(pk=sync.pk).update(**fields)
    sync.refresh_from_db()
    return True


def _commit_retrying(sync: CatalogueSync, page: Page) -> bool:
    for attempt in range(PAGE_COMMIT_ATTEMPTS):
        try:
            return _commit_page(sync, page)
        except OperationalError:
            if attempt + 1 == PAGE_COMMIT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _discounted(client: SaleorClient, page: Page) -> dict[discounts.Key, payloads.Amount]:
    """The page's discounted prices; none when Saleor refuses the query (the deliveries still
    bring them). A transient fault stops the sync as a page's would."""
    products = [node for node in page.nodes if isinstance(node, payloads.CatalogueProduct)]
    try:
        return discounts.page_discounted_prices(client, products)
    except PermanentError as exc:
        logger.warning("Catalogue sync: discounted prices not read: %s", exc.message)
        return {}


def _sweep(sync: CatalogueSync) -> bool:
    with transaction.atomic():
        held = (
            CatalogueSync.objects.select_for_update()
            .filter(pk=sync.pk, owner=sync.owner, status=Status.RUNNING)
            .only("id")
            .first()
        )
        if held is None:
            return False
        assert sync.started_at is not None
        deleted = services.catalogue_sweep(
            installation_id=sync.installation_id,
            sync_number=sync.number,
            started_at=sync.started_at,
        )
        now = clock.now()
        CatalogueSync.objects.filter(pk=sync.pk).update(
            deleted=deleted,
            phase=Phase.DONE,
            status=Status.DONE,
            owner="",
            finished_at=now,
            updated_at=now,
        )
    sync.refresh_from_db()
    return True


def _stop(sync: CatalogueSync, outcome: Outcome, error: str) -> Outcome:
    """Leave the sync failed but resumable (its phase and cursor stay), free for the next go."""
    logger.warning("Catalogue sync %s stopped (%s): %s", sync.pk, outcome, error)
    try:
        CatalogueSync.objects.filter(pk=sync.pk, owner=sync.owner).update(
            status=Status.FAILED, error=error[:2000], owner="", updated_at=clock.now()
        )
    except DatabaseError:
        logger.exception("Catalogue sync %s: cannot record the failure", sync.pk)
    sync.status, sync.error, sync.owner = Status.FAILED, error, ""
    return outcome


def catalogue_sync_run(
    *,
    sync: CatalogueSync,
    client: SaleorClient,
    page_size: int,
    pacer: Pacer,
    deadline: float | None = None,
    on_page: Callable[[CatalogueSync], None] | None = None,
) -> Outcome:
    """Carry a claimed sync from its phase and cursor to the end, a fault (it stays resumable)
    or the ``deadline`` (``clock.monotonic``), when it is released for a continuation."""
    while True:
        if sync.phase == Phase.SWEEP:
            if not _sweep(sync):
                return Outcome.BUSY
            return Outcome.DONE
        try:
            pacer.wait()
            page = page_fetch(client, sync.phase, after=sync.cursor or None, page_size=page_size)
            if sync.phase == Phase.PRODUCTS:
                page = replace(page, discounted=_discounted(client, page))
            committed = _commit_retrying(sync, page)
        except RetryableError as exc:
            return _stop(sync, Outcome.RETRY, exc.message)
        except PermanentError as exc:
            return _stop(sync, Outcome.FAILED, exc.message)
        except DatabaseError as exc:
            return _stop(sync, Outcome.RETRY, f"{exc.__class__.__name__}: {exc}")
        if not committed:
            return Outcome.BUSY
        if on_page is not None:
            on_page(sync)
        if deadline is not None and clock.monotonic() >= deadline:
            CatalogueSync.objects.filter(pk=sync.pk, owner=sync.owner).update(
                owner="", updated_at=clock.now()
            )
            return Outcome.PAUSED


def catalogue_sync_execute(
    *,
    installation_id: int,
    client: SaleorClient,
    fresh: bool,
    page_size: int,
    pacer: Pacer,
    deadline: float | None = None,
    on_page: Callable[[CatalogueSync], None] | None = None,
) -> Outcome:
    """Sync one installation's catalogue: ``fresh`` starts a new sync when the last one
    finished (install, restart); otherwise only an unfinished one is carried on."""
    if fresh:
        catalogue_sync_prepare(installation_id=installation_id, now=clock.now())
    claimed = catalogue_sync_claim(
        installation_id=installation_id, owner=uuid.uuid4().hex, now=clock.now()
    )
    if isinstance(claimed, Outcome):
        return claimed
    return catalogue_sync_run(
        sync=claimed,
        client=client,
        page_size=page_size,
        pacer=pacer,
        deadline=deadline,
        on_page=on_page,
    )


def catalogue_sync_latest(*, installation_id: int) -> CatalogueSync | None:
    return CatalogueSync.objects.filter(installation_id=installation_id).order_by("-number").first()


class CatalogueSyncRunning(PermanentError):
    """A restart asked for while a sync is under way."""


def catalogue_sync_restart(*, installation_id: int, now: datetime) -> CatalogueSync:
    """A new sync from Saleor's first page; refused while one is held or queued within its
    lease. A failed or orphaned sync starts over from its first phase (same number: what it
    marked seen stays marked, the new pass marks the rest)."""
    with transaction.atomic():
        unfinished = (
            CatalogueSync.objects.select_for_update()
            .filter(installation_id=installation_id)
            .exclude(status=Status.DONE)
            .first()
        )
        if unfinished is None:
            return catalogue_sync_prepare(installation_id=installation_id, now=now)
        busy = unfinished.status in (Status.RUNNING, Status.PENDING)
        if busy and now - unfinished.updated_at < LEASE:
            raise CatalogueSyncRunning(
                "The catalogue sync is still running: restart it once it has finished",
                code="catalogue_sync_running",
            )
        unfinished.status, unfinished.phase, unfinished.cursor = (
            Status.PENDING,
            Phase.CATEGORIES,
            "",
        )
        unfinished.error, unfinished.owner = "", ""
        unfinished.updated_at = now
        unfinished.save()
    return unfinished
