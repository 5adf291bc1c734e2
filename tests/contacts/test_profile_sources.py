"""Profile fields Saleor lacks, from mapped metadata keys and the address country."""

from datetime import timedelta

from saleor_mautomation.contacts.config import contacts_config, contacts_config_clear_cache
from saleor_mautomation.contacts.consent import Evidence, consent_withdraw
from saleor_mautomation.contacts.models import ConsentRecord, Contact, ContactsConfig
from saleor_mautomation.flows.drain import deliveries_drain
from tests.support import deliveries as d

USER, EMAIL = "VXNlcjo5MDE=", "ada@example.com"
META = [{"key": "birthday", "value": "1990-04-02"}, {"key": "gender", "value": "Female"}]


def ingest(client, key, installation, *minted):
    for delivery in minted:
        assert d.post(client, key, installation.saleor_api_url, delivery).status_code == 200
    deliveries_drain(batch_size=10, max_batches=10, max_attempts=3)


def test_mapped_metadata_fills_the_profile_and_consent_goes_to_the_ledger(
    client, key, standin_installation
):
    # given: the captured customer carries privateMetadata marketing_consent=granted, US address
    created = d.customer("CUSTOMER_CREATED", user_id=USER, email=EMAIL, day=0, metadata=META)

    # when
    ingest(client, key, standin_installation, created)

    # then
    contact = Contact.objects.get()
    assert (str(contact.birthday), contact.gender, contact.email_consent) == (
        "1990-04-02",
        "female",
        "granted",
    )
    assert (contact.country, contact.time_zone) == ("US", "America/New_York")
    record = ConsentRecord.objects.get()
    assert (record.contact, record.action, record.source) == (
        contact,
        "confirmed",
        "saleor.metadata",
    )


def test_keys_are_mapped_per_installation(client, key, standin_installation):
    config = contacts_config(standin_installation.pk)
    ContactsConfig.objects.filter(pk=config.pk).update(
        metadata_keys={"birthday": "dob", "time_zone": "tz"}
    )
    contacts_config_clear_cache()
    created = d.customer(
        "CUSTOMER_CREATED",
        user_id=USER,
        email=EMAIL,
        day=0,
        metadata=[
            {"key": "dob", "value": "1985-12-24"},
            {"key": "tz", "value": "Europe/Berlin"},
            {"key": "birthday", "value": "2000-01-01"},
        ],
    )

    ingest(client, key, standin_installation, created)

    contact = Contact.objects.get()
    assert (str(contact.birthday), contact.time_zone, contact.email_consent) == (
        "1985-12-24",
        "Europe/Berlin",
        "unknown",
    )


def test_values_that_do_not_parse_are_ignored(client, key, standin_installation):
    created = d.customer(
        "CUSTOMER_CREATED",
        user_id=USER,
        email=EMAIL,
        day=0,
        metadata=[
            {"key": "birthday", "value": "next tuesday"},
            {"key": "time_zone", "value": "Mars/Base"},
            {"key": "gender", "value": "robot"},
        ],
        privateMetadata=[],
    )

    ingest(client, key, standin_installation, created)

    contact = Contact.objects.get()
    assert (contact.birthday, contact.gender, contact.time_zone, contact.email_consent) == (
        None,
        "",
        "America/New_York",
        "unknown",
    )
    assert not ConsentRecord.objects.exists()


def saleor_sends(client, key, installation, event: str, day: float, consent: str, **fields):
    """Saleor delivers the customer with ``marketing_consent`` in its private metadata."""
    metadata = [{"key": "marketing_consent", "value": consent}]
    minted = d.customer(
        event, user_id=USER, email=EMAIL, day=day, privateMetadata=metadata, **fields
    )
    ingest(client, key, installation, minted)


def unsubscribe_by_link(day: float) -> Contact:
    contact = Contact.objects.get()
    evidence = Evidence(source="unsubscribe.link")
    return consent_withdraw(contact=contact, evidence=evidence, now=d.T0 + timedelta(days=day))


def ledger() -> list[tuple[str, str]]:
    return list(ConsentRecord.objects.order_by("pk").values_list("action", "source"))


def test_an_unsubscribe_stands_when_saleor_sends_the_customer_with_the_old_consent_metadata(
    client, key, standin_installation
):
    # given: consent granted by the metadata, then an unsubscribe through the app's link
    saleor_sends(client, key, standin_installation, "CUSTOMER_CREATED", 0, "granted")
    unsubscribe_by_link(1)

    # when: the customer changes something else; Saleor still holds "granted"
    saleor_sends(
        client, key, standin_installation, "CUSTOMER_UPDATED", 2, "granted", firstName="Ada"
    )

    # then: the unsubscribe stands; the ledger has the two real changes only
    contact = Contact.objects.get()
    assert (contact.first_name, contact.email_consent) == ("Ada", "withdrawn")
    assert ledger() == [("confirmed", "saleor.metadata"), ("withdrawn", "unsubscribe.link")]


def test_a_change_of_the_consent_metadata_counts_again(client, key, standin_installation):
    # given: granted by the metadata, withdrawn by link
    saleor_sends(client, key, standin_installation, "CUSTOMER_CREATED", 0, "granted")
    unsubscribe_by_link(1)

    # when: the storefront writes "withdrawn", later "granted" again (an opt-in there)
    saleor_sends(client, key, standin_installation, "CUSTOMER_UPDATED", 2, "withdrawn")
    saleor_sends(client, key, standin_installation, "CUSTOMER_UPDATED", 3, "granted")

    # then: "withdrawn" matched the consent already; the new "granted" is a change: it counts
    assert Contact.objects.get().email_consent == "granted"
    assert ledger() == [
        ("confirmed", "saleor.metadata"),
        ("withdrawn", "unsubscribe.link"),
        ("confirmed", "saleor.metadata"),
    ]


def test_a_contact_known_before_reads_the_metadata_once_without_regranting(
    client, key, standin_installation
):
    # given: a contact who unsubscribed, whose metadata value the app never read (made before
    # it kept the value: metadata_consent_seen is None)
    saleor_sends(client, key, standin_installation, "CUSTOMER_CREATED", 0, "")
    contact = unsubscribe_by_link(1)
    Contact.objects.filter(pk=contact.pk).update(metadata_consent_seen=None)

    # when: Saleor sends the customer with "granted"
    saleor_sends(client, key, standin_installation, "CUSTOMER_UPDATED", 2, "granted")

    # then: not taken (only a withdrawal would be), but noted: its next change counts
    contact.refresh_from_db()
    assert (contact.email_consent, contact.metadata_consent_seen) == ("withdrawn", "granted")
    assert ledger() == [("withdrawn", "unsubscribe.link")]
