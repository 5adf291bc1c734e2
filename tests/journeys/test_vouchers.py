"""Give-voucher steps on PostgreSQL against the stand-in Saleor: one Saleor voucher per step, a
code per run, made by a task after the runner's commit and never inside a transaction (the
HTTP client raises ``NetworkInTransaction`` there), retried, replayed, recovered when lost.
A run reaching the step waits there; the task records its code and runs the scheduler's wake-up
(the coordinator's task, as deployed), which moves it on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVoucher, RunStep
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.journeys.vouchers import (
    CLAIM_STALE,
    VOUCHER_ATTEMPTS,
    VOUCHER_PENDING,
    VOUCHER_RETRY,
    Made,
    voucher_codes_create,
)
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.project.celery import app as celery_app
from tests.contacts.factories import make_contact
from tests.support.samples import graphql_response

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
DUE = T + timedelta(days=1)  # the wait before the voucher step ends
CHANNELS = {
    "data": {
        "channels": [
            {
                "id": "Q2hhbm5lbDox",
                "slug": "default-channel",
                "currencyCode": "USD",
                "isActive": True,
            },
            {"id": "Q2hhbm5lbDoy", "slug": "channel-pln", "currencyCode": "PLN", "isActive": True},
        ]
    }
}
VOUCHER_JOURNEY = {
    "a": {"type": "wait", "duration": {"days": 1}, "next": "code"},
    "code": {
        "type": "give_voucher",
        "values": {"*": 10, "channel-pln": 12},
        "valid_days": 7,
        "code_prefix": "WB",
        "next": "mail",
    },
    "mail": {"type": "send_email", "template": "abandoned-checkout-3", "next": "end"},
    "end": {"type": "exit"},
}


def sample(name: str) -> Any:
    return graphql_response(name)["response"]


@pytest.fixture
def shop(standin_installation, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    return standin_installation


@pytest.fixture
def saleor_vouchers(standin):
    """The stand-in answers the voucher operations in the captured shapes."""
    standin.answers["Channels"] = lambda variables: (200, CHANNELS)
    standin.answers["VoucherCreate"] = lambda variables: (200, sample("voucher-create"))
    standin.answers["VoucherListing"] = lambda variables: (200, sample("voucher-channel-listing"))
    standin.answers["VoucherAddCodes"] = lambda variables: (200, sample("voucher-add-codes"))
    return standin


@pytest.fixture
def worker(time_machine, django_capture_on_commit_callbacks) -> Iterator[Callable[..., int]]:
    """One scheduler wake-up at a moment, as a worker runs it: the runner's transaction, then
    what it queued after the commit (the voucher task, and the wake-up that task runs) in
    place, their errors raised. ``lose=True`` drops what was queued."""
    celery_app.loader.import_default_modules()  # the tasks a worker has
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = conf.task_eager_propagates = True

    def wake(moment: datetime, *, lose: bool = False) -> int:
        time_machine.move_to(moment, tick=False)
        with django_capture_on_commit_callbacks(execute=not lose):
            return runs_wake(now=moment, limit=100)

    yield wake
    conf.task_always_eager, conf.task_eager_propagates = saved


def published(shop, nodes, saleor, **settings) -> Journey:
    """Published (the check at publishing asks Saleor for its channels: those calls are
    forgotten, so a test sees the steps' calls alone)."""
    definition = {"entry": {"type": "manual"}, "start": "a", "nodes": nodes, **settings}
    journey = Journey.objects.create(installation=shop, key="v", name="v", draft=definition)
    journey_publish(journey=journey, now=T)
    saleor.requests.clear()
    return journey


def operations(standin, name: str) -> list[dict[str, Any]]:
    found = []
    for request in standin.requests_to("/graphql/"):
        payload = request.json()
        if f" {name}(" in payload["query"] or f" {name} " in payload["query"]:
            found.append(payload.get("variables") or {})
    return found


def test_the_runner_parks_runs_at_the_step_and_calls_saleor_only_after_its_commit(
    shop, saleor_vouchers, django_capture_on_commit_callbacks
):
    # given: a run waiting before the voucher step
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    run = journey_enroll(
        journey=journey, contact=make_contact(shop, email_consent="granted"), now=T
    )
    assert run is not None

    # when: the scheduler's transaction advances it, its after-commit work held back
    with django_capture_on_commit_callbacks() as queued:
        assert runs_wake(now=DUE, limit=10) == 1

    # then: the run waits at the step, nobody was called, the voucher task is queued
    run.refresh_from_db()
    assert (run.node, run.status, run.wake_at) == ("code", "waiting", DUE + VOUCHER_PENDING)
    assert saleor_vouchers.requests == []
    assert len(queued) == 1
    assert not Message.objects.exists()
    assert not RunStep.objects.filter(run=run, kind__startswith="voucher").exists()


def test_a_voucher_step_makes_one_voucher_and_a_code_per_run_in_one_call(
    shop, saleor_vouchers, worker
):
    # given: three runs waiting before the voucher step
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    people = [make_contact(shop, email_consent="granted") for _ in range(3)]
    for person in people:
        journey_enroll(journey=journey, contact=person, now=T)

    # when: the scheduler wakes them in one batch (the codes are made after its commit)
    assert worker(DUE) == 3

    # then: one voucher (value per channel, "*" for the others), one call adding three codes
    created = operations(saleor_vouchers, "VoucherCreate")
    listing = operations(saleor_vouchers, "VoucherListing")
    added = operations(saleor_vouchers, "VoucherAddCodes")
    assert len(created) == 1
    assert created[0]["input"]["singleUse"] is True
    assert created[0]["input"]["discountValueType"] == "PERCENTAGE"
    assert sorted(
        (c["channelId"], c["discountValue"]) for c in listing[0]["input"]["addChannels"]
    ) == [("Q2hhbm5lbDox", 10.0), ("Q2hhbm5lbDoy", 12.0)]
    assert len(added) == 1
    codes = added[0]["input"]["addCodes"]
    assert len(set(codes)) == 3
    assert all(code.startswith("WB-") for code in codes)
    assert added[0]["input"]["endDate"] == (DUE + timedelta(days=7, hours=1)).isoformat()
    # each message carries its run's code, recorded in the step log; every run went on
    shown = sorted(m.context["voucher"]["code"] for m in Message.objects.filter(contact__in=people))
    assert shown == sorted(codes)
    ready = RunStep.objects.filter(kind="voucher_ready", node="code")
    assert sorted(step.detail["code"] for step in ready) == sorted(codes)
    assert set(JourneyRun.objects.values_list("status", flat=True)) == {"exited"}
    # two values (10 and 12): no single value or description to show
    voucher = Message.objects.get(contact=people[0]).context["voucher"]
    assert (voucher["value"], voucher["description"]) == (None, "")
    assert JourneyVoucher.objects.get().saleor_voucher_id == "Vm91Y2hlcjo0"


def test_a_voucher_description_is_given_when_the_value_is_the_same_everywhere(
    shop, saleor_vouchers, worker
):
    nodes = json.loads(json.dumps(VOUCHER_JOURNEY))
    nodes["code"]["values"] = {"*": 10}
    journey = published(shop, nodes, saleor_vouchers)
    ada = make_contact(shop, email_consent="granted")
    journey_enroll(journey=journey, contact=ada, now=T)

    worker(DUE)

    voucher = Message.objects.get(contact=ada).context["voucher"]
    assert (voucher["description"], voucher["value"], voucher["type"]) == (
        "-10%",
        "10",
        "percentage",
    )
    # from the moment the run went on: never after the voucher's end in Saleor
    assert voucher["valid_until"] == (DUE + timedelta(days=7)).isoformat()
    (created,) = operations(saleor_vouchers, "VoucherCreate")
    assert created["input"]["endDate"] == (DUE + timedelta(days=7, hours=1)).isoformat()


def test_later_runs_add_codes_to_the_same_voucher(shop, saleor_vouchers, worker):
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    first, second = (make_contact(shop, email_consent="granted") for _ in range(2))
    journey_enroll(journey=journey, contact=first, now=T)
    worker(DUE)
    journey_enroll(journey=journey, contact=second, now=DUE)

    worker(DUE + timedelta(days=1))

    assert len(operations(saleor_vouchers, "VoucherCreate")) == 1
    assert len(operations(saleor_vouchers, "VoucherAddCodes")) == 2
    assert Message.objects.filter(contact__in=[first, second]).count() == 2


def test_codes_saleor_already_has_from_a_crashed_attempt_are_not_added_twice(
    shop, saleor_vouchers, worker
):
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    ada, bea = (make_contact(shop, email_consent="granted") for _ in range(2))
    for person in (ada, bea):
        journey_enroll(journey=journey, contact=person, now=T)
    calls: list[list[str]] = []

    def add_codes(variables):
        codes = variables["input"]["addCodes"]
        calls.append(codes)
        if len(calls) == 1:  # the first code got in before a crash: Saleor refuses it now
            duplicate = json.loads(json.dumps(sample("voucher-add-codes-duplicate")))
            duplicate["data"]["voucherUpdate"]["errors"][0]["voucherCodes"] = [codes[0]]
            return 200, duplicate
        return 200, sample("voucher-add-codes")

    saleor_vouchers.answers["VoucherAddCodes"] = add_codes

    worker(DUE)

    assert len(calls) == 2
    assert calls[1] == calls[0][1:]
    assert Message.objects.filter(contact__in=[ada, bea]).count() == 2


def test_a_lost_voucher_task_is_recovered_by_the_scheduler(shop, saleor_vouchers, worker):
    # given: the run was parked at the step, and the task queued after the commit was lost
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    worker(DUE, lose=True)
    assert saleor_vouchers.requests == []

    # when: the scheduler's wake-ups come round; the parked run is due a minute later
    assert worker(DUE + VOUCHER_PENDING - timedelta(seconds=1)) == 0
    assert worker(DUE + VOUCHER_PENDING) == 1

    # then: its code was made then, and the journey went on
    run.refresh_from_db()
    (code,) = operations(saleor_vouchers, "VoucherAddCodes")[0]["input"]["addCodes"]
    assert Message.objects.get(contact=ada).context["voucher"]["code"] == code
    assert run.status == "exited"


def test_saleor_down_parks_the_run_then_it_goes_on_without_a_code(shop, saleor_vouchers, worker):
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    saleor_vouchers.answers["Channels"] = lambda variables: (503, {"error": "down"})

    moment = DUE
    for attempt in range(1, VOUCHER_ATTEMPTS):
        worker(moment)
        run.refresh_from_db()
        # the run waits at the voucher step, to be tried again; nothing sent yet
        assert (run.node, run.wake_at) == ("code", moment + VOUCHER_RETRY)
        assert not Message.objects.filter(contact=ada).exists()
        assert RunStep.objects.filter(run=run, kind="voucher_failed").count() == attempt
        moment = moment + VOUCHER_RETRY

    # the last attempt fails too: the run goes on at once, without a code
    worker(moment)

    run.refresh_from_db()
    message = Message.objects.get(contact=ada)
    assert run.status == "exited"
    assert RunStep.objects.filter(run=run, kind="voucher_failed").count() == VOUCHER_ATTEMPTS
    assert "voucher" not in message.context
    assert "error" in RunStep.objects.get(run=run, kind="give_voucher").detail
    assert not JourneyVoucher.objects.exists()  # a failed creation leaves no claim behind


def test_a_held_out_run_gets_no_code(shop, saleor_vouchers, worker):
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers, holdout_percent=50)
    people = [make_contact(shop, email_consent="granted") for _ in range(12)]
    runs = [journey_enroll(journey=journey, contact=p, now=T) for p in people]
    held = [r for r in runs if r is not None and r.holdout]
    assert held  # with 12 runs at 50%, some are held out (deterministic per run id)

    worker(DUE)

    codes = operations(saleor_vouchers, "VoucherAddCodes")[0]["input"]["addCodes"]
    assert len(codes) == len(runs) - len(held)
    assert not Message.objects.filter(contact__in=[r.contact for r in held]).exists()


