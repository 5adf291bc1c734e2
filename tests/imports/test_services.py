"""Applying an imported file: contacts, consents weighed against the ledger, suppressions;
batches with progress, idempotent re-runs, one installation only."""

from datetime import UTC, datetime

import pytest
import time_machine

from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.contacts.consent import (
    Evidence,
    Purpose,
    consent_token,
    consent_withdraw,
    subscription_confirm,
)
from saleor_mautomation.contacts.models import ConsentRecord, Contact, EmailConsent, ErasedIdentity
from saleor_mautomation.contacts.services import email_digest
from saleor_mautomation.imports import services, tasks
from saleor_mautomation.imports.models import ImportJob, ImportRowError
from saleor_mautomation.imports.parsing import Kind
from saleor_mautomation.imports.services import ImportInvalid, Outcome
from saleor_mautomation.messages.models import Suppression
from tests.contacts.factories import make_contact, make_shop

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FAR = float("inf")

CONTACTS = (
    "\ufeffEmail Address;First Name;Last Name;Country;Loyalty Tier\r\n"
    "ada@example.com;Ada;Lovelace;GB;gold\r\n"
    "bo@example.com;Bo;;DE;\r\n"
    "not-an-email;Cy;;FR;\r\n"
    "ADA@example.com;Ada;L.;GB;\r\n"
)


@pytest.fixture
def shop(db):
    return make_shop("shop")


@pytest.fixture
def other(db):
    return make_shop("other")


def run(shop, kind, text, source="", batch_size=500):
    job = services.import_create(
        installation_id=shop.pk,
        kind=kind,
        data=text.encode(),
        file_name=f"{kind}.csv",
        source_name=source,
        now=NOW,
    )
    with time_machine.travel(NOW, tick=False):
        outcome = services.import_execute(job_id=job.pk, deadline=FAR, batch_size=batch_size)
    assert outcome is Outcome.DONE
    job.refresh_from_db()
    return job


def counts(job):
    return {
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "skipped": job.skipped,
    }


def errors(job):
    return list(
        ImportRowError.objects.filter(job=job)
        .order_by("row", "id")
        .values_list("row", "column", "message")
    )


def test_contacts_are_created_and_updated_and_bad_or_duplicate_rows_skipped(shop, other):
    # given: Bo is known here (with a city the file does not touch); Ada in another shop
    bo = make_contact(shop, email="bo@example.com", first_name="Robert", city="Bonn")
    elsewhere = make_contact(other, email="ada@example.com", first_name="Other")

    # when
    job = run(shop, Kind.CONTACTS, CONTACTS)

    # then
    assert counts(job) == {
        "status": "done",
        "total": 4,
        "done": 4,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "skipped": 2,
    }
    assert job.content == ""
    assert errors(job) == [
        (4, "Email Address", "Not a valid email address: not-an-email"),
        (5, "Email Address", "Duplicate of row 2: only that row is imported"),
    ]
    ada = Contact.objects.get(installation=shop, email="ada@example.com")
    assert (ada.first_name, ada.last_name, ada.country, ada.metadata) == (
        "Ada",
        "Lovelace",
        "GB",
        {"Loyalty Tier": "gold"},
    )
    assert ada.email_consent == EmailConsent.UNKNOWN
    bo.refresh_from_db()
    assert (bo.first_name, bo.country, bo.city) == ("Bo", "DE", "Bonn")
    elsewhere.refresh_from_db()
    assert elsewhere.first_name == "Other"
    assert Contact.objects.filter(installation=other).count() == 1


def test_importing_the_same_contacts_file_again_changes_nothing(shop):
    # given
    run(shop, Kind.CONTACTS, CONTACTS)
    before = list(Contact.objects.order_by("pk").values())

    # when
    again = run(shop, Kind.CONTACTS, CONTACTS)

    # then
    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 2, 2)
    assert list(Contact.objects.order_by("pk").values()) == before


CONSENTS = (
    "Email,Status,Date,Text Version\n"
    "new@example.com,subscribed,2025-03-01,v2\n"
    "later@example.com,subscribed,2025-03-01,v2\n"
    "earlier@example.com,subscribed,2025-03-01 09:30:00,v2\n"
    "leaving@example.com,unsubscribed,2025-03-01,\n"
    "back@example.com,unsubscribed,2025-03-01,\n"
    "nodate@example.com,subscribed,,\n"
)


def withdrawn_on(shop, email, day):
    contact = make_contact(shop, email=email, email_consent=EmailConsent.GRANTED)
    return consent_withdraw(contact=contact, evidence=Evidence(source="unsubscribe"), now=day)


def confirmed_on(shop, email, day):
    contact = make_contact(shop, email=email, email_consent=EmailConsent.PENDING)
    token = consent_token(contact, Purpose.CONFIRM)
    with time_machine.travel(day, tick=False):
        return subscription_confirm(token=token, evidence=Evidence(source="confirm"), now=day)


