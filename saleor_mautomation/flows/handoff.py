"""The web process's hand-off to the workers: one broker circuit for the drain and the sender.

A request that stored work only wakes a worker; the broker being down must not make it wait
(``core.broker``): the stored work is swept by the scheduler once the broker is back.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from saleor_mautomation.core.broker import BrokerCircuit

circuit = BrokerCircuit()


def handoff(task: Any, *args: Any, countdown: float | None = None) -> bool:
    """Hand ``task`` to the broker unless it is unreachable (then ``False``, at once)."""
    return circuit.publish(
        task,
        timeout=settings.BROKER_HANDOFF_TIMEOUT,
        backoff=settings.BROKER_HANDOFF_BACKOFF,
        countdown=countdown,
        args=args,
    )


# The scheduler's rounds that take a resumed broadcast on (named in the beat schedule).
BROADCAST_ROUNDS = ("journeys-broadcast-wake", "messages-send-bulk")


def broadcast_senders_wake() -> None:
    """Wake the broadcast scheduler and the bulk sender now rather than at their next round
    (a resumed broadcast's runs and held messages are due)."""
    from celery import current_app

    for entry in BROADCAST_ROUNDS:
        handoff(current_app.tasks[str(settings.CELERY_BEAT_SCHEDULE[entry]["task"])])
