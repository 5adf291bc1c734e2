"""What /metrics reports, read from the database at scrape time.

Every process kind (web, workers, scheduler) writes its work to the database, so reading the
figures there covers them all without Prometheus' multiprocess mode or a metrics port per
process. A scrape costs nine queries (``SCRAPE_QUERIES``), each bounded by an index: the
partial indexes of pending and failed deliveries and of waiting runs, the outbox's
``(status, send_after)`` index, the unfinished backfill runs' unique index, the small
installations table, and for the last hour's deliveries and messages the primary key read
backwards over at most ``RECENT_ROWS`` rows.

Figures are gauges: deliveries and messages are deleted or blanked over time (retention,
erasure), so a count of rows is not a monotonic counter; ``rate()`` is meaningless on them,
the windowed gauges answer "how many in the last hour" directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Greatest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.core import clock
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.messages.models import Message
from saleor_mautomation.saleor.models import Installation

SCRAPE_QUERIES = 9
RECENT = timedelta(hours=1)
# The windowed counts read at most this many of the newest rows (by primary key): beyond
# that many deliveries or messages an hour, they count the newest ones only.
RECENT_ROWS = 100_000
# Due (queued for now, or its deferral's end) to handed over to the SMTP server or provider.
LATENCY_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
OUTBOX_BACKLOG = (Message.Status.QUEUED, Message.Status.DEFERRED, Message.Status.SENDING)


def _newest(model: type[Delivery] | type[Message]) -> Q:
    """Rows among the newest ``RECENT_ROWS`` ids: a backward range of the primary key."""
    newest_id = model.objects.order_by("-id").values("id")[:1]
    return Q(id__gt=Subquery(newest_id) - Value(RECENT_ROWS))


def _age(now: datetime, since: datetime | None) -> float:
    return max((now - since).total_seconds(), 0.0) if since else 0.0


def _installations() -> Iterator[Metric]:
    family = GaugeMetricFamily(
        "mautomation_installations", "Saleor installations by status.", labels=["status"]
    )
    counts = dict.fromkeys(Installation.Status.values, 0)
    for row in Installation.objects.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    for status, n in sorted(counts.items()):
        family.add_metric([status], n)
    yield family


def _deliveries(now: datetime) -> Iterator[Metric]:
    recent = GaugeMetricFamily(
        "mautomation_deliveries_recent",
        "Webhook deliveries received in the last hour, by event and their status now.",
        labels=["event", "status"],
    )
    rows = (
        Delivery.objects.filter(_newest(Delivery), received_at__gte=now - RECENT)
        .values("event", "status")
        .annotate(n=Count("id"))
        .order_by("event", "status")
    )
    for row in rows:
        recent.add_metric([row["event"], row["status"]], row["n"])
    yield recent

    failed = GaugeMetricFamily(
        "mautomation_deliveries_failed",
        "Failed webhook deliveries waiting for a retry or a discard, by event.",
        labels=["event"],
    )
    failed_rows = (
        Delivery.objects.filter(status=Delivery.Status.FAILED)
        .values("event")
        .annotate(n=Count("id"))
        .order_by("event")
    )
    for failed_row in failed_rows:
        failed.add_metric([failed_row["event"]], failed_row["n"])
    yield failed

    pending = Delivery.objects.filter(status=Delivery.Status.PENDING).aggregate(
        n=Count("id"), oldest=Min("received_at")
    )
    yield GaugeMetricFamily(
        "mautomation_intake_pending",
        "Webhook deliveries stored and not processed yet.",
        value=pending["n"],
    )
    yield GaugeMetricFamily(
        "mautomation_intake_lag_seconds",
        "Age of the oldest unprocessed webhook delivery (0: none waiting).",
        value=_age(now, pending["oldest"]),
    )


def _runs(now: datetime) -> Iterator[Metric]:
    due = JourneyRun.objects.filter(status=JourneyRun.Status.WAITING, wake_at__lte=now).aggregate(
        n=Count("id"), oldest=Min("wake_at")
    )
    yield GaugeMetricFamily(
        "mautomation_journey_runs_due",
        "Journey runs waiting past their wake time.",
        value=due["n"],
    )
    yield GaugeMetricFamily(
        "mautomation_journey_runs_due_lag_seconds",
        "How long the most overdue journey run has been due (0: none).",
        value=_age(now, due["oldest"]),
    )


def _messages(now: datetime) -> Iterator[Metric]:
    outbox = GaugeMetricFamily(
        "mautomation_messages_outbox",
        "Messages not handed over yet (queued, deferred, sending), by status and channel.",
        labels=["status", "channel"],
    )
    rows = (
        Message.objects.filter(status__in=OUTBOX_BACKLOG)
        .values("status", "channel")
        .annotate(n=Count("id"))
        .order_by("status", "channel")
    )
    for row in rows:
        outbox.add_metric([row["status"], row["channel"]], row["n"])
    yield outbox

    recent = GaugeMetricFamily(
        "mautomation_messages_recent",
        "Messages created in the last hour, by their status now and channel.",
        labels=["status", "channel"],
    )
    rows = (
        Message.objects.filter(_newest(Message), created_at__gte=now - RECENT)
        .values("status", "channel")
        .annotate(n=Count("id"))
        .order_by("status", "channel")
    )
    for row in rows:
        recent.add_metric([row["status"], row["channel"]], row["n"])
    yield recent

    latency = ExpressionWrapper(
        F("sent_at") - Greatest("created_at", "send_after"), output_field=DurationField()
    )
    buckets = {
        f"le_{index}": Count("id", filter=Q(latency__lte=timedelta(seconds=bound)))
        for index, bound in enumerate(LATENCY_BUCKETS)
    }
    # Keys made from the buckets: not a TypedDict the stubs can follow.
    sent_rows: Any = (
        Message.objects.filter(_newest(Message), sent_at__gte=now - RECENT)
        .annotate(latency=latency)
        .values("channel")
        .annotate(n=Count("id"), total=Sum("latency"), **buckets)
        .order_by("channel")
    )
    family = HistogramMetricFamily(
        "mautomation_message_send_latency_seconds",
        "Messages handed over in the last hour: seconds from due (queued, or the end of its "
        "deferral) to handed over to the SMTP server or provider.",
        labels=["channel"],
    )
    for row in sent_rows:
        cumulative = [
            (floatToGoString(bound), row[f"le_{index}"])
            for index, bound in enumerate(LATENCY_BUCKETS)
        ]
        total = row["total"] or timedelta(0)
        family.add_metric(
            [row["channel"]],
            [*cumulative, ("+Inf", row["n"])],
            sum_value=max(total.total_seconds(), 0.0),
        )
    yield family


def _backfill() -> Iterator[Metric]:
    runs = GaugeMetricFamily(
        "mautomation_backfill_runs",
        "Unfinished backfill runs (pending, running, failed), by resource and status.",
        labels=["resource", "status"],
    )
    done = GaugeMetricFamily(
        "mautomation_backfill_done",
        "Objects imported so far by the unfinished backfill runs, by resource.",
        labels=["resource"],
    )
    total = GaugeMetricFamily(
        "mautomation_backfill_total",
        "Objects the unfinished backfill runs expect (as far as Saleor told), by resource.",
        labels=["resource"],
    )
    rows = (
        BackfillRun.objects.exclude(status=BackfillRun.Status.DONE)
        .values("resource", "status")
        .annotate(n=Count("id"), done=Sum("done"), total=Sum("total"))
        .order_by("resource", "status")
    )
    sums: dict[str, tuple[int, int]] = {}
    for row in rows:
        runs.add_metric([row["resource"], row["status"]], row["n"])
        before = sums.get(row["resource"], (0, 0))
        sums[row["resource"]] = (before[0] + row["done"], before[1] + (row["total"] or 0))
    for resource, (done_n, total_n) in sorted(sums.items()):
        done.add_metric([resource], done_n)
        total.add_metric([resource], total_n)
    yield from (runs, done, total)


class DatabaseCollector(Collector):
    """The app's figures for one scrape (a fresh registry per request: nothing is cached)."""

    def collect(self) -> Iterator[Metric]:
        now = clock.now()
        yield from _installations()
        yield from _deliveries(now)
        yield from _runs(now)
        yield from _messages(now)
        yield from _backfill()
