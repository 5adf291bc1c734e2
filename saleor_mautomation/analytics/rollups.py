"""The daily tallies derived afresh from what they count: the messages' funnel moments, the
runs (entered, branches, conversions) and the order attributions, all of which erasure keeps
(blanked). ``tallies_recompute`` is what the tallies added as things happened must equal;
``tallies_rebuild`` replaces an installation's tallies with it (after an upgrade that added
tallies, or to repair). List growth is not derivable (the consent ledger goes with an erased
person), so it is kept as tallied.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db import transaction

from saleor_mautomation.analytics.attribution import ATTRIBUTED
from saleor_mautomation.analytics.models import OrderAttribution
from saleor_mautomation.events.models import DailyTally
from saleor_mautomation.events.tallies import Origin, Tally, tallies_add
from saleor_mautomation.journeys.conversions import (
    conversion_tallies,
    entered_tallies,
    split_tallies,
)
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.runner import version_definition
from saleor_mautomation.messages.funnel import COLUMNS, message_origin, utc_day
from saleor_mautomation.messages.models import Message

DERIVED_EXCEPT = ("list.subscribed", "list.unsubscribed")
Key = tuple[object, ...]
CHUNK = 2000


def _message_tallies(installation_id: int) -> Iterator[Tally]:
    moments = {"sent": "sent_at", **COLUMNS}
    messages = Message.objects.filter(installation_id=installation_id).only(
        "installation_id",
        "journey_id",
        "journey_version_id",
        "journey_node",
        "template_id",
        "broadcast",
        "channel",
        "split_node",
        "split_branch",
        "status",
        *moments.values(),
    )
    for message in messages.iterator(chunk_size=CHUNK):
        origin = message_origin(message)
        for metric, column in moments.items():
            at = getattr(message, column)
            if at is None or (metric == "sent" and message.status == Message.Status.UNKNOWN):
                continue
            yield Tally(installation_id, utc_day(at), metric, origin)


def _run_tallies(installation_id: int) -> Iterator[Tally]:
    runs = JourneyRun.objects.filter(installation_id=installation_id).select_related("version")
    for run in runs.iterator(chunk_size=CHUNK):
        yield from entered_tallies([run])
        yield from split_tallies(run, run.branches)
        if run.converted_at is not None:
            yield from conversion_tallies(run, version_definition(run.version))


def _attribution_tallies(installation_id: int) -> Iterator[Tally]:
    attributions = OrderAttribution.objects.filter(
        installation_id=installation_id, message__isnull=False
    ).select_related("message")
    for attribution in attributions.iterator(chunk_size=CHUNK):
        assert attribution.message is not None
        yield Tally(
            installation_id,
            utc_day(attribution.placed_at),
            ATTRIBUTED,
            message_origin(attribution.message),
            attribution.currency,
            1,
            attribution.revenue,
        )


def tallies_recompute(installation_id: int) -> dict[Key, tuple[int, Decimal]]:
    """Every derivable tally of the installation, summed per key: (count, amount)."""
    summed: dict[Key, tuple[int, Decimal]] = {}
    for tally in _derived(installation_id):
        key = _key(tally)
        count, amount = summed.get(key, (0, Decimal(0)))
        summed[key] = (count + tally.count, amount + tally.amount)
    return summed


def tallies_stored(installation_id: int) -> dict[Key, tuple[int, Decimal]]:
    """The installation's derivable tallies as stored (rows at zero left out)."""
    stored: dict[Key, tuple[int, Decimal]] = {}
    rows = DailyTally.objects.filter(installation_id=installation_id).exclude(
        metric__in=DERIVED_EXCEPT
    )
    for row in rows.iterator(chunk_size=CHUNK):
        if not row.count and not row.amount:
            continue
        tally = Tally(
            row.installation_id,
            row.day,
            row.metric,
            origin_of_row(row),
            row.currency,
            row.count,
            row.amount,
        )
        stored[_key(tally)] = (row.count, row.amount)
    return stored


def origin_of_row(row: DailyTally) -> Origin:
    return Origin(
        journey_id=row.journey_id,
        version_id=row.version_id,
        node=row.node,
        template_id=row.template_id,
        broadcast=row.broadcast,
        channel=row.channel,
        split_node=row.split_node,
        split_branch=row.split_branch,
        holdout=row.holdout,
    )


def _key(tally: Tally) -> Key:
    return (tally.installation_id, tally.day, tally.metric, tally.origin, tally.currency)


def _derived(installation_id: int) -> Iterator[Tally]:
    for source in (_message_tallies, _run_tallies, _attribution_tallies):
        yield from source(installation_id)


def tallies_rebuild(*, installation_id: int) -> int:
    """Replace the installation's derivable tallies with a recompute, in one transaction;
    how many tallies were added (each recipient's own, so revenue's squares stay right)."""
    added = 0
    with transaction.atomic():
        DailyTally.objects.filter(installation_id=installation_id).exclude(
            metric__in=DERIVED_EXCEPT
        ).delete()
        batch: list[Tally] = []
        for tally in _derived(installation_id):
            batch.append(tally)
            if len(batch) >= CHUNK:
                tallies_add(batch)
                added += len(batch)
                batch = []
        tallies_add(batch)
        added += len(batch)
    return added
