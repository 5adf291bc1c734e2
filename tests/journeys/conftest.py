"""Fixtures of the end-to-end journeys tests: the app installed on a stand-in Saleor at day 0,
with a loopback SMTP server as the mailbox (``tests/journeys/e2e.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.journeys.e2e import Shop, ShopStandIn, day, smtp_server
from tests.support.standin import serve


@pytest.fixture
def mailbox(settings):
    with smtp_server() as (box, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield box


@pytest.fixture
def saleor(key) -> Iterator[ShopStandIn]:
    standin = ShopStandIn(keys=[key])
    # Saleor's shop { name } at registration: the name the emails sign with.
    standin.answers["ShopName"] = lambda variables: (200, {"data": {"shop": {"name": "Linden"}}})
    stop = serve(standin)
    yield standin
    stop()


@pytest.fixture
def shop(db, client, key, saleor, mailbox, time_machine) -> Shop:
    """The app installed on the stand-in Saleor at day 0."""

    def move_to(moment: datetime) -> None:
        time_machine.move_to(moment, tick=False)

    move_to(day(0))
    installed = Shop(
        client=client, key=key, standin=saleor, mailbox=mailbox, move_to=move_to, now=day(0)
    )
    installed.register()
    return installed
