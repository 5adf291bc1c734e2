"""Webhooks brought in line at start-up: an installation made before the catalogue webhooks
existed gets them, once per process, from a stand-in that models Saleor's webhookCreate and
webhookUpdate (``tests/support/saleor_webhooks.py``); failures are logged, never raised."""

from __future__ import annotations

import logging
import threading

import pytest
from celery.signals import beat_init, worker_ready

from saleor_mautomation.saleor import webhook_sync
from saleor_mautomation.saleor.webhook_sync import manifest_webhooks, webhooks_align_at_start
from saleor_mautomation.saleor.webhooks import CATALOGUE_SPECS, SPECS
from tests.conftest import make_installation
from tests.graphql.test_contacts import ask
from tests.ops.conftest import APP_ID, APP_URL

CATALOGUE_NAMES = {spec.name for spec in CATALOGUE_SPECS}


@pytest.fixture(autouse=True)
def _fresh_process():
    webhook_sync._aligned_at_start.clear()
    yield
    webhook_sync._aligned_at_start.clear()


def install_before_the_catalogue(saleor) -> None:
    """The webhooks an installation made before issue 20 has: the manifest's but the catalogue's."""
    for wanted in manifest_webhooks(APP_URL):
        if wanted.name in CATALOGUE_NAMES:
            continue
        saleor.saleor_webhooks.add(
            APP_ID,
            name=wanted.name,
            target_url=wanted.target_url,
            query=wanted.query,
            events=list(wanted.async_events),
        )


def test_an_older_installation_gets_the_catalogue_webhooks_at_start(saleor, installation):
    # given
    install_before_the_catalogue(saleor)

    # when
    started = webhooks_align_at_start(background=False)

    # then: created through Saleor's webhookCreate rules, the others left as they were
    assert started is True
    assert saleor.saleor_webhooks.calls == ["app"] + ["webhookCreate"] * len(CATALOGUE_SPECS)
    have = {(w.name, tuple(w.events)) for w in saleor.saleor_webhooks.of(APP_ID)}
    assert have == {(spec.name, (spec.event,)) for spec in SPECS}


def test_it_runs_once_per_process(saleor, installation):
    # given
    install_before_the_catalogue(saleor)
    webhooks_align_at_start(background=False)
    saleor.saleor_webhooks.calls.clear()

    # when
    again = webhooks_align_at_start(background=False)

    # then
    assert again is False
    assert saleor.saleor_webhooks.calls == []


def test_it_can_be_turned_off(saleor, installation, settings):
    # given
    settings.WEBHOOKS_SYNC_AT_START = False

    # when
    started = webhooks_align_at_start(background=False)

    # then
    assert started is False
    assert saleor.saleor_webhooks.calls == []


class Recorded(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_an_unreachable_saleor_is_logged_and_the_others_are_aligned(saleor, installation):
    # given: a second installation whose Saleor does not answer (a closed port)
    install_before_the_catalogue(saleor)
    make_installation(saleor_api_url="http://127.0.0.1:9/graphql/", app_id="QXBwOjM=")
    recorded = Recorded()
    logger = logging.getLogger("saleor_mautomation.saleor.webhook_sync")
    logger.addHandler(recorded)

    # when
    try:
        started = webhooks_align_at_start(background=False)
    finally:
        logger.removeHandler(recorded)

    # then
    assert started is True
    assert any(
        m.startswith("http://127.0.0.1:9/graphql/: webhooks not brought in line")
        for m in recorded.messages
    )
    assert len(saleor.saleor_webhooks.of(APP_ID)) == len(SPECS)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signal", [worker_ready, beat_init], ids=["worker", "scheduler"])
def test_a_starting_worker_or_scheduler_aligns_them_in_the_background(saleor, signal):
    # given
    make_installation(saleor_api_url=saleor.api_url, jwks=saleor.jwks())
    install_before_the_catalogue(saleor)

    # when
    signal.send(sender=None)
    (thread,) = [t for t in threading.enumerate() if t.name == "webhooks-sync"]
    thread.join(timeout=30)

    # then
    assert not thread.is_alive()
    assert len(saleor.saleor_webhooks.of(APP_ID)) == len(SPECS)


def test_the_dashboards_webhooks_sync_aligns_the_shops_webhooks_now(client, saleor, installation):
    # given: installed before the catalogue, plus a webhook the manifest no longer has
    install_before_the_catalogue(saleor)
    saleor.saleor_webhooks.add(
        APP_ID, name="legacy", target_url=f"{APP_URL}/x", events=["PRODUCT_METADATA_UPDATED"]
    )
    query = "mutation { webhooksSync { report { created updated extra inLine errors } } }"

    # when
    body = ask(client, installation, query)

    # then
    assert body["data"]["webhooksSync"]["report"] == {
        "created": [spec.name for spec in CATALOGUE_SPECS],
        "updated": [],
        "extra": ["legacy"],
        "inLine": len(SPECS) - len(CATALOGUE_SPECS),
        "errors": [],
    }
    assert len(saleor.saleor_webhooks.of(APP_ID)) == len(SPECS) + 1


def test_the_dashboards_webhooks_sync_reports_saleors_refusal(
    client, saleor, installation, settings
):
    # given: an APP_URL Saleor's URL validator refuses (an underscore in the host)
    settings.APP_URL = "http://mautomation_web:8080"

    # when
    body = ask(client, installation, "mutation { webhooksSync { report { created errors } } }")

    # then
    report = body["data"]["webhooksSync"]["report"]
    assert report["created"] == []
    assert len(report["errors"]) == len(SPECS)
    assert report["errors"][0] == f"{SPECS[0].name}: targetUrl: Enter a valid URL. (INVALID)"
    assert saleor.saleor_webhooks.of(APP_ID) == []
