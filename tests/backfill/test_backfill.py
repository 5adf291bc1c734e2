"""The backfill against the loopback stand-in, serving pages in the shapes Saleor answers.

The shop: the six customers of the two captured customer pages and four more made from them;
the three captured orders and four more (three for robert.garcia, in two currencies, one for
a guest); the three captured checkouts (no email) and one of edward.cook. Pages of three.
"""

import base64
import copy
import gc
import json
import re
import weakref
from decimal import Decimal
from io import StringIO

import graphene
import pytest
from django.core.management import CommandError, call_command

from saleor_mautomation.backfill import services, tasks
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.backfill.services import Outcome, PagePacer, backfill_execute
from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.models import Contact, ContactSpend
from saleor_mautomation.events.models import Event
from saleor_mautomation.graphql.backfill import BackfillQuery
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.project.celery import app as celery_app
from saleor_mautomation.saleor.auth import DashboardUser
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.models import Membership, Segment
from tests.support.samples import graphql_response

RESOURCES = ["customers", "orders", "checkouts"]
ROBERT = "robert.garcia@example.com"


def b64(text):
    return base64.b64encode(text.encode()).decode()


def nodes_of(name, field):
    return [edge["node"] for edge in graphql_response(name)["response"]["data"][field]["edges"]]


def shop_customers():
    real = nodes_of("customers-page", "customers") + nodes_of("customers-page-2", "customers")
    made = []
    for n in range(6, 10):
        node = copy.deepcopy(real[0])
        node.update(id=b64(f"User:{100 + n}"), email=f"customer.{n}@example.com")
        node["firstName"] = f"Customer{n}"
        made.append(node)
    return copy.deepcopy(real) + made


def shop_orders():
    real = nodes_of("orders-page", "orders")  # jade USD, robert PLN, deborah PLN
    made = []
    for n, template, email in [
        (4, real[0], ROBERT),
        (5, real[1], ROBERT),
        (6, real[0], "customer.7@example.com"),
        (7, real[2], "guest.buyer@example.com"),
    ]:
        node = copy.deepcopy(template)
        created = f"2026-11-23T16:{n:02}:00+00:00"
        node.update(id=b64(f"Order:{n}"), number=str(n), userEmail=email)
        node.update(created=created, updatedAt=created)
        made.append(node)
    return copy.deepcopy(real) + made


def shop_checkouts():
    real = nodes_of("checkouts-page", "checkouts")
    node = copy.deepcopy(real[0])
    node.update(id=b64("Checkout:edward"), token="edward-token", email="edward.cook@example.com")
    return [*copy.deepcopy(real), node]


def cursor(end):
    return b64(f"cursor:{end}")


def paged(template_name, field, nodes):
    """A stand-in answer paging ``nodes`` by ``first``/``after``, in the captured page's shape."""
    template = graphql_response(template_name)["response"]

    def answer(variables):
        after = variables.get("after")
        start = int(base64.b64decode(after).decode().split(":")[1]) if after else 0
        chunk = nodes[start : start + variables["first"]]
        end = start + len(chunk)
        response = copy.deepcopy(template)
        response["data"][field] = {
            "totalCount": len(nodes),
            "pageInfo": {
                "hasNextPage": end < len(nodes),
                "endCursor": cursor(end) if chunk else None,
            },
            "edges": [{"node": node} for node in chunk],
        }
        return 200, response

    return answer


def fail_after_first_page(standin, operation, fault=(503, {})):
    """Saleor fails every attempt (3) at the second page of ``operation``: queued as the first
    page is answered, since the second is asked while the first is ingested."""
    first_page = standin.answers[operation]

    def then_fail(variables):
        if variables.get("after") is None:
            standin.fail_next(*[fault] * 3)
        return first_page(variables)

    standin.answers[operation] = then_fail
    return first_page


