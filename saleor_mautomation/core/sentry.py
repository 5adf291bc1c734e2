"""Error reports to Sentry, only where ``SENTRY_DSN`` is set (the ``sentry`` extra installs
sentry-sdk). Requests' and tasks' personal data stay out: ``send_default_pii=False`` keeps
users, cookies, client addresses and request bodies out of every event."""

from __future__ import annotations


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )
