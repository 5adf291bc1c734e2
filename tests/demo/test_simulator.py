"""The simulator against a live app: its signed deliveries go through the real intake and
become contacts, orders and events; its visits go through the storefront API."""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from graphql import parse, validate

from saleor_mautomation.catalogue.sync import Outcome, catalogue_sync_execute
from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.demo import config
from saleor_mautomation.demo.saleor_server import make_server
from saleor_mautomation.demo.shop import Shop, generate_shop
from saleor_mautomation.demo.simulator import CATALOGUE_SCENARIOS, SCENARIOS, TRACK, Simulator
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.graphql.schema import schema as app_schema
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.journeys.triggers import checkouts_abandon
from saleor_mautomation.saleor.services import saleor_client
from tests.conftest import make_installation

CUSTOMERS = 80
# The Saleor event each storefront or Saleor call becomes in the app's event log.
RECORDED = {
    "CUSTOMER_CREATED": "customer.created",
    "ACCOUNT_CONFIRMED": "account.confirmed",
    "CHECKOUT_CREATED": "checkout.created",
    "CHECKOUT_UPDATED": "checkout.updated",
    "ORDER_CREATED": "order.placed",
    "ORDER_FULLY_PAID": "order.paid",
    "ORDER_FULFILLED": "order.fulfilled",
    "ORDER_REFUNDED": "order.refunded",
    "ORDER_FULLY_REFUNDED": "order.fully_refunded",
}


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def log_lines():
    handler = Lines()
    logger = logging.getLogger("saleor_mautomation.demo.simulator")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.DEMO_DIR = tmp_path
    return settings


@pytest.fixture
def shop(demo_settings) -> Shop:
    return generate_shop(
        seed=5, customers=CUSTOMERS, anchor=datetime.now(tz=UTC), origin=config.saleor_origin()
    )


@pytest.fixture
def demo_saleor(demo_settings, shop) -> Iterator[int]:
    """The demo Saleor over ``shop`` on a free loopback port (its port)."""
    server = make_server(host="127.0.0.1", port=0, shop=shop, app_url="http://localhost:8080")
    demo_settings.DEMO_SALEOR_PORT = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield demo_settings.DEMO_SALEOR_PORT
    server.shutdown()
    server.server_close()


@pytest.fixture
def demo_installation(demo_settings, demo_saleor, transactional_db):
    return make_installation(
        saleor_api_url=config.saleor_api_url(),
        auth_token=config.app_token(),
        jwks={"keys": [config.signing_key().public_jwk]},
        storefront_origins=[config.saleor_origin()],
    )


class NoPause:
    def wait(self) -> None:
        pass


def catalogue_synced(installation) -> None:
    """The app's full catalogue sync from the demo Saleor, as the install starts it."""
    outcome = catalogue_sync_execute(
        installation_id=installation.pk,
        client=saleor_client(installation),
        fresh=True,
        page_size=50,
        pacer=NoPause(),
    )
    assert outcome == Outcome.DONE


def drain() -> None:
    deliveries_drain(batch_size=50, max_batches=100, max_attempts=3)


def test_the_storefront_document_validates_against_the_apps_schema():
    assert validate(app_schema.graphql_schema, parse(TRACK)) == []


def test_every_scenario_goes_through_the_real_intake_and_becomes_records(
    live_app, demo_installation, shop, log_lines
):
    # given the app's catalogue synced from the demo Saleor, as the install does
    generated_orders = {o["id"] for o in shop.orders}
    catalogue_synced(demo_installation)
    simulator = Simulator(live_app, shop, random.Random(4))

    # when
    actions = [simulator.step() for _ in range(60)]
    drain()

    # then every call was accepted, the first ten steps ran one scenario each (the shop has
    # checkouts old enough to recover and paid orders to ship), one log line per step
    assert [a.line() for a in actions if not a.accepted] == []
    assert set(Counter(a.scenario for a in actions)) == set(SCENARIOS)
    assert sorted(a.scenario for a in actions[: len(SCENARIOS)]) == sorted(SCENARIOS)
    assert len(log_lines) == 60
    assert {r.levelno for r in log_lines} == {logging.INFO}
    # every delivery stored once and processed (the catalogue's too: each names a variant or
    # product the sync stored)
    sent = Counter(c.name for a in actions for c in a.calls if c.name != "trackEvents")
    assert Delivery.objects.count() == sum(sent.values())
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PROCESSED}
    assert {"PRODUCT_VARIANT_STOCK_UPDATED", "PRODUCT_UPDATED"} <= set(sent)
    assert "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED" in sent
    # each customer, checkout and order event is one event in the app's log
    recorded = Counter(
        Event.objects.filter(type__in=RECORDED.values()).values_list("type", flat=True)
    )
    assert recorded == Counter(
        {RECORDED[name]: count for name, count in sent.items() if name in RECORDED}
    )
    # the new customers are contacts, the new orders are records
    new_customers = shop.customers[CUSTOMERS:]
    assert len(new_customers) == sent["CUSTOMER_CREATED"]
    assert set(
        Contact.objects.filter(saleor_user_id__isnull=False).values_list(
            "saleor_user_id", flat=True
        )
    ) >= {c["id"] for c in new_customers}
    new_orders = {o["id"] for o in shop.orders} - generated_orders
    assert set(OrderRecord.objects.values_list("saleor_id", flat=True)) >= new_orders
    assert len(new_orders) == sent["ORDER_CREATED"]
    # a recovered checkout's order names it, and Saleor no longer has the checkout
    recovered = [a.subject for a in actions if a.scenario == "recover"]
    assert recovered
    assert set(
        OrderRecord.objects.filter(checkout_saleor_id__in=recovered).values_list(
            "checkout_saleor_id", flat=True
        )
    ) == set(recovered)
    assert [shop.node(c) for c in recovered] == [None] * len(recovered)
    # the visits are events from the storefront
    visits = [a for a in actions if a.scenario == "browse"]
    views = Event.objects.filter(type="product.viewed", source="storefront").count()
    assert Event.objects.filter(type="category.viewed", source="storefront").count() == len(visits)
    assert views == sum(int(a.detail.split(" viewed ")[1].split(":")[0]) for a in visits)


