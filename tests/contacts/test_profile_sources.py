"""Profile fields Saleor lacks, from mapped metadata keys and the address country."""

from saleor_mautomation.contacts.config import contacts_config, contacts_config_clear_cache
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
