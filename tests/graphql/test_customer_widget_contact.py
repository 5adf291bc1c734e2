"""The customer widget asks for a Saleor customer's contact: what the app knows of them, or
null for a customer it does not know (in this shop)."""

from datetime import datetime
from decimal import Decimal

from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion
from tests.contacts.factories import T0, make_contact, make_order, make_shop, make_spend
from tests.graphql.test_contacts import ask

WIDGET = """query W($user: String!) { contactBySaleorUser(saleorUserId: $user) {
  id email lifecycleStage rfm { recency frequency monetary }
  spend { currency orders total }
  lastOrderAt lastOrder { saleorId number status channel currency total placedAt }
  lastEngagementAt emailConsent smsConsent pushConsent
  activeJourneys { journey { name } status node } } }"""
USER = "VXNlcjo0Mg=="  # Saleor's global id of User:42


def running(contact, name, status="waiting"):
    journey = Journey.objects.create(installation_id=contact.installation_id, key=name, name=name)
    version = JourneyVersion.objects.create(
        journey=journey, number=1, definition={}, published_at=T0
    )
    return JourneyRun.objects.create(
        installation_id=contact.installation_id,
        journey=journey,
        version=version,
        contact=contact,
        status=status,
        node="pause",
        node_entered_at=T0,
        entered_at=T0,
    )


def test_a_known_customer_with_figures_runs_and_consents(client, standin_installation):
    # given
    ada = make_contact(
        standin_installation,
        saleor_user_id=USER,
        lifecycle_stage="repeat",
        rfm_recency=5,
        rfm_frequency=3,
        rfm_monetary=4,
        email_consent="granted",
        sms_consent="withdrawn",
        last_email_open_at=datetime.fromisoformat("2025-02-01T10:00:00+00:00"),
        last_email_click_at=datetime.fromisoformat("2025-02-03T10:00:00+00:00"),
    )
    make_spend(ada, "USD", "30.00", orders=2)
    make_spend(ada, "EUR", "12.50")
    make_order(ada, number="7", placed_at=T0)
    make_order(
        ada,
        saleor_id="T3JkZXI6bGFzdA==",
        number="9",
        currency="EUR",
        total_gross=Decimal("12.5000"),
        placed_at=datetime.fromisoformat("2025-01-20T00:00:00+00:00"),
    )
    running(ada, "Win-back")
    running(ada, "Welcome", status="exited")

    # when
    body = ask(client, standin_installation, WIDGET, user=USER)

    # then
    contact = body["data"]["contactBySaleorUser"]
    assert contact["email"] == ada.email
    assert contact["lifecycleStage"] == "REPEAT"
    assert contact["rfm"] == {"recency": 5, "frequency": 3, "monetary": 4}
    assert contact["spend"] == [
        {"currency": "EUR", "orders": 1, "total": "12.5000"},
        {"currency": "USD", "orders": 2, "total": "30.0000"},
    ]
    assert contact["lastOrder"] == {
        "saleorId": "T3JkZXI6bGFzdA==",
        "number": "9",
        "status": "UNFULFILLED",
        "channel": "default-channel",
        "currency": "EUR",
        "total": "12.5000",
        "placedAt": "2025-01-20T00:00:00+00:00",
    }
    assert contact["lastEngagementAt"] == "2025-02-03T10:00:00+00:00"
    assert (contact["emailConsent"], contact["smsConsent"], contact["pushConsent"]) == (
        "GRANTED",
        "WITHDRAWN",
        "UNKNOWN",
    )
    assert contact["activeJourneys"] == [
        {"journey": {"name": "Win-back"}, "status": "waiting", "node": "pause"}
    ]


def test_a_customer_the_app_does_not_know_is_null(client, standin_installation):
    # given: a contact without figures, and another shop's customer of the same id
    make_contact(standin_installation, saleor_user_id="VXNlcjox")
    make_contact(make_shop("other"), saleor_user_id=USER, first_name="Theirs")

    # when
    unknown = ask(client, standin_installation, WIDGET, user=USER)
    bare = ask(client, standin_installation, WIDGET, user="VXNlcjox")

    # then
    assert unknown == {"data": {"contactBySaleorUser": None}}
    contact = bare["data"]["contactBySaleorUser"]
    assert (contact["lastOrder"], contact["lastEngagementAt"], contact["rfm"]) == (None, None, None)
    assert (contact["spend"], contact["activeJourneys"]) == ([], [])