@pytest.fixture
def shop(standin):
    standin.answers["Customers"] = paged("customers-page", "customers", shop_customers())
    standin.answers["Orders"] = paged("orders-page", "orders", shop_orders())
    standin.answers["Checkouts"] = paged("checkouts-page", "checkouts", shop_checkouts())
    return standin


def pages_asked(standin):
    asked = []
    for request in standin.requests_to("/graphql/"):
        payload = request.json()
        name = re.search(r"^query (\w+)", payload["query"], re.MULTILINE)
        assert name is not None
        asked.append(
            (name.group(1), payload["variables"].get("after"), payload["variables"]["first"])
        )
    return asked


def backfill(installation, *, resources=RESOURCES, fresh=True, pacer=None, **kwargs):
    return backfill_execute(
        installation_id=installation.pk,
        resources=resources,
        fresh=fresh,
        page_size=3,
        pacer=pacer or PagePacer(0),
        **kwargs,
    )


def run_of(installation, resource):
    return BackfillRun.objects.filter(installation=installation, resource=resource).latest("id")


def snapshot():
    return {
        "contacts": sorted(
            Contact.objects.values_list(
                "email", "saleor_user_id", "first_name", "is_customer", "orders_count"
            )
        ),
        "spend": sorted(ContactSpend.objects.values_list("contact__email", "currency", "total")),
        "orders": sorted(
            OrderRecord.objects.values_list("saleor_id", "contact__email", "total_gross")
        ),
        "checkouts": sorted(CheckoutRecord.objects.values_list("saleor_id", "contact__email")),
        "events": sorted(
            Event.objects.values_list("type", "dedupe_key", "contact__email", "source")
        ),
    }


def test_backfill_imports_customers_orders_and_checkouts(shop, standin_installation):
    # when
    outcomes = backfill(standin_installation)

    # then
    assert outcomes == {resource: Outcome.DONE for resource in RESOURCES}
    assert Contact.objects.filter(is_customer=True).count() == 10
    guests = Contact.objects.filter(is_customer=False).order_by("email")
    assert list(guests.values_list("email", flat=True)) == [
        "deborah.lee@example.com",
        "guest.buyer@example.com",
    ]
    robert = Contact.objects.get(email=ROBERT)
    assert (robert.saleor_user_id, robert.first_name, robert.orders_count) == (
        "VXNlcjo4",
        "Robert",
        3,
    )
    assert sorted(robert.spend.values_list("currency", "orders", "total")) == [
        ("PLN", 2, Decimal("2359.7200")),
        ("USD", 1, Decimal("1047.4800")),
    ]
    assert OrderRecord.objects.count() == 7
    assert OrderRecord.objects.filter(contact=None).count() == 0
    assert CheckoutRecord.objects.count() == 4
    edward = CheckoutRecord.objects.get(saleor_id=b64("Checkout:edward")).contact
    assert edward is not None
    assert edward.email == "edward.cook@example.com"
    assert sorted(Event.objects.values_list("type", "source").distinct()) == [
        ("checkout.updated", "backfill"),
        ("customer.created", "backfill"),
        ("order.placed", "backfill"),
    ]
    assert Event.objects.filter(type="customer.created").count() == 10
    assert Event.objects.filter(type="order.placed", contact=robert).count() == 3
    assert Event.objects.filter(type="checkout.updated").count() == 4
    assert [
        (r.status, r.total, r.done, r.skipped, r.error) for r in BackfillRun.objects.order_by("id")
    ] == [
        ("done", 10, 10, 0, ""),
        ("done", 7, 7, 0, ""),
        ("done", 4, 4, 0, ""),
    ]
    assert pages_asked(shop) == [
        ("Customers", None, 3),
        ("Customers", cursor(3), 3),
        ("Customers", cursor(6), 3),
        ("Customers", cursor(9), 3),
        ("Orders", None, 3),
        ("Orders", cursor(3), 3),
        ("Orders", cursor(6), 3),
        ("Checkouts", None, 3),
        ("Checkouts", cursor(3), 3),
    ]