def test_a_voucher_another_task_is_creating_is_left_to_it(
    shop, saleor_vouchers, django_capture_on_commit_callbacks
):
    # given: two runs parked at the step, and the step's voucher claimed a moment ago
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    for _ in range(2):
        journey_enroll(journey=journey, contact=make_contact(shop), now=T)
    with django_capture_on_commit_callbacks():
        runs_wake(now=DUE, limit=10)
    version = journey.versions.get()
    JourneyVoucher.objects.create(
        installation=shop, version=version, node="code", saleor_voucher_id="", created_at=DUE
    )
    run_ids = list(JourneyRun.objects.values_list("pk", flat=True))

    # when
    made = voucher_codes_create(
        version_id=version.pk, node_id="code", run_ids=run_ids, now=DUE + timedelta(seconds=2)
    )

    # then: nothing asked of Saleor, nothing recorded: the task tries again in a moment
    assert made == Made(busy=True)
    assert saleor_vouchers.requests == []
    assert not RunStep.objects.filter(kind__startswith="voucher").exists()

    # and once the claim is stale (its creator died), the next task takes it over
    made = voucher_codes_create(
        version_id=version.pk, node_id="code", run_ids=run_ids, now=DUE + CLAIM_STALE
    )
    assert made == Made(woken=2)
    assert len(operations(saleor_vouchers, "VoucherCreate")) == 1
    assert JourneyVoucher.objects.get().saleor_voucher_id == "Vm91Y2hlcjo0"
    assert set(JourneyRun.objects.values_list("wake_at", flat=True)) == {DUE + CLAIM_STALE}
