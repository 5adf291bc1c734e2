"""restartBackfill: the whole import again from Saleor's first page, refused while one runs."""

import json
from datetime import timedelta

import pytest

from saleor_mautomation.backfill import services, tasks
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.backfill.services import LEASE, Outcome
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from tests.backfill.test_backfill import (
    RESOURCES,
    backfill,
    cursor,
    fail_after_first_page,
    paged,
    pages_asked,
    run_of,
    shop_checkouts,
    shop_customers,
    shop_orders,
)
from tests.conftest import make_installation
from tests.graphql.test_contacts import ask

RESTART = """mutation { restartBackfill { backfillStatus {
  resource status total done skipped error startedAt finishedAt } } }"""
PENDING = [
    {
        "resource": resource,
        "status": "PENDING",
        "total": None,
        "done": 0,
        "skipped": 0,
        "error": None,
        "startedAt": None,
        "finishedAt": None,
    }
    for resource in ("CUSTOMERS", "ORDERS", "CHECKOUTS")
]


@pytest.fixture
def shop(standin):
    """The shop of the backfill tests: 10 customers, 7 orders, 4 checkouts."""
    standin.answers["Customers"] = paged("customers-page", "customers", shop_customers())
    standin.answers["Orders"] = paged("orders-page", "orders", shop_orders())
    standin.answers["Checkouts"] = paged("checkouts-page", "checkouts", shop_checkouts())
    return standin


@pytest.fixture
def enqueued(monkeypatch):
    found: list[tuple] = []
    monkeypatch.setattr(
        tasks.backfill_run, "apply_async", lambda args, **options: found.append(tuple(args))
    )
    return found


def restart(client, installation, callbacks_capture):
    with callbacks_capture(execute=True):
        return ask(client, installation, RESTART)


def test_a_finished_import_restarts_as_new_runs_and_the_old_ones_stay(
    client, shop, standin_installation, enqueued, django_capture_on_commit_callbacks
):
    # given: everything imported once
    assert backfill(standin_installation) == {r: Outcome.DONE for r in RESOURCES}
    first = {run.resource: run.pk for run in BackfillRun.objects.all()}

    # when
    answer = restart(client, standin_installation, django_capture_on_commit_callbacks)

    # then: three pending runs beside the finished ones, and the worker's task enqueued
    assert answer["data"]["restartBackfill"]["backfillStatus"] == PENDING
    assert enqueued == [(standin_installation.pk,)]
    assert BackfillRun.objects.filter(status="done").count() == 3
    assert all(run_of(standin_installation, r).pk != first[r] for r in RESOURCES)
    shop.requests.clear()

    # when: the worker runs it
    assert backfill(standin_installation, fresh=False) == {r: Outcome.DONE for r in RESOURCES}

    # then: from the first page, to the same counts, nothing doubled
    assert pages_asked(shop)[0] == ("Customers", None, 3)
    assert [(r.resource, r.status, r.total, r.done) for r in BackfillRun.objects.order_by("id")][
        3:
    ] == [("customers", "done", 10, 10), ("orders", "done", 7, 7), ("checkouts", "done", 4, 4)]
    assert Contact.objects.filter(is_customer=True).count() == 10


def test_a_failed_import_starts_over_from_the_first_page(
    client, shop, standin_installation, enqueued, django_capture_on_commit_callbacks
):
    # given: customers failed after their first page (3 of 10), orders and checkouts pending
    first_page = fail_after_first_page(shop, "Customers")
    backfill(standin_installation)
    shop.answers["Customers"] = first_page
    failed = run_of(standin_installation, "customers")
    assert (failed.status, failed.cursor, failed.done) == ("failed", cursor(3), 3)
    # the pending runs were made when it started, longer ago than the lease
    BackfillRun.objects.update(updated_at=clock.now() - LEASE - timedelta(seconds=1))

    # when
    answer = restart(client, standin_installation, django_capture_on_commit_callbacks)

    # then: the failed run itself is reset (one unfinished run per resource), cursor and all
    assert answer["data"]["restartBackfill"]["backfillStatus"] == PENDING
    reset = run_of(standin_installation, "customers")
    assert reset.pk == failed.pk
    assert (reset.status, reset.cursor, reset.done, reset.skipped, reset.total, reset.error) == (
        "pending",
        "",
        0,
        0,
        None,
        "",
    )
    assert BackfillRun.objects.count() == 3
    shop.requests.clear()

    backfill(standin_installation, fresh=False)

    assert pages_asked(shop)[:2] == [("Customers", None, 3), ("Customers", cursor(3), 3)]
    finished = run_of(standin_installation, "customers")
    assert (finished.pk, finished.status, finished.total, finished.done) == (
        failed.pk,
        "done",
        10,
        10,
    )


def test_a_restart_is_refused_while_the_import_runs_or_waits_for_its_worker(
    client, shop, standin_installation, enqueued, django_capture_on_commit_callbacks
):
    # given: a worker holds the customers' run
    services.backfill_prepare(
        installation_id=standin_installation.pk, resources=RESOURCES, now=clock.now()
    )
    claimed = services.backfill_claim(
        installation_id=standin_installation.pk,
        resource="customers",
        owner="worker-1",
        now=clock.now(),
    )
    assert isinstance(claimed, BackfillRun)
    before = list(BackfillRun.objects.order_by("id").values())

    # when
    refused = restart(client, standin_installation, django_capture_on_commit_callbacks)

    # then
    assert refused["errors"][0]["extensions"]["code"] == "BACKFILL_RUNNING"
    assert refused["errors"][0]["message"] == (
        "The import is still running (customers, orders, checkouts): restart it once it has "
        "finished"
    )
    assert list(BackfillRun.objects.order_by("id").values()) == before
    assert enqueued == []

    # given: its worker died (the lease ran out) and so did the queue's
    BackfillRun.objects.update(updated_at=clock.now() - LEASE - timedelta(seconds=1))

    # when
    taken = restart(client, standin_installation, django_capture_on_commit_callbacks)

    # then: the orphaned run is reset and restarted
    assert taken["data"]["restartBackfill"]["backfillStatus"] == PENDING
    assert run_of(standin_installation, "customers").owner == ""
    assert enqueued == [(standin_installation.pk,)]

    # when: asked again before the worker took the new runs
    again = restart(client, standin_installation, django_capture_on_commit_callbacks)

    # then
    assert again["errors"][0]["extensions"]["code"] == "BACKFILL_RUNNING"
    assert enqueued == [(standin_installation.pk,)]


def test_a_restart_touches_only_the_callers_shop(
    client, shop, standin_installation, enqueued, django_capture_on_commit_callbacks
):
    other = make_installation(saleor_api_url="https://other.example/graphql/")
    services.backfill_prepare(installation_id=other.pk, resources=RESOURCES, now=clock.now())
    theirs = list(BackfillRun.objects.filter(installation=other).values())

    answer = restart(client, standin_installation, django_capture_on_commit_callbacks)

    assert answer["data"]["restartBackfill"]["backfillStatus"] == PENDING
    assert list(BackfillRun.objects.filter(installation=other).values()) == theirs
    assert enqueued == [(standin_installation.pk,)]


def test_a_restart_needs_a_dashboard_user(client, standin_installation):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": RESTART}),
        content_type="application/json",
        headers={"Saleor-Api-Url": standin_installation.saleor_api_url},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not BackfillRun.objects.exists()