def test_consents_are_weighed_against_the_ledger_and_recorded_with_their_source(shop, other):
    # given: one withdrew after the file's consent, one before it; one re-subscribed after
    # the file's withdrawal; one is subscribed (and stays so) in another shop
    later = withdrawn_on(shop, "later@example.com", datetime(2025, 6, 1, tzinfo=UTC))
    earlier = withdrawn_on(shop, "earlier@example.com", datetime(2024, 1, 1, tzinfo=UTC))
    leaving = confirmed_on(shop, "leaving@example.com", datetime(2024, 1, 1, tzinfo=UTC))
    back = confirmed_on(shop, "back@example.com", datetime(2025, 9, 1, tzinfo=UTC))
    elsewhere = make_contact(other, email="new@example.com")

    # when
    job = run(shop, Kind.CONSENTS, CONSENTS, source="Mailchimp export 2026-11")

    # then
    assert counts(job) == {
        "status": "done",
        "total": 6,
        "done": 6,
        "created": 1,
        "updated": 2,
        "unchanged": 0,
        "skipped": 3,
    }
    assert errors(job) == [
        (3, "Status", "Unsubscribed on 2025-06-01, after this consent: not subscribed again"),
        (6, "Status", "Subscribed again on 2025-09-01, after this withdrawal: kept"),
        (7, "Date", "The date of consent is missing: a subscription needs its date as evidence"),
    ]
    states = dict(Contact.objects.filter(installation=shop).values_list("email", "email_consent"))
    assert states == {
        "new@example.com": "granted",
        "later@example.com": "withdrawn",
        "earlier@example.com": "granted",
        "leaving@example.com": "withdrawn",
        "back@example.com": "granted",
    }
    imported = ConsentRecord.objects.filter(source="import").order_by("details__row")
    assert [
        (
            r.contact and r.contact.email,
            r.channel,
            r.action,
            r.occurred_at,
            r.text_version,
            r.details,
        )
        for r in imported
    ] == [
        (
            "new@example.com",
            "email",
            "confirmed",
            datetime(2025, 3, 1, tzinfo=UTC),
            "v2",
            {
                "source": "Mailchimp export 2026-11",
                "file": "consents.csv",
                "row": 2,
                "import": job.pk,
            },
        ),
        (
            "earlier@example.com",
            "email",
            "confirmed",
            datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
            "v2",
            {
                "source": "Mailchimp export 2026-11",
                "file": "consents.csv",
                "row": 4,
                "import": job.pk,
            },
        ),
        (
            "leaving@example.com",
            "email",
            "withdrawn",
            datetime(2025, 3, 1, tzinfo=UTC),
            "",
            {
                "source": "Mailchimp export 2026-11",
                "file": "consents.csv",
                "row": 5,
                "import": job.pk,
            },
        ),
    ]
    assert all(r.installation_id == shop.pk for r in imported)
    for contact in (later, earlier, leaving, back, elsewhere):
        contact.refresh_from_db()
    assert elsewhere.email_consent == EmailConsent.UNKNOWN
    assert not ConsentRecord.objects.filter(installation=other).exists()


def test_importing_the_same_consents_again_changes_nothing(shop):
    # given
    withdrawn_on(shop, "later@example.com", datetime(2025, 6, 1, tzinfo=UTC))
    run(shop, Kind.CONSENTS, CONSENTS, source="Mailchimp export 2026-11")
    ledger = list(ConsentRecord.objects.order_by("pk").values())
    states = list(Contact.objects.order_by("pk").values_list("email", "email_consent"))

    # when
    again = run(shop, Kind.CONSENTS, CONSENTS, source="Mailchimp export 2026-11")

    # then
    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 4, 2)
    assert list(ConsentRecord.objects.order_by("pk").values()) == ledger
    assert list(Contact.objects.order_by("pk").values_list("email", "email_consent")) == states


def test_a_withdrawn_contact_without_a_dated_withdrawal_is_not_subscribed(shop):
    make_contact(shop, email="old@example.com", email_consent=EmailConsent.WITHDRAWN)

    job = run(shop, Kind.CONSENTS, "email,status,date\nold@example.com,yes,2025-01-01\n", "X")

    assert errors(job) == [(2, "status", "Unsubscribed, after this consent: not subscribed again")]
    assert Contact.objects.get(email="old@example.com").email_consent == EmailConsent.WITHDRAWN
    assert not ConsentRecord.objects.exists()


def test_sms_consent_goes_to_its_own_channel(shop):
    make_contact(shop, email="t@example.com", phone="+4915112345678")

    job = run(
        shop, Kind.CONSENTS, "email,channel,status,date\nt@example.com,SMS,opt-in,2025-01-01\n", "X"
    )

    contact = Contact.objects.get(email="t@example.com")
    assert (job.updated, contact.sms_consent, contact.email_consent) == (1, "granted", "unknown")
    record = ConsentRecord.objects.get()
    assert (record.channel, record.source, record.details["source"]) == ("sms", "import", "X")


