"""What became of a run's messages, in its step log, and runs ended from outside the engine.

A send step queues a message in the outbox (step ``queued``, its ``message_id`` in the
detail); whether it goes out is the sender's decision minutes or hours later (consent,
suppression, the frequency cap, quiet hours). ``message_steps_follow`` copies each message's
outcome onto its step: ``sent``, ``suppressed`` with the reason (no consent, unsubscribed,
capped, quiet hours with ``skip``), ``deferred`` with the reason and until when, ``failed``,
``unknown``, ``cancelled``, so the log never says ``sent`` for a message that was not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q

from saleor_mautomation.core.sql import values_source
from saleor_mautomation.journeys.models import JourneyRun, RunStep
from saleor_mautomation.messages.models import Message

# The key a run's message is queued under (``actions.send``): run, node and visit.
RUN_KEY = "journey-run:"
QUEUED = "queued"
# The steps that made (or, held out, would have made) a message: the visits of a node.
MESSAGE_STEP = Q(kind="held_out") | Q(detail__has_key="message_id")
UNINSTALLED = "uninstalled"


def _run_of(dedupe_key: str) -> int | None:
    run_id = dedupe_key.removeprefix(RUN_KEY).split(":", 1)[0]
    return int(run_id) if dedupe_key.startswith(RUN_KEY) and run_id.isdigit() else None


def _detail(
    step_detail: dict[str, Any], status: str, reason: str, send_after: datetime | None
) -> dict[str, object]:
    detail = {key: value for key, value in step_detail.items() if key not in {"reason", "until"}}
    if reason:
        detail["reason"] = reason
    if status == Message.Status.DEFERRED and send_after is not None:
        detail["until"] = send_after.isoformat()
    return detail


# The step's new kind and detail, typed where PostgreSQL cannot guess them from the text.
_CASTS = {"postgresql": {"id": "::bigint", "detail": "::jsonb"}}


def message_steps_follow(*, message_ids: Iterable[int]) -> int:
    """The steps of these messages (those a journey run queued) say what became of them:
    the message's status and its reason. Returns the steps changed.

    Called for every chunk a sender hands over: the messages and steps are read as rows, and
    the changed steps written by one ``UPDATE ... FROM (VALUES ...)``."""
    messages: dict[int, tuple[str, str, datetime | None]] = {}
    run_ids: set[int] = set()
    for pk, key, status, reason, send_after in (
        Message.objects.filter(pk__in=list(message_ids), dedupe_key__startswith=RUN_KEY)
        .exclude(status=Message.Status.SENDING)
        .values_list("pk", "dedupe_key", "status", "status_reason", "send_after")
    ):
        if (run := _run_of(key)) is not None:
            messages[pk] = (status, reason, send_after)
            run_ids.add(run)
    if not messages:
        return 0
    changed: list[Any] = []
    steps = RunStep.objects.filter(run_id__in=run_ids, detail__has_key="message_id")
    for pk, kind, step_detail in steps.values_list("pk", "kind", "detail"):
        message = messages.get(step_detail.get("message_id"))
        if message is None:
            continue
        new_kind, detail = str(message[0]), _detail(step_detail, *message)
        if (kind, step_detail) != (new_kind, detail):
            changed += [pk, new_kind, json.dumps(detail)]
    if not changed:
        return 0
    quote = connection.ops.quote_name
    table = quote(RunStep._meta.db_table)
    source = values_source(("id", "kind", "detail"), len(changed) // 3, casts=_CASTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('kind')} = v.kind, {quote('detail')} = v.detail "  # noqa: S608
            f"FROM {source} WHERE {table}.{quote('id')} = v.id",
            changed,
        )
    return len(changed) // 3


def runs_uninstalled_exit(*, installation_id: int, now: datetime) -> list[int]:
    """The shop uninstalled the app: every waiting run ends (reason ``uninstalled``, a step
    logged for each). Returns the runs' ids; their queued messages are the outbox's to
    cancel (``outbox.messages_cancel``), then ``message_steps_follow`` logs them."""
    runs = list(
        JourneyRun.objects.select_for_update(of=("self",))
        .filter(installation_id=installation_id, status=JourneyRun.Status.WAITING)
        .order_by("pk")
        .values_list("pk", "node")
    )
    ids = [pk for pk, _ in runs]
    JourneyRun.objects.filter(pk__in=ids).update(
        status=JourneyRun.Status.EXITED, exit_reason=UNINSTALLED, exited_at=now, wake_at=None
    )
    RunStep.objects.bulk_create(
        [
            RunStep(run_id=pk, node=node, kind="exited", at=now, detail={"reason": UNINSTALLED})
            for pk, node in runs
        ]
    )
    return ids
