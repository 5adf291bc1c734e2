"""Failure kinds shared by every layer.

Each kind maps on purpose to a Celery retry and an HTTP status: a ``RetryableError`` is a
transient fault (retry later, answer 5xx), a ``PermanentError`` will fail the same way again
(record it, answer 4xx), an ``IgnoredError`` is a deliberate no-op (answer 200, do nothing).
"""


class MautomationError(Exception):
    """Base of the project's errors; ``code`` is stable and machine-readable."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class RetryableError(MautomationError):
    code = "retryable"


class PermanentError(MautomationError):
    code = "permanent"


class IgnoredError(MautomationError):
    code = "ignored"


class NetworkInTransaction(RuntimeError):
    """A network call was made while a database transaction was open: a bug, not a failure
    kind. It holds row locks and a connection for as long as the peer takes (seconds when it
    is slow), and a rollback after the call cannot take back what the peer did. Deliberately
    not a ``MautomationError``: no handler of failure kinds may catch it and carry on."""
