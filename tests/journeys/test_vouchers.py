"""Give-voucher steps on PostgreSQL against the stand-in Saleor: one Saleor voucher per step, a
code per run, made by a task after the runner's commit and never inside a transaction (the
HTTP client raises ``NetworkInTransaction`` there), retried, replayed, recovered when lost.
A run reaching the step waits there; the task records its code and runs the scheduler's wake-up
(the coordinator's task, as deployed), which moves it on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVoucher, RunStep
from saleor_mautomation.journeys.runner import runs_advance, runs_of_contacts, runs_wake
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.journeys.vouchers import (
    CLAIM_STALE,
    END_SLACK,
    VOUCHER_ATTEMPTS,
    VOUCHER_PENDING,
    VOUCHER_RETRY,
    Made,
    voucher_code,
    voucher_codes_create,
)
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.project.celery import app as celery_app
from tests.contacts.factories import make_contact
from tests.support.saleor_vouchers import Channel, Code, SaleorVouchers

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
DUE = T + timedelta(days=1)  # the wait before the voucher step ends
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


@pytest.fixture
def shop(standin_installation, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    return standin_installation


@pytest.fixture
def saleor(standin) -> SaleorVouchers:
    """Saleor's discount module as the stand-in models it: its refusals and its checkout."""
    return SaleorVouchers(
        channels=[
            Channel(id="Q2hhbm5lbDox", slug="default-channel", currency="USD"),
            Channel(id="Q2hhbm5lbDoy", slug="channel-pln", currency="PLN"),
        ]
    ).install(standin)


@pytest.fixture
def saleor_vouchers(standin, saleor):
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


def test_a_voucher_step_makes_one_voucher_with_a_code_per_run_in_one_call(
    shop, saleor, saleor_vouchers, worker
):
    # given: three runs waiting before the voucher step
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    people = [make_contact(shop, email_consent="granted") for _ in range(3)]
    for person in people:
        journey_enroll(journey=journey, contact=person, now=T)

    # when: the scheduler wakes them in one batch (the codes are made after its commit)
    assert worker(DUE) == 3

    # then: one voucher made with the three codes (Saleor 3.23 makes none without a code),
    # its value per channel ("*" for the others); no further call for codes
    created = operations(saleor_vouchers, "VoucherCreate")
    listing = operations(saleor_vouchers, "VoucherListing")
    assert len(created) == 1
    assert created[0]["input"]["singleUse"] is True
    assert created[0]["input"]["discountValueType"] == "PERCENTAGE"
    assert created[0]["input"]["endDate"] == (DUE + timedelta(days=7, hours=1)).isoformat()
    codes = created[0]["input"]["addCodes"]
    assert len(set(codes)) == 3
    assert all(code.startswith("WB-") for code in codes)
    assert sorted(
        (c["channelId"], c["discountValue"]) for c in listing[0]["input"]["addChannels"]
    ) == [("Q2hhbm5lbDox", 10.0), ("Q2hhbm5lbDoy", 12.0)]
    assert operations(saleor_vouchers, "VoucherAddCodes") == []
    (voucher,) = saleor.vouchers.values()
    assert sorted(saleor.codes) == sorted(codes)
    # each message carries its run's code, recorded in the step log; every run went on
    shown = sorted(m.context["voucher"]["code"] for m in Message.objects.filter(contact__in=people))
    assert shown == sorted(codes)
    ready = RunStep.objects.filter(kind="voucher_ready", node="code")
    assert sorted(step.detail["code"] for step in ready) == sorted(codes)
    assert set(JourneyRun.objects.values_list("status", flat=True)) == {"exited"}
    # two values (10 and 12): no single value or description to show
    shown_voucher = Message.objects.get(contact=people[0]).context["voucher"]
    assert (shown_voucher["value"], shown_voucher["description"]) == (None, "")
    assert JourneyVoucher.objects.get().saleor_voucher_id == voucher.id