def test_an_abandoned_checkout_is_found_by_the_sweep_a_minute_after_it_was_sent(
    live_app, demo_installation, shop
):
    # given checkouts left by the simulator at ``sent``, the shop's window the demo's 15 minutes
    sent = datetime.now(tz=UTC).replace(microsecond=0)
    simulator = Simulator(live_app, shop, random.Random(6), now=lambda: sent)
    actions = [simulator._abandon() for _ in range(4)]
    drain()
    window = timedelta(minutes=15)

    # when the sweep runs just before a minute has passed, then at a minute
    early = checkouts_abandon(
        installation_id=demo_installation.pk, now=sent + timedelta(seconds=59), quiet_for=window
    )
    found = checkouts_abandon(
        installation_id=demo_installation.pk, now=sent + timedelta(minutes=1), quiet_for=window
    )

    # then
    assert [a.accepted for a in actions] == [True] * 4
    assert [shop.node(a.subject)["lastChange"] for a in actions] == [
        (sent - timedelta(minutes=14)).isoformat()
    ] * 4
    assert [early, found] == [0, 4]
    events = Event.objects.filter(type="checkout.abandoned")
    assert set(events.values_list("properties__checkout_id", flat=True)) == {
        a.subject for a in actions
    }


def test_a_refused_delivery_is_logged_and_the_simulator_goes_on(
    live_app, demo_settings, shop, log_lines
):
    # given no installation for the demo Saleor (whose catalogue the app has read)
    shop.catalogue_read_set()
    simulator = Simulator(live_app, shop, random.Random(1))

    # when: the first steps, one of each scenario
    actions = [simulator.step() for _ in range(len(SCENARIOS))]

    # then
    assert all(not a.accepted for a in actions)
    statuses = {c.status for a in actions for c in a.calls if c.name != "trackEvents"}
    visits = {(c.status, c.error) for a in actions for c in a.calls if c.name == "trackEvents"}
    assert statuses == {401}
    assert visits == {(401, "UNAUTHENTICATED")}  # a signed-in customer's: no shop knows the token
    assert [r.levelno for r in log_lines] == [logging.WARNING] * len(SCENARIOS)
    assert Delivery.objects.count() == 0


def test_an_app_that_does_not_answer_is_logged_and_the_simulator_goes_on(demo_settings, shop):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    simulator = Simulator(closed, shop, random.Random(2))

    actions = [simulator.step() for _ in range(3)]

    assert {(c.status, c.error) for a in actions for c in a.calls} == {(0, "ConnectError")}


def test_run_acts_until_stopped(live_app, demo_installation, shop, demo_settings):
    # given
    demo_settings.DEMO_SIMULATOR_INTERVAL = 0.01
    stop = threading.Event()
    simulator = Simulator(live_app, shop, random.Random(3))
    thread = threading.Thread(target=simulator.run, args=(stop,))

    # when
    thread.start()
    deadline = time.monotonic() + 60
    while Delivery.objects.count() < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=30)

    # then
    assert not thread.is_alive()
    assert Delivery.objects.count() >= 5


def test_the_catalogue_moves_only_once_the_app_has_read_it(demo_settings, shop):
    # given an app that does not answer (the actions' scenarios are what is looked at)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"

    # when: the first round before the app's full sync read the last page, then after
    first, second = (
        Simulator(closed, shop, random.Random(5)),
        Simulator(closed, shop, random.Random(5)),
    )
    before = [first.step().scenario for _ in SCENARIOS]
    shop.catalogue_read_set()
    after = [second.step().scenario for _ in SCENARIOS]

    # then: no catalogue scenario ran before (each was a visit), each ran once after
    assert [s for s in before if s in CATALOGUE_SCENARIOS] == []
    assert before.count("browse") == 1 + len(CATALOGUE_SCENARIOS)
    assert sorted(s for s in after if s in CATALOGUE_SCENARIOS) == sorted(CATALOGUE_SCENARIOS)