class Cycle:
    """An object in a reference cycle: only the collector frees it."""

    def __init__(self):
        self.me = self


def test_the_collector_leaves_older_objects_alone_during_the_import(shop, standin_installation):
    # given: a cycle made before the import, dropped in its first page
    assert gc.get_freeze_count() == 0
    older = [Cycle()]
    gone = weakref.ref(older[0])
    frozen, kept = [], []

    def on_page(run):
        older.clear()
        gc.collect()
        frozen.append(gc.get_freeze_count() > 0)
        kept.append(gone() is not None)

    # when
    outcomes = backfill(standin_installation, on_page=on_page)

    # then: every page ran frozen, the cycle outlived them, then the collector freed it
    assert outcomes == {resource: Outcome.DONE for resource in RESOURCES}
    assert frozen == [True] * 9
    assert kept == [True] * 9
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None


@pytest.mark.parametrize("fault", [(503, {}), "drop"], ids=["503", "dropped"])
def test_a_fault_mid_way_stops_at_a_page_and_the_next_run_resumes_from_its_cursor(
    shop, standin_installation, fault
):
    # given: Saleor fails every attempt (3) at the second page of customers
    first_page = fail_after_first_page(shop, "Customers", fault)

    # when
    outcomes = backfill(standin_installation)

    # then
    assert outcomes == {"customers": Outcome.RETRY}
    run = run_of(standin_installation, "customers")
    assert (run.status, run.cursor, run.done, run.owner) == ("failed", cursor(3), 3, "")
    assert "failed after 3 attempts" in run.error
    assert Contact.objects.count() == 3
    assert run_of(standin_installation, "orders").status == "pending"
    shop.requests.clear()
    shop.answers["Customers"] = first_page

    # when
    outcomes = backfill(standin_installation, fresh=False)

    # then
    assert outcomes == {resource: Outcome.DONE for resource in RESOURCES}
    assert pages_asked(shop)[:3] == [
        ("Customers", cursor(3), 3),
        ("Customers", cursor(6), 3),
        ("Customers", cursor(9), 3),
    ]
    resumed = run_of(standin_installation, "customers")
    assert resumed.pk == run.pk
    assert (resumed.status, resumed.done, resumed.total, resumed.error) == ("done", 10, 10, "")
    assert BackfillRun.objects.filter(resource="customers").count() == 1
    assert Contact.objects.filter(is_customer=True).count() == 10
    assert Event.objects.filter(type="customer.created").count() == 10


def test_a_crash_inside_a_page_rolls_the_whole_page_back_and_a_later_run_takes_over(
    shop, standin_installation, monkeypatch
):
    # given: the worker dies on page two, once its first customer is written
    ingest_page = services.INGEST_PAGE["customers"]
    pages = []

    class WorkerDied(BaseException):
        pass

    def dying(installation_id, nodes, now):
        pages.append([node.id for node in nodes])
        if len(pages) == 2:
            ingest_page(installation_id, nodes[:1], now)
            assert Contact.objects.count() == 4
            raise WorkerDied
        ingest_page(installation_id, nodes, now)

    monkeypatch.setitem(services.INGEST_PAGE, "customers", dying)
    with pytest.raises(WorkerDied):
        backfill(standin_installation)
    monkeypatch.setitem(services.INGEST_PAGE, "customers", ingest_page)
    run = run_of(standin_installation, "customers")
    assert (run.status, run.cursor, run.done) == ("running", cursor(3), 3)
    assert Contact.objects.count() == 3

    # when: another worker comes while the lease is fresh, then once it expired
    busy = backfill(standin_installation, fresh=False)
    BackfillRun.objects.filter(pk=run.pk).update(updated_at=run.updated_at - services.LEASE)
    shop.requests.clear()
    outcomes = backfill(standin_installation, fresh=False)

    # then
    assert busy["customers"] == Outcome.BUSY
    assert outcomes["customers"] == Outcome.DONE
    assert pages_asked(shop)[0] == ("Customers", cursor(3), 3)
    assert run_of(standin_installation, "customers").done == 10
    assert Contact.objects.filter(is_customer=True).count() == 10
    assert Event.objects.filter(type="customer.created").count() == 10