def test_the_codes_made_are_taken_by_saleors_checkout_until_they_end_or_are_used(
    shop, saleor, saleor_vouchers, worker, time_machine
):
    # given: a code made for a run at DUE (valid 7 days)
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    ada, bea = (make_contact(shop, email_consent="granted") for _ in range(2))
    for person in (ada, bea):
        journey_enroll(journey=journey, contact=person, now=T)
    worker(DUE)
    code = Message.objects.get(contact=ada).context["voucher"]["code"]
    other = Message.objects.get(contact=bea).context["voucher"]["code"]
    valid_until = datetime.fromisoformat(
        Message.objects.get(contact=ada).context["voucher"]["valid_until"]
    )

    # then: Saleor's checkout takes it in every channel the step names, for any subtotal:
    # the voucher is listed in each (discount/models.py VoucherQueryset.active_in_channel),
    # has no minimum spend or quantity (Voucher.validate_min_spent,
    # validate_min_checkout_items_quantity), has started (start_date <= now: made before)
    time_machine.move_to(DUE + timedelta(minutes=5), tick=False)
    for channel in ("default-channel", "channel-pln"):
        assert saleor.checkout_refuses(code, channel=channel, subtotal=Decimal("0.01")) is None
    # until the end the message shows, and a little after (VoucherQueryset.active: end_date)
    time_machine.move_to(valid_until, tick=False)
    assert saleor.checkout_refuses(code, channel="default-channel", subtotal=Decimal(5)) is None
    time_machine.move_to(valid_until + END_SLACK + timedelta(seconds=1), tick=False)
    assert saleor.checkout_refuses(code, channel="default-channel", subtotal=Decimal(5)) == (
        "Promo code is invalid"
    )
    # single use (discount/utils/voucher.py increase_voucher_usage -> deactivate_voucher_code):
    # a code taken once is refused the next time; another run's code is not affected
    time_machine.move_to(DUE + timedelta(days=1), tick=False)
    saleor.checkout_complete(code)
    assert saleor.checkout_refuses(code, channel="default-channel", subtotal=Decimal(5)) == (
        "Promo code is invalid"
    )
    assert saleor.checkout_refuses(other, channel="default-channel", subtotal=Decimal(5)) is None


def test_a_voucher_made_just_before_a_crash_is_taken_over_not_made_twice(
    shop, saleor, saleor_vouchers, worker, time_machine
):
    # given: Saleor made the step's voucher with both runs' codes, but the worker died before
    # the app noted its id or set its channel listing: the claim is left empty
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    runs = [
        journey_enroll(journey=journey, contact=make_contact(shop, email_consent="granted"), now=T)
        for _ in range(2)
    ]
    version = journey.versions.get()
    codes = sorted(voucher_code(run, "code", "WB") for run in runs if run is not None)
    time_machine.move_to(T, tick=False)
    saleor.answer_create(
        {"input": {"name": "made before the crash", "singleUse": True, "addCodes": codes[:1]}}
    )
    JourneyVoucher.objects.create(
        installation=shop, version=version, node="code", saleor_voucher_id="", created_at=T
    )
    saleor_vouchers.requests.clear()

    # when: the next attempt, once the claim is stale
    worker(DUE)

    # then: Saleor refused the codes it had; the app found their voucher by one, gave it its
    # channel listing and added the code it lacked; no second voucher
    (voucher,) = saleor.vouchers.values()
    assert len(operations(saleor_vouchers, "VoucherCreate")) == 1
    assert operations(saleor_vouchers, "VoucherByCode") == [{"code": codes[0]}]
    assert operations(saleor_vouchers, "VoucherAddCodes")[0]["input"]["addCodes"] == codes[1:]
    assert sorted(saleor.codes) == codes
    assert {listing.channel.slug for listing in voucher.listings.values()} == {
        "default-channel",
        "channel-pln",
    }
    assert JourneyVoucher.objects.get().saleor_voucher_id == voucher.id
    assert Message.objects.count() == 2
    for code in codes:
        assert saleor.checkout_refuses(code, channel="channel-pln", subtotal=Decimal(1)) is None


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


def test_later_runs_add_codes_to_the_same_voucher(shop, saleor, saleor_vouchers, worker):
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    first, second = (make_contact(shop, email_consent="granted") for _ in range(2))
    journey_enroll(journey=journey, contact=first, now=T)
    worker(DUE)
    journey_enroll(journey=journey, contact=second, now=DUE)

    worker(DUE + timedelta(days=1))

    assert len(operations(saleor_vouchers, "VoucherCreate")) == 1
    (added,) = operations(saleor_vouchers, "VoucherAddCodes")
    # the voucher's one end date moves on with the newest codes
    assert added["input"]["endDate"] == (DUE + timedelta(days=8, hours=1)).isoformat()
    assert len(saleor.vouchers) == 1
    assert len(saleor.codes) == 2
    assert Message.objects.filter(contact__in=[first, second]).count() == 2


