"""Backfill of a big shop: contacts and orders imported per second, and memory that stays flat.

Starts a throwaway durable PostgreSQL and, in a child process, the tests' stand-in Saleor
answering the backfill's paged queries with nodes made on the fly from the captured pages
(``BENCH_SCALE`` x 100,000 customers, three times as many orders, a few checkouts), then runs
the backfill in this process as ``mautomation backfill`` does. Prints progress, then one JSON
line: contacts/s, orders/s, total seconds and peak RSS (with RSS samples along the way: flat
RSS is the claim that the import never holds the shop in memory), CPU milliseconds per node
(the app, its main thread that ingests, PostgreSQL, the stand-in), the time in Python's garbage
collector, and the load average.

Set ``BACKFILL_MIN_PAGE_INTERVAL=0`` to measure without the rate limit (default 0.2 s). The
captured order page answered fewer fields than the app's document asks for;
``BENCH_ORDER_SHAPE=document`` completes each order to the document's shape (as
``tests/backfill/test_degradation.py`` does: channel, subtotal, shipping, charged, metadata,
fulfillments, each line's variant, total and type), a larger page to read.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import gc
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

from tests.support.order_shapes import order_row  # noqa: E402
from tests.support.samples import graphql_response  # noqa: E402
from tests.support.standin import StandInSaleor, serve  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CUSTOMERS = max(100, int(100_000 * SCALE))
ORDERS = 3 * CUSTOMERS
CHECKOUTS = max(10, CUSTOMERS // 50)
TOKEN = "app-token-1"
T0 = datetime(2020, 1, 1, tzinfo=UTC)


def log(message: str) -> None:
    print(f"[backfill] {message}", flush=True)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _nodes(name: str, field: str) -> list[dict[str, Any]]:
    return [e["node"] for e in graphql_response(name)["response"]["data"][field]["edges"]]


# The stand-in plays Saleor, which runs on its own machine: nodes are shallow copies of their
# template (only top-level keys change), so that it takes little of the two cores it shares with
# the import and its database.


def customer(i: int, template: dict[str, Any]) -> dict[str, Any]:
    node = dict(template)
    joined = (T0 + timedelta(seconds=i)).isoformat()
    node.update(id=b64(f"User:{i}"), email=f"customer{i}@bench.example", firstName=f"C{i}")
    node.update(dateJoined=joined, updatedAt=joined)
    return node


def order(k: int, templates: list[dict[str, Any]]) -> dict[str, Any]:
    """Order ``k`` belongs to customer ``k % CUSTOMERS``: each has three, in USD and PLN."""
    node = dict(templates[k % len(templates)])
    buyer = k % CUSTOMERS
    created = (T0 + timedelta(days=30, seconds=k)).isoformat()
    email = f"customer{buyer}@bench.example"
    node.update(id=b64(f"Order:{k}"), number=str(k + 1), userEmail=email, created=created)
    node.update(updatedAt=created, user={"id": b64(f"User:{buyer}"), "email": email})
    return node


def checkout(j: int, template: dict[str, Any]) -> dict[str, Any]:
    node = dict(template)
    node.update(id=b64(f"Checkout:{j}"), token=f"token-{j}", email=f"customer{j}@bench.example")
    return node


def pages(template_name: str, field: str, count: int, make: Any) -> Any:
    """A stand-in answer that makes the asked page of ``count`` nodes (cursor = offset)."""
    template = graphql_response(template_name)["response"]

    def answer(variables: dict[str, Any]) -> tuple[int, Any]:
        after = variables.get("after")
        start = int(base64.b64decode(after)) if after else 0
        end = min(start + variables["first"], count)
        response = copy.deepcopy(template)
        response["data"][field] = {
            "totalCount": count,
            "pageInfo": {
                "hasNextPage": end < count,
                "endCursor": b64(str(end)) if end > start else None,
            },
            "edges": [{"node": make(n)} for n in range(start, end)],
        }
        return 200, response

    return answer


def run_standin(pipe: Connection) -> None:
    """The child process: serve pages until the parent closes the pipe."""
    people = _nodes("customers-page", "customers")[0]
    orders = _nodes("orders-page", "orders")
    if os.environ.get("BENCH_ORDER_SHAPE") == "document":
        orders = [order_row(node) for node in orders]
    carts = _nodes("checkouts-page", "checkouts")[0]
    standin = StandInSaleor(valid_tokens={TOKEN})
    standin.answers["Customers"] = pages(
        "customers-page", "customers", CUSTOMERS, lambda i: customer(i, people)
    )
    standin.answers["Orders"] = pages("orders-page", "orders", ORDERS, lambda k: order(k, orders))
    standin.answers["Checkouts"] = pages(
        "checkouts-page", "checkouts", CHECKOUTS, lambda j: checkout(j, carts)
    )
    standin.handle = _forgetful(standin)  # type: ignore[method-assign]
    stop = serve(standin)
    pipe.send(standin.api_url)
    with contextlib.suppress(EOFError):  # EOF: the parent is gone
        pipe.recv_bytes()
    stop()


def _forgetful(standin: StandInSaleor) -> Any:
    """The stand-in records every request for tests; a long benchmark must not."""
    handle = standin.handle

    def forget(request: Any) -> Any:
        answer = handle(request)
        standin.requests.clear()
        return answer

    return forget


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_s(postmaster: int) -> float:
    """CPU seconds of the database server: the postmaster and every process it started (the
    backend serving the import, the WAL writer, the checkpointer ...), live ones only."""
    total = cpu_s(postmaster)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError, IndexError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == postmaster:
                    total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rss_mb() -> float:
    pages_in_core = int(Path("/proc/self/statm").read_text().split()[1])
    return round(pages_in_core * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


class _CollectorClock:
    """A ``gc.callbacks`` entry adding up the time of each collection (it holds the GIL, so
    collections in different threads never overlap) and counting them per generation."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._start
        self.collections[info["generation"]] += 1


