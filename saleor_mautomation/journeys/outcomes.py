"""What became of a run's messages, in its step log, and runs ended from outside the engine.

A send step queues a message in the outbox (step ``queued``, its ``message_id`` in the
detail); whether it goes out is the sender's decision minutes or hours later (consent,
suppression, the frequency cap, quiet hours). ``message_steps_follow`` copies each message's
outcome onto its step: ``sent``, ``suppressed`` with the reason (no consent, unsubscribed,
capped, quiet hours with ``skip``), ``deferred`` with the reason and until when, ``failed``,
``unknown``, ``cancelled``, so the log never says ``sent`` for a message that was not.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

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


def _detail(step: RunStep, message: Message) -> dict[str, object]:
    detail = {key: value for key, value in step.detail.items() if key not in {"reason", "until"}}
    if message.status_reason:
        detail["reason"] = message.status_reason
    if message.status == Message.Status.DEFERRED:
        detail["until"] = message.send_after.isoformat()
    return detail


def message_steps_follow(*, message_ids: Iterable[int]) -> int:
    """The steps of these messages (those a journey run queued) say what became of them:
    the message's status and its reason. Returns the steps changed."""
    messages = {
        message.pk: message
        for message in Message.objects.filter(
            pk__in=list(message_ids), dedupe_key__startswith=RUN_KEY
        ).only("pk", "dedupe_key", "status", "status_reason", "send_after")
    }
    runs = {run for run in (_run_of(m.dedupe_key) for m in messages.values()) if run}
    if not runs:
        return 0
    changed = []
    for step in RunStep.objects.filter(run_id__in=runs, detail__has_key="message_id"):
        message = messages.get(step.detail.get("message_id"))
        if message is None or message.status == Message.Status.SENDING:
            continue
        kind, detail = str(message.status), _detail(step, message)
        if (step.kind, step.detail) != (kind, detail):
            step.kind, step.detail = kind, detail
            changed.append(step)
    RunStep.objects.bulk_update(changed, ["kind", "detail"])
    return len(changed)


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