def test_codes_saleor_already_has_from_a_crashed_attempt_are_not_added_twice(
    shop, saleor, saleor_vouchers, worker
):
    # given: the step's voucher exists; of two later runs, one's code got into Saleor
    # before a crash
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    journey_enroll(journey=journey, contact=make_contact(shop, email_consent="granted"), now=T)
    worker(DUE)
    (voucher,) = saleor.vouchers.values()
    later = [
        journey_enroll(
            journey=journey, contact=make_contact(shop, email_consent="granted"), now=DUE
        )
        for _ in range(2)
    ]
    codes = sorted(voucher_code(run, "code", "WB") for run in later if run is not None)
    saleor.codes[codes[0]] = Code(code=codes[0], voucher=voucher)
    saleor_vouchers.requests.clear()

    # when
    worker(DUE + timedelta(days=1))

    # then: Saleor refused the code it had (ALREADY_EXISTS, voucher_create.py
    # _clean_new_codes); the other was added on its own; both messages carry their codes
    calls = operations(saleor_vouchers, "VoucherAddCodes")
    assert [call["input"]["addCodes"] for call in calls] == [codes, codes[1:]]
    assert len(saleor.codes) == 3
    assert set(codes) < set(saleor.codes)
    shown = {
        m.context["voucher"]["code"]
        for m in Message.objects.filter(contact__in=[r.contact for r in later if r])
    }
    assert shown == set(codes)


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
    (code,) = operations(saleor_vouchers, "VoucherCreate")[0]["input"]["addCodes"]
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


def test_the_contacts_events_do_not_call_saleor_again_before_the_retry_is_due(
    shop, saleor_vouchers, worker, django_capture_on_commit_callbacks, time_machine
):
    # given: the first attempt at the step failed (Saleor down); the next is due in ten minutes
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers)
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    saleor_vouchers.answers["Channels"] = lambda variables: (503, {"error": "down"})
    worker(DUE)
    calls = len(saleor_vouchers.requests)

    # when: the contact's events advance their runs three times before then
    for minutes in (1, 2, 9):
        moment = DUE + timedelta(minutes=minutes)
        time_machine.move_to(moment, tick=False)
        with django_capture_on_commit_callbacks(execute=True) as queued, transaction.atomic():
            runs_advance(runs_of_contacts([ada.pk]), now=moment)
        assert queued == []

    # then: Saleor was not asked again; the run still waits for its retry
    run.refresh_from_db()
    assert len(saleor_vouchers.requests) == calls
    assert (run.node, run.wake_at) == ("code", DUE + VOUCHER_RETRY)
    assert RunStep.objects.filter(run=run, kind="voucher_failed").count() == 1

    # and at the retry, it is tried again
    worker(DUE + VOUCHER_RETRY)
    assert RunStep.objects.filter(run=run, kind="voucher_failed").count() == 2


def test_a_held_out_run_gets_no_code(shop, saleor_vouchers, worker):
    journey = published(shop, VOUCHER_JOURNEY, saleor_vouchers, holdout_percent=50)
    people = [make_contact(shop, email_consent="granted") for _ in range(12)]
    runs = [journey_enroll(journey=journey, contact=p, now=T) for p in people]
    held = [r for r in runs if r is not None and r.holdout]
    assert held  # with 12 runs at 50%, some are held out (deterministic per run id)

    worker(DUE)

    codes = operations(saleor_vouchers, "VoucherCreate")[0]["input"]["addCodes"]
    assert len(codes) == len(runs) - len(held)
    assert not Message.objects.filter(contact__in=[r.contact for r in held]).exists()


def test_a_voucher_another_task_is_creating_is_left_to_it(
    shop, saleor, saleor_vouchers, django_capture_on_commit_callbacks, time_machine
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
    time_machine.move_to(DUE + CLAIM_STALE, tick=False)
    made = voucher_codes_create(
        version_id=version.pk, node_id="code", run_ids=run_ids, now=DUE + CLAIM_STALE
    )
    assert made == Made(woken=2)
    assert len(operations(saleor_vouchers, "VoucherCreate")) == 1
    (voucher,) = saleor.vouchers.values()
    assert JourneyVoucher.objects.get().saleor_voucher_id == voucher.id
    assert set(JourneyRun.objects.values_list("wake_at", flat=True)) == {DUE + CLAIM_STALE}