def test_consents_need_a_named_source(shop):
    with pytest.raises(ImportInvalid) as refused:
        services.import_create(
            installation_id=shop.pk,
            kind=Kind.CONSENTS,
            data=CONSENTS.encode(),
            file_name="c.csv",
            source_name="  ",
            now=NOW,
        )

    assert refused.value.code == "source_missing"
    assert not ImportJob.objects.exists()


def test_suppressions_enter_the_list_of_this_shop_only(shop, other):
    # given
    Suppression.objects.create(
        installation=shop, address="known@example.com", reason="bounce", created_at=NOW
    )
    text = "Email,Reason\nKnown@example.com,spam\nnew@example.com,spam complaint\nx@,\n"

    # when
    job = run(shop, Kind.SUPPRESSIONS, text)
    again = run(shop, Kind.SUPPRESSIONS, text)

    # then
    assert (job.created, job.unchanged, job.skipped) == (1, 1, 1)
    assert (again.created, again.unchanged, again.skipped) == (0, 2, 1)
    assert list(
        Suppression.objects.filter(installation=shop)
        .order_by("address")
        .values_list("address", "reason", "detail")
    ) == [
        ("known@example.com", "bounce", ""),
        ("new@example.com", "complaint", "Imported from suppressions.csv: spam complaint"),
    ]
    assert not Suppression.objects.filter(installation=other).exists()
    assert not Contact.objects.exists()


def test_an_erased_persons_address_is_not_brought_back(shop):
    digest = email_digest(contacts_config(shop.pk), "gone@example.com")
    ErasedIdentity.objects.create(installation=shop, email_digest=digest, erased_at=NOW)

    job = run(shop, Kind.CONTACTS, "email,first name\ngone@example.com,Gone\n")

    assert errors(job) == [
        (2, "email", "This address belongs to an erased person: not imported"),
    ]
    assert not Contact.objects.filter(email="gone@example.com").exists()


def test_batches_move_the_progress_and_a_continuation_resumes(shop, monkeypatch):
    # given: four rows, batches of two, a slice that ends after the first batch
    job = services.import_create(
        installation_id=shop.pk,
        kind=Kind.CONTACTS,
        data=CONTACTS.encode(),
        file_name="contacts.csv",
        source_name="",
        now=NOW,
    )

    # when
    first = services.import_execute(job_id=job.pk, deadline=0, batch_size=2)
    job.refresh_from_db()
    halfway = (job.status, job.done, job.created, job.skipped, job.content != "")
    second = services.import_execute(job_id=job.pk, deadline=FAR, batch_size=2)
    job.refresh_from_db()

    # then
    assert (first, halfway) == (Outcome.PAUSED, ("running", 2, 2, 0, True))
    assert (second, job.status, job.done, job.created, job.updated, job.skipped) == (
        Outcome.DONE,
        "done",
        4,
        2,
        0,
        2,
    )
    assert services.import_execute(job_id=job.pk, deadline=FAR) is Outcome.IDLE


def test_the_task_continues_a_paused_import_and_rebuilds_segments_when_done(shop, monkeypatch):
    # given
    job = services.import_create(
        installation_id=shop.pk,
        kind=Kind.CONTACTS,
        data=CONTACTS.encode(),
        file_name="contacts.csv",
        source_name="",
        now=NOW,
    )
    continued, sent = [], []
    monkeypatch.setattr(tasks, "SLICE_SECONDS", -1)
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    monkeypatch.setattr(
        tasks.csv_import_run, "apply_async", lambda args, **options: continued.append(args)
    )
    monkeypatch.setattr(
        tasks.current_app, "send_task", lambda name, args: sent.append((name, args))
    )

    # when
    first = tasks.csv_import_run(job.pk)
    monkeypatch.setattr(tasks, "SLICE_SECONDS", 60)
    second = tasks.csv_import_run(job.pk)

    # then
    assert (first, second) == ("paused", "done")
    assert continued == [(job.pk,)]
    assert sent == [("saleor_mautomation.flows.tasks.segments_rebuild", [shop.pk])]


def test_the_sweep_hands_over_imports_nobody_advanced(shop, monkeypatch):
    # given: one import queued long ago, one just now, one done long ago
    def job(status, updated_at):
        return ImportJob.objects.create(
            installation=shop,
            kind="contacts",
            status=status,
            total=1,
            created_at=updated_at,
            updated_at=updated_at,
        )

    stalled = job("queued", datetime(2026, 11, 20, 11, 0, tzinfo=UTC))
    job("running", datetime(2026, 11, 20, 11, 58, tzinfo=UTC))
    job("done", datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    handed = []
    monkeypatch.setattr(
        tasks.csv_import_run, "apply_async", lambda args, **options: handed.append(args)
    )

    # when
    with time_machine.travel(NOW, tick=False):
        swept = tasks.csv_imports_sweep()

    # then
    assert (swept, handed) == (1, [(stalled.pk,)])
