"""Handing a task to the broker from a request, without ever making the request wait on it.

Celery's own publish waits for an unreachable broker: kombu retries the connection until
``broker_connection_timeout`` runs out, about 6 s a call against a stopped Redis, so every
webhook answer waited that long and the web workers filled up. The hand-offs that only wake a
worker (the drain, the sender) go through ``BrokerCircuit.publish`` instead: a connection of
its own with short socket timeouts, no connection retry, no publish retry; after a failure the
circuit stays open for a back-off window and every hand-off in it returns at once. Nothing is
lost by skipping one: the work is stored in the database and the scheduler's sweeps pick it up
(``intake-sweep``, ``messages-send``) once the broker is back.

One circuit per process; the socket timeouts bound one attempt (redis-py's own reconnects
included) to a few times ``timeout``, and only the first request after each window pays it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kombu.exceptions import KombuError

from saleor_mautomation.core import clock

logger = logging.getLogger(__name__)


def _connection(app: Any, timeout: float) -> Any:
    """A write connection that gives up after ``timeout`` instead of retrying."""
    return app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "max_retries": 0,  # kombu's connection retry (``_ensure_connection``)
            "socket_connect_timeout": timeout,  # Redis
            "socket_timeout": timeout,
            "retry_on_timeout": False,
        },
    )


class BrokerCircuit:
    """Publishes with a short timeout; after a failure, skips publishing for ``backoff`` s."""

    def __init__(self, monotonic: Callable[[], float] = clock.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._open_until = float("-inf")

    @property
    def is_open(self) -> bool:
        return self._monotonic() < self._open_until

    def close(self) -> None:
        with self._lock:
            self._open_until = float("-inf")

    def publish(
        self,
        task: Any,
        *,
        timeout: float,
        backoff: float,
        countdown: float | None = None,
        args: tuple[Any, ...] = (),
    ) -> bool:
        """Hand ``task`` (with ``args``) to the broker; ``False`` if it was not handed over."""
        if task.app.conf.task_always_eager:  # runs here: no broker involved
            task.apply_async(args, countdown=countdown)
            return True
        if self.is_open:
            return False
        conn = _connection(task.app, timeout)
        try:
            errors = (KombuError, OSError, *conn.connection_errors, *conn.channel_errors)
            try:
                task.apply_async(args, countdown=countdown, connection=conn, retry=False)
            except errors as exc:
                with self._lock:
                    self._open_until = self._monotonic() + backoff
                logger.warning(
                    "Broker unreachable (%s: %s): %s not handed over; no hand-off for %ss, "
                    "the scheduler's sweep picks the work up",
                    exc.__class__.__name__,
                    exc,
                    task.name,
                    backoff,
                )
                return False
        finally:
            conn.release()
        return True


def broker_check(app: Any, *, timeout: float) -> str:
    """``"ok"`` if the broker accepts a connection within about ``timeout`` s (no retry)."""
    conn = _connection(app, timeout)
    try:
        errors = (KombuError, OSError, *conn.connection_errors, *conn.channel_errors)
        try:
            conn.ensure_connection(max_retries=0, timeout=timeout)
        except errors as exc:
            return f"unavailable: {exc.__class__.__name__}"
    finally:
        conn.release()
    return "ok"