def main() -> None:
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    child = context.Process(target=run_standin, args=(child_end,), daemon=True)
    child.start()
    child_end.close()  # so that a child dying before it answers ends the wait (EOFError)
    api_url = parent_end.recv()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-backfill-") as var,
            postgres(durable=True) as db_url,
        ):
            _create_database(db_url)
            figures = measure(api_url, db_url, var, standin_pid=child.pid or 0)
    finally:
        parent_end.send_bytes(b"stop")
        child.join(10)
    print(json.dumps(figures), flush=True)


def measure(api_url: str, db_url: str, var: str, *, standin_pid: int) -> dict[str, Any]:
    os.environ.update(
        {
            "DATABASE_URL": db_url,
            "MAUTOMATION_VAR_DIR": var,
            "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
            "SALEOR_ALLOW_LOOPBACK": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from saleor_mautomation.backfill.models import BackfillRun
    from saleor_mautomation.backfill.services import PagePacer, backfill_execute
    from saleor_mautomation.commerce.models import OrderRecord
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.events.models import Event
    from saleor_mautomation.saleor.models import Installation

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    now = datetime.now(tz=UTC)
    installation = Installation.objects.create(
        saleor_api_url=api_url, app_id="QXBwOjE=", auth_token=TOKEN, installed_at=now
    )
    log(f"{CUSTOMERS:,} customers, {ORDERS:,} orders, {CHECKOUTS:,} checkouts in the stand-in")
    phases: dict[str, list[float]] = {}
    samples: list[float] = []
    tenths: dict[str, int] = {}
    # CPU seconds (this process, its main thread, the database server, the stand-in) at the
    # first page of each resource and at its last: CPU per node is steadier than wall time on
    # a shared machine. The main thread ingests; the page ahead is fetched and parsed in
    # another, which runs while the main one waits for the database.
    cpu: dict[str, list[tuple[float, float, float, float]]] = {}

    def cpu_now() -> tuple[float, float, float, float]:
        return (
            time.process_time(),
            time.thread_time(),
            postgres_cpu_s(postmaster),
            cpu_s(standin_pid),
        )

    def progress(run: BackfillRun) -> None:
        stamp = time.perf_counter()
        phases.setdefault(run.resource, [stamp, stamp])[1] = stamp
        if run.resource not in cpu or run.status == BackfillRun.Status.DONE:
            cpu.setdefault(run.resource, []).append(cpu_now())
        tenth = run.done * 10 // max(run.total or 1, 1)
        if tenths.get(run.resource) != tenth:
            tenths[run.resource] = tenth
            samples.append(rss_mb())
            elapsed = stamp - phases[run.resource][0]
            rate = run.done / elapsed if elapsed else 0
            log(f"{run.resource}: {run.done:,}/{run.total:,} {rate:,.0f}/s rss {samples[-1]} MB")

    collector = _CollectorClock()
    gc.callbacks.append(collector)
    began = time.perf_counter()
    outcomes = backfill_execute(
        installation_id=installation.pk,
        resources=list(BackfillRun.Resource),
        fresh=True,
        page_size=settings.BACKFILL_PAGE_SIZE,
        pacer=PagePacer(settings.BACKFILL_MIN_PAGE_INTERVAL),
        on_page=progress,
    )
    total_s = time.perf_counter() - began
    gc.callbacks.remove(collector)

    def rate(resource: str, count: int) -> float | None:
        # The first page's time is not in its phase: count the others' nodes only.
        start, end = phases.get(resource, (0.0, 0.0))
        return round((count - settings.BACKFILL_PAGE_SIZE) / (end - start), 1) if end else None

    def cpu_ms(resource: str, count: int) -> dict[str, float] | None:
        """CPU milliseconds per node of ``resource`` (its first page left out, as in ``rate``)."""
        marks = cpu.get(resource, [])
        if len(marks) < 2:
            return None
        nodes = count - settings.BACKFILL_PAGE_SIZE
        spent = [end - start for start, end in zip(marks[0], marks[-1], strict=True)]
        names = ("app", "app_main_thread", "postgres", "standin")
        return {name: round(1000 * s / nodes, 3) for name, s in zip(names, spent, strict=True)}

    contacts = Contact.objects.filter(installation=installation).count()
    orders = OrderRecord.objects.filter(installation=installation).count()
    return {
        "benchmark": "backfill",
        "customers": CUSTOMERS,
        "orders": ORDERS,
        "checkouts": CHECKOUTS,
        "page_size": settings.BACKFILL_PAGE_SIZE,
        "min_page_interval_s": settings.BACKFILL_MIN_PAGE_INTERVAL,
        "outcomes": {name: str(outcome) for name, outcome in outcomes.items()},
        "contacts_imported": contacts,
        "orders_imported": orders,
        "events": Event.objects.filter(installation=installation).count(),
        "complete": contacts == CUSTOMERS and orders == ORDERS,
        "contacts_per_s": rate("customers", CUSTOMERS),
        "orders_per_s": rate("orders", ORDERS),
        "total_s": round(total_s, 1),
        "cpu_ms_per_contact": cpu_ms("customers", CUSTOMERS),
        "cpu_ms_per_order": cpu_ms("orders", ORDERS),
        "rss_mb_first_tenth": samples[0] if samples else None,
        "rss_mb_last_tenth": samples[-1] if samples else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # Seconds in Python's garbage collector during the import, and its collections of
        # each generation (generation 2 walks every object it tracks).
        "collector_s": round(collector.seconds, 2),
        "collections": collector.collections,
        # The machine is shared: its load beside the figures (1, 5 and 15 minutes, at the end).
        "loadavg": [round(load, 2) for load in os.getloadavg()],
    }


if __name__ == "__main__":
    main()