def test_a_rerun_after_completion_starts_over_and_changes_nothing(shop, standin_installation):
    # given
    backfill(standin_installation)
    before = snapshot()
    shop.requests.clear()

    # when
    outcomes = backfill(standin_installation)

    # then
    assert outcomes == {resource: Outcome.DONE for resource in RESOURCES}
    assert snapshot() == before
    assert len(pages_asked(shop)) == 9
    assert pages_asked(shop)[0] == ("Customers", None, 3)
    assert BackfillRun.objects.filter(status="done").count() == 6
    assert run_of(standin_installation, "customers").done == 10


def test_resuming_a_finished_import_asks_saleor_nothing(shop, standin_installation):
    # given
    backfill(standin_installation)
    shop.requests.clear()

    # when
    outcomes = backfill(standin_installation, fresh=False)

    # then
    assert outcomes == {resource: Outcome.IDLE for resource in RESOURCES}
    assert shop.requests == []
    assert BackfillRun.objects.count() == 3


class FakeClock:
    """Time that passes only when someone sleeps (or a test says so)."""

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_page_requests_are_spaced_by_the_minimum_interval(shop, standin_installation):
    # given
    clock = FakeClock()
    pacer = PagePacer(5.0, monotonic=clock.monotonic, sleep=clock.sleep)

    # when
    backfill(standin_installation, resources=["customers"], pacer=pacer)

    # then: four pages, a wait of the whole interval before each but the first
    assert [after for _, after, _ in pages_asked(shop)] == [None, cursor(3), cursor(6), cursor(9)]
    assert clock.slept == [5.0, 5.0, 5.0]


def test_time_spent_ingesting_counts_towards_the_interval():
    # given
    clock = FakeClock()
    pacer = PagePacer(5.0, monotonic=clock.monotonic, sleep=clock.sleep)

    # when
    pacer.wait()
    clock.now += 2.0
    pacer.wait()
    clock.now += 7.0
    pacer.wait()

    # then
    assert clock.slept == [3.0]


def test_nodes_that_cannot_be_imported_are_skipped_and_counted(shop, standin_installation):
    # given: a customer without an email (does not parse), and one who changed their email to
    # one that, as far as the app knows, another Saleor customer holds
    customers = shop_customers()
    customers[1]["email"] = None
    Contact.objects.create(
        installation=standin_installation,
        saleor_user_id=customers[7]["id"],
        email="old@example.com",
    )
    Contact.objects.create(
        installation=standin_installation,
        saleor_user_id=b64("User:999"),
        email=customers[7]["email"],
    )
    shop.answers["Customers"] = paged("customers-page", "customers", customers)

    # when
    outcomes = backfill(standin_installation, resources=["customers"])

    # then
    assert outcomes == {"customers": Outcome.DONE}
    run = run_of(standin_installation, "customers")
    assert (run.done, run.skipped, run.total) == (10, 2, 10)
    assert Contact.objects.filter(is_customer=True).count() == 8
    assert not Contact.objects.filter(saleor_user_id=customers[1]["id"]).exists()
    assert Contact.objects.get(saleor_user_id=customers[7]["id"]).email == "old@example.com"


def test_a_permission_error_fails_that_resource_and_the_others_go_on(shop, standin_installation):
    # given
    shop.answers["Customers"] = lambda variables: (
        200,
        graphql_response("error-permission-denied")["response"],
    )

    # when
    outcomes = backfill(standin_installation)

    # then
    assert outcomes == {
        "customers": Outcome.FAILED,
        "orders": Outcome.DONE,
        "checkouts": Outcome.DONE,
    }
    run = run_of(standin_installation, "customers")
    assert (run.status, run.done, run.cursor) == ("failed", 0, "")
    assert "MANAGE_STAFF" in run.error
    assert Contact.objects.filter(is_customer=True).count() == 0
    assert OrderRecord.objects.count() == 7


def test_an_uninstalled_shop_is_not_backfilled(shop, standin_installation):
    # given
    Installation.objects.filter(pk=standin_installation.pk).update(status="uninstalled")

    # when
    outcomes = backfill(standin_installation)

    # then
    assert outcomes == {}
    assert shop.requests == []
    assert not BackfillRun.objects.exists()


def test_the_task_imports_everything_then_hands_the_segments_to_the_coordinator(
    shop, standin_installation, settings, monkeypatch
):
    # given
    settings.BACKFILL_PAGE_SIZE = 3
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0
    sent: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(
        celery_app, "send_task", lambda name, args, **kw: sent.append((name, list(args)))
    )

    # when
    result = tasks.backfill_run.apply(args=(standin_installation.pk,)).get()

    # then: the catalogue's sync starts with it; the rebuild-then-entries task the
    # coordinator registers is asked for, by name
    assert result == {"customers": "done", "orders": "done", "checkouts": "done"}
    assert Contact.objects.count() == 12
    assert sent == [
        (tasks.catalogue_sync.name, [standin_installation.pk]),
        (tasks.SEGMENTS_REBUILD, [standin_installation.pk]),
    ]
    celery_app.loader.import_default_modules()
    assert tasks.SEGMENTS_REBUILD in celery_app.tasks
    assert tasks.catalogue_sync.name in celery_app.tasks


def test_the_task_works_in_slices_and_enqueues_its_continuation(
    shop, standin_installation, settings, monkeypatch
):
    # given: a slice ends after one page
    settings.BACKFILL_PAGE_SIZE = 3
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0
    monkeypatch.setattr(tasks, "SLICE_SECONDS", 0)
    enqueued = []
    monkeypatch.setattr(tasks.backfill_run, "apply_async", lambda **kw: enqueued.append(kw))

    # when
    result = tasks.backfill_run.apply(args=(standin_installation.pk,)).get()

    # then
    assert result == {"customers": "paused"}
    assert enqueued == [
        {"kwargs": {"installation_id": standin_installation.pk, "resume_only": True}}
    ]
    run = run_of(standin_installation, "customers")
    assert (run.status, run.owner, run.done, run.cursor) == ("running", "", 3, cursor(3))
    # The second page was asked while the first was ingested, and dropped with the slice.
    assert pages_asked(shop) == [("Customers", None, 3), ("Customers", cursor(3), 3)]


def test_the_task_retries_later_when_saleor_is_unavailable(
    shop, standin_installation, settings, monkeypatch
):
    # given
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0
    shop.fail_next(*[(503, {})] * 3)
    retries = []

    def retry(**kwargs):
        retries.append(kwargs)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr(tasks.backfill_run, "retry", retry)

    # when
    with pytest.raises(RuntimeError, match="retry scheduled"):
        tasks.backfill_run.apply(args=(standin_installation.pk,), throw=True)

    # then
    assert retries == [
        {
            "kwargs": {"installation_id": standin_installation.pk, "resume_only": True},
            "countdown": tasks.RETRY_DELAY,
        }
    ]
    assert run_of(standin_installation, "customers").status == "failed"


@pytest.mark.django_db
def test_registration_enqueues_the_backfill_after_commit(
    client, standin, django_capture_on_commit_callbacks, monkeypatch
):
    # given
    enqueued = []
    monkeypatch.setattr(
        tasks.backfill_run, "apply_async", lambda args, **options: enqueued.append(tuple(args))
    )

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/api/register",
            data=json.dumps({"auth_token": "app-token-1"}),
            content_type="application/json",
            headers={"Saleor-Api-Url": standin.api_url},
        )

    # then
    assert response.status_code == 200
    assert enqueued == []
    for callback in callbacks:
        callback()
    assert enqueued == [(Installation.objects.get().pk,)]


@pytest.mark.django_db
def test_a_refused_registration_enqueues_nothing(
    client, standin, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/api/register",
            data=json.dumps({"auth_token": "forged"}),
            content_type="application/json",
            headers={"Saleor-Api-Url": standin.api_url},
        )

    # then
    assert response.status_code == 400
    assert callbacks == []


STATUS = "{ backfillStatus { resource status total done skipped error startedAt finishedAt } }"


def ask_status(installation, query: str = STATUS):
    """``backfillStatus`` as the installation's Dashboard user asks for it."""
    schema = graphene.Schema(query=type("Query", (BackfillQuery, graphene.ObjectType), {}))
    user = DashboardUser(
        installation=installation,
        user_id="VXNlcjox",
        email="staff@example.com",
        permissions=frozenset({"MANAGE_USERS"}),
    )
    return schema.execute(query, context_value=Context(dashboard_user=user))


def test_backfill_status_shows_each_resource_of_the_callers_shop(shop, standin_installation):
    # given
    fail_after_first_page(shop, "Orders")
    backfill(standin_installation)

    # when
    result = ask_status(standin_installation)

    # then
    assert result.errors is None
    statuses = result.data["backfillStatus"]
    assert [(s["resource"], s["status"], s["total"], s["done"]) for s in statuses] == [
        ("CUSTOMERS", "DONE", 10, 10),
        ("ORDERS", "FAILED", 7, 3),
        ("CHECKOUTS", "PENDING", None, 0),
    ]
    assert statuses[0]["startedAt"] is not None
    assert statuses[0]["finishedAt"] is not None
    assert statuses[1]["finishedAt"] is None
    assert "HTTP 503" in statuses[1]["error"]
    assert statuses[2]["error"] is None


def test_backfill_status_needs_a_dashboard_user(db):
    # when
    schema = graphene.Schema(query=type("Query", (BackfillQuery, graphene.ObjectType), {}))
    result = schema.execute(STATUS, context_value=Context())

    # then
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}
    assert result.data is None


def test_the_command_imports_with_progress_on_stderr(shop, standin_installation, settings):
    # given
    settings.BACKFILL_PAGE_SIZE = 3
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0
    out, err = StringIO(), StringIO()

    # when
    call_command("backfill", "--resource", "customers", stdout=out, stderr=err)

    # then
    assert out.getvalue().splitlines() == [
        f"Backfill of {standin_installation.saleor_api_url}",
        "  customers: done, 10 of 10 (0 skipped)",
        "  segments: 10 entered, 0 exited",
    ]
    # the imported customers (no orders yet) are evaluated in bulk: all prospects
    prospects = Segment.objects.get(installation=standin_installation, key="stage-prospect")
    assert Membership.objects.filter(segment=prospects, exited_at=None).count() == 10
    progress = err.getvalue().splitlines()
    assert [line.split()[0] for line in progress] == ["customers"] * 4
    assert "10/10" in progress[-1].replace(" ", "")
    assert "100%" in progress[-1]
    assert Contact.objects.count() == 10
    assert OrderRecord.objects.count() == 0


def test_the_command_fails_when_a_resource_does_not_finish(shop, standin_installation, settings):
    # given
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0
    shop.fail_next(*[(503, {})] * 3)

    # when
    with pytest.raises(CommandError, match="run the command again to resume"):
        call_command(
            "backfill",
            "--installation",
            standin_installation.saleor_api_url,
            stdout=StringIO(),
            stderr=StringIO(),
        )

    # then
    assert run_of(standin_installation, "customers").status == "failed"
