"""Every preset end to end on PostgreSQL, driven like production.

Saleor registers the app and posts signed deliveries to ``/api/webhooks/saleor``; the storefront
calls the app's GraphQL API; the admin installs the preset from the dashboard; the scheduler's
periodic tasks (intake drain, derived triggers, waking runs, sending, ...) fire at simulated
moments; the emails arrive at a real SMTP server on loopback. Each test says which emails arrive,
to whom, at which simulated moment, and that nothing arrives a minute early or after the goal.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from graphql_relay import to_global_id

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.presets import PRESETS
from saleor_mautomation.messages import codes
from saleor_mautomation.messages.context import shop_of
from saleor_mautomation.messages.models import Message
from saleor_mautomation.programmes.models import DrawEntry
from saleor_mautomation.programmes.services import draw_create
from tests.journeys.e2e import Email, day
from tests.support import deliveries as d
from tests.support.keys import signing_key

USER, EMAIL = "VXNlcjo5MDE=", "ada@example.com"
CHECKOUT = "Q2hlY2tvdXQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwOTAx"
ORDER = "T3JkZXI6OTAx"
BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)
HREF = re.compile(r'href="([^"]+)"')


# -- what arrives -------------------------------------------------------------------------------


def outline(mails: list[Email]) -> list[tuple[str, str, datetime, str]]:
    """Template, recipient, Date header and subject of each email, in arrival order."""
    return [(mail.template, mail.to, mail.date, mail.subject) for mail in mails]


def assert_marketing(mail: Email, to: str = EMAIL) -> None:
    """A marketing email as the sender promises it: to the contact only, text and HTML
    alternatives, RFC 8058 one-click unsubscribe, the outbox row's Message-ID, sent once."""
    assert mail.envelope_to == [to]
    assert mail.parts == ["multipart/alternative", "text/plain", "text/html"]
    unsubscribe = str(mail.mime["List-Unsubscribe"])
    assert unsubscribe.startswith(f"<{settings.APP_URL}/u/")
    assert unsubscribe.endswith(">")
    assert mail.mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in mail.html
    assert mail.mime["Message-ID"] == mail.message.message_id
    assert (mail.message.status, mail.message.sent_at) == ("sent", mail.date)
    assert mail.message.attempts == 1
    assert "Ada" in mail.text


def signed_up(
    *, days: float = 0, user_id: str = USER, email: str = EMAIL, first_name: str = "Ada"
) -> d.Minted:
    """A customer registers; the shop keeps consent and zone in private metadata."""
    return d.customer(
        "CUSTOMER_CREATED",
        user_id=user_id,
        email=email,
        day=days,
        firstName=first_name,
        lastName="Lovelace",
        privateMetadata=[
            {"key": "marketing_consent", "value": "granted"},
            {"key": "time_zone", "value": "Europe/Berlin"},
        ],
    )


def ordered(*, days: float, order_id: str = ORDER, number: str = "901", **fields: Any) -> d.Minted:
    return d.order(
        "ORDER_CREATED",
        order_id=order_id,
        number=number,
        user_id=USER,
        email=EMAIL,
        placed=days,
        day=days,
        **fields,
    )


def ada() -> Contact:
    return Contact.objects.get(email=EMAIL)


def run_of(preset: str) -> JourneyRun:
    return JourneyRun.objects.get(journey__key=preset, contact=ada())


# -- welcome series (its branches: test_welcome.py) ---------------------------------------------


def test_a_delivery_saleor_did_not_sign_starts_nothing(shop):
    # given
    shop.install("welcome-series")

    # when: the same body signed with a key Saleor does not publish
    response = shop.post(signed_up(days=0), key=signing_key(1))

    # then
    assert response.status_code == 401
    assert shop.tick(day(0)) == []
    assert shop.tick(day(10)) == []
    assert not Contact.objects.exists()
    assert not Message.objects.exists()


# -- abandoned checkout -------------------------------------------------------------------------


def cart(*, days: float, event: str = "CHECKOUT_UPDATED", **fields: Any) -> d.Minted:
    fields = {"checkout_id": CHECKOUT, "user_id": USER, "email": EMAIL, **fields}
    return d.checkout(event, day=days, **fields)


def test_abandoned_checkout_mails_an_hour_after_the_last_change_then_a_day_and_two_later(shop):
    # given
    shop.install("abandoned-checkout")
    shop.deliver(signed_up(days=0))

    # when: Ada fills a cart on day 1 (09:00 UTC), changes it at noon, then leaves
    shop.deliver(cart(days=1, event="CHECKOUT_CREATED", lines=1), cart(days=1.125, lines=2))
    quiet = day(1.125) + timedelta(hours=1)

    # then: the cart is abandoned an hour after its last change, not a minute earlier
    assert shop.tick(quiet - MINUTE) == []
    first = shop.tick(quiet)
    assert outline(first) == [
        ("abandoned-checkout-1", EMAIL, quiet, "You left something in your cart")
    ]
    assert shop.tick(quiet + timedelta(hours=23) - MINUTE) == []
    second = shop.tick(quiet + timedelta(hours=23))
    assert outline(second) == [
        (
            "abandoned-checkout-2",
            EMAIL,
            quiet + timedelta(hours=23),
            "Ada, your cart is still waiting",
        )
    ]
    last = quiet + timedelta(hours=23, days=2)
    assert shop.tick(last - MINUTE) == []
    third = shop.tick(last)
    assert outline(third) == [
        (
            "abandoned-checkout-3",
            EMAIL,
            last,
            "A little something to complete your order",  # it carries a voucher code
        )
    ]
    assert shop.tick(day(30)) == []
    for mail in [*first, *second, *third]:
        assert_marketing(mail)
        assert "Apple Juice" in mail.html  # the cart's lines, as Saleor sent them
        assert "Monospace Tee" in mail.html
    run = run_of("abandoned-checkout")
    assert (run.entry_key, run.status, run.exit_reason) == (CHECKOUT, "exited", "end")


def test_an_order_stops_the_abandoned_checkout_emails(shop):
    # given: abandoned, two reminders sent
    shop.install("abandoned-checkout")
    shop.deliver(signed_up(days=0), cart(days=1, event="CHECKOUT_CREATED"))
    quiet = day(1) + timedelta(hours=1)
    assert [m.template for m in shop.tick(quiet)] == ["abandoned-checkout-1"]
    assert [m.template for m in shop.tick(quiet + timedelta(hours=23))] == ["abandoned-checkout-2"]

    # when: the order comes from that checkout on day 2.5
    shop.deliver(ordered(days=2.5, checkout_id=CHECKOUT))

    # then: the goal ends the run at once; the third reminder never goes
    run = run_of("abandoned-checkout")
    assert (run.status, run.exit_reason, run.exited_at) == ("exited", "goal", day(2.5))
    assert shop.tick(quiet + timedelta(hours=23, days=2)) == []
    assert shop.tick(day(30)) == []
    assert Message.objects.filter(contact=ada()).count() == 2


BOB_USER, BOB_EMAIL = "VXNlcjo5MDI=", "bob@example.com"
BOB_CHECKOUT = "Q2hlY2tvdXQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwOTAy"


def test_the_third_abandoned_checkout_email_carries_a_unique_voucher_code(shop):
    # given: Ada and Bob both abandon a cart on day 1
    shop.install("abandoned-checkout")
    bob = signed_up(user_id=BOB_USER, email=BOB_EMAIL, first_name="Bob")
    shop.deliver(
        signed_up(days=0),
        bob,
        cart(days=1, event="CHECKOUT_CREATED"),
        cart(
            days=1,
            event="CHECKOUT_CREATED",
            checkout_id=BOB_CHECKOUT,
            user_id=BOB_USER,
            email=BOB_EMAIL,
        ),
    )
    quiet = day(1) + timedelta(hours=1)

    # when: the three reminders go out
    mails = [
        *shop.tick(quiet),
        *shop.tick(quiet + timedelta(hours=23)),
        *shop.tick(quiet + timedelta(hours=23, days=2)),
    ]

    # then: two codes were added to the voucher in Saleor; each third email (only the third)
    # shows its recipient's own, in both parts
    codes = shop.standin.codes
    assert len(set(codes)) == len(codes) == 2
    shown = {(m.template, m.to): [c for c in codes if c in m.text and c in m.html] for m in mails}
    assert {key: len(found) for key, found in shown.items()} == {
        ("abandoned-checkout-1", EMAIL): 0,
        ("abandoned-checkout-1", BOB_EMAIL): 0,
        ("abandoned-checkout-2", EMAIL): 0,
        ("abandoned-checkout-2", BOB_EMAIL): 0,
        ("abandoned-checkout-3", EMAIL): 1,
        ("abandoned-checkout-3", BOB_EMAIL): 1,
    }
    assert shown[("abandoned-checkout-3", EMAIL)] != shown[("abandoned-checkout-3", BOB_EMAIL)]
    assert {m.subject for m in mails if m.template == "abandoned-checkout-3"} == {
        "A little something to complete your order"
    }


# -- browse abandonment -------------------------------------------------------------------------


def viewed(product: str, client_id: str) -> dict[str, Any]:
    return {"type": "PRODUCT_VIEWED", "clientId": client_id, "properties": {"product_id": product}}


def test_browse_abandonment_mails_two_hours_after_the_last_view_once_a_week(shop):
    # given: Ada and Bob are customers; Bob puts what he viewed into his cart
    shop.install("browse-abandonment")
    bob = signed_up(user_id=BOB_USER, email=BOB_EMAIL, first_name="Bob")
    shop.deliver(signed_up(days=0), bob)

    # when: both browse on day 1 through the storefront; Bob adds to his cart
    shop.at(day(1))
    assert shop.track(user_id=USER, email=EMAIL, events=[viewed("UHJvZHVjdDox", "a-1")]) == 1
    assert shop.track(user_id=BOB_USER, email=BOB_EMAIL, events=[viewed("UHJvZHVjdDox", "b-1")])
    shop.at(day(1) + timedelta(minutes=30))
    assert shop.track(user_id=USER, email=EMAIL, events=[viewed("UHJvZHVjdDoy", "a-2")]) == 1
    assert shop.track(
        user_id=BOB_USER, email=BOB_EMAIL, events=[{"type": "CART_ADDED", "clientId": "b-2"}]
    )
    quiet = day(1) + timedelta(minutes=30, hours=2)

    # then: two hours after her last view, Ada alone gets the nudge
    assert shop.tick(quiet - MINUTE) == []
    nudged = shop.tick(quiet)
    assert outline(nudged) == [("browse-abandonment", EMAIL, quiet, "Still thinking about it?")]
    assert_marketing(nudged[0])

    # a browse two days later is not nudged (re-entry after 7 days), one eight days later is
    shop.at(day(3))
    shop.track(user_id=USER, email=EMAIL, events=[viewed("UHJvZHVjdDoz", "a-3")])
    assert shop.tick(day(3) + timedelta(hours=2)) == []
    shop.at(day(9))
    shop.track(user_id=USER, email=EMAIL, events=[viewed("UHJvZHVjdDoz", "a-4")])
    assert shop.tick(day(9) + timedelta(hours=2) - MINUTE) == []
    again = shop.tick(day(9) + timedelta(hours=2))
    assert outline(again) == [
        ("browse-abandonment", EMAIL, day(9) + timedelta(hours=2), "Still thinking about it?")
    ]
    assert shop.tick(day(30)) == []
    assert not Message.objects.filter(to_address=BOB_EMAIL).exists()


# -- win-back -----------------------------------------------------------------------------------


def test_win_back_mails_a_lapsed_customer_three_times_a_week_apart(shop):
    # given: Ada ordered once, on day 0.25 (15:00 UTC)
    shop.install("win-back")
    shop.deliver(signed_up(days=0), ordered(days=0.25))
    lapsed = day(180.25)  # 180 days after the last order: the installation's lapsing line

    # when / then
    assert shop.tick(day(90)) == []
    assert shop.tick(lapsed - MINUTE) == []
    first = shop.tick(lapsed)
    assert outline(first) == [("win-back-1", EMAIL, lapsed, "It's been a while, Ada")]
    assert shop.tick(lapsed + timedelta(days=7) - MINUTE) == []
    second = shop.tick(lapsed + timedelta(days=7))
    assert outline(second) == [
        (
            "win-back-2",
            EMAIL,
            lapsed + timedelta(days=7),
            "A gift to welcome you back",
        )
    ]
    (code,) = shop.standin.codes  # a voucher code made for her, shown in that email alone
    assert code in second[0].text
    assert code not in first[0].text
    third = shop.tick(lapsed + timedelta(days=14))
    assert outline(third) == [
        ("win-back-3", EMAIL, lapsed + timedelta(days=14), "Should we stay in touch?")
    ]
    assert shop.tick(day(300)) == []
    for mail in [*first, *second, *third]:
        assert_marketing(mail)


def test_an_order_ends_win_back(shop):
    # given: lapsed and mailed once
    shop.install("win-back")
    shop.deliver(signed_up(days=0), ordered(days=0.25))
    assert [m.template for m in shop.tick(day(180.25))] == ["win-back-1"]

    # when: she orders again three days later
    shop.deliver(ordered(days=183.25, order_id="T3JkZXI6OTAy", number="902"))

    # then
    run = run_of("win-back")
    assert (run.status, run.exit_reason, run.exited_at) == ("exited", "goal", day(183.25))
    assert shop.tick(day(187.25)) == []
    assert shop.tick(day(194.25)) == []
    assert Message.objects.filter(contact=ada()).count() == 1


# -- post-purchase ------------------------------------------------------------------------------


def fulfilled(*, days: float) -> d.Minted:
    return d.order(
        "ORDER_FULFILLED",
        order_id=ORDER,
        number="901",
        user_id=USER,
        email=EMAIL,
        placed=1,
        day=days,
        status="FULFILLED",
    )


def test_post_purchase_thanks_at_once_and_asks_for_a_review_five_days_after_delivery(shop):
    # given
    shop.install("post-purchase")
    shop.deliver(signed_up(days=0))

    # when: Ada orders on day 1, the order is fulfilled on day 3
    shop.deliver(ordered(days=1))
    thanks = shop.tick(day(1))
    shop.deliver(fulfilled(days=3))

    # then
    assert outline(thanks) == [
        ("post-purchase-thanks", EMAIL, day(1), "Thank you for your order, Ada!")
    ]
    assert "901" in thanks[0].text  # the order's number
    assert shop.tick(day(3)) == []
    assert shop.tick(day(8) - MINUTE) == []
    review = shop.tick(day(8))
    assert outline(review) == [
        ("post-purchase-review", EMAIL, day(8), "How do you like your order?")
    ]
    assert shop.tick(day(40)) == []
    for mail in [*thanks, *review]:
        assert_marketing(mail)
    run = JourneyRun.objects.get(journey__key="post-purchase")
    assert (run.entry_key, run.status, run.exit_reason) == (ORDER, "exited", "end")


def test_an_order_never_delivered_gets_no_review_request(shop):
    # given
    shop.install("post-purchase")
    shop.deliver(signed_up(days=0), ordered(days=1))
    assert [m.template for m in shop.tick(day(1))] == ["post-purchase-thanks"]

    # when: fourteen days pass without a fulfilment
    assert shop.tick(day(15) - MINUTE) == []
    assert run_of("post-purchase").status == "waiting"
    assert shop.tick(day(15)) == []

    # then
    run = run_of("post-purchase")
    assert (run.status, run.exit_reason, run.exited_at) == ("exited", "end", day(15))
    assert shop.tick(day(40)) == []


# -- VIP (segment entered) ----------------------------------------------------------------------


def test_the_vip_welcome_mails_when_the_fifth_order_makes_a_vip(shop):
    # given
    shop.install("vip")
    shop.deliver(signed_up(days=0))

    # when: four orders on days 1 to 4 are not enough
    for n in range(1, 5):
        shop.deliver(ordered(days=n, order_id=f"T3JkZXI6OTA{n}", number=f"90{n}"))
        assert shop.tick(day(n)) == []

    # then: the fifth (the installation's VIP line) enters her in the stage and the journey
    shop.deliver(ordered(days=5, order_id="T3JkZXI6OTA5", number="905"))
    mails = shop.tick(day(5))
    assert outline(mails) == [
        ("vip", EMAIL, day(5), "Ada, thank you for being one of our best customers")
    ]
    assert_marketing(mails[0])
    assert ada().lifecycle_stage == "vip"
    shop.deliver(ordered(days=6, order_id="T3JkZXI6OTA2", number="906"))
    assert shop.tick(day(40)) == []


# -- birthday -----------------------------------------------------------------------------------


def test_the_birthday_email_arrives_on_the_day_at_nine_where_the_customer_lives(shop):
    # given: Ada's birthday (in the shop's customer metadata) is on 20 January
    shop.install("birthday")
    due = datetime(2026, 1, 20, 9, 0, tzinfo=BERLIN)
    born = d.customer(
        "CUSTOMER_CREATED",
        user_id=USER,
        email=EMAIL,
        day=0,
        firstName="Ada",
        privateMetadata=[
            {"key": "marketing_consent", "value": "granted"},
            {"key": "time_zone", "value": "Europe/Berlin"},
            {"key": "birthday", "value": "1990-01-20"},
        ],
    )

    # when
    shop.deliver(born)

    # then: not before nine where she lives, once on the day, with a voucher code of her own
    assert shop.tick(due - timedelta(days=1)) == []
    assert shop.tick(due - MINUTE) == []
    mails = shop.tick(due)
    assert outline(mails) == [("birthday", EMAIL, due, "Happy birthday, Ada!")]
    assert_marketing(mails[0])
    (code,) = shop.standin.codes
    assert code in mails[0].text
    assert shop.tick(due + timedelta(hours=10)) == []
    assert shop.tick(due + timedelta(days=1)) == []
    assert shop.tick(due + timedelta(days=40)) == []


# -- spend threshold ----------------------------------------------------------------------------

SETTINGS = """mutation Settings($input: AppSettingsInput!) {
  updateAppSettings(input: $input) { settings { spendThresholds } } }"""


def test_crossing_the_spend_threshold_mails_once_and_tags_the_customer_in_saleor(shop):
    # given: the admin sets the shop's VIP line at 100 USD spent
    shop.install("spend-threshold")
    body = shop.dashboard(SETTINGS, input={"spendThresholds": {"USD": ["100"]}})
    assert body["data"]["updateAppSettings"]["settings"] == {"spendThresholds": {"USD": ["100"]}}
    shop.deliver(signed_up(days=0))

    # when: 43.98 on day 1, then 80 on day 2
    shop.deliver(ordered(days=1, total="43.98"))
    assert shop.tick(day(1)) == []
    shop.deliver(ordered(days=2, order_id="T3JkZXI6OTAy", number="902", total="80.00"))

    # then: the next sweep finds the line crossed: one email, and the tag the journey sets is
    # written back to the Saleor customer with the figures
    mails = shop.tick(day(2))
    assert outline(mails) == [
        ("vip", EMAIL, day(2), "Ada, thank you for being one of our best customers")
    ]
    assert_marketing(mails[0])
    shop.tick(day(2) + timedelta(minutes=2))
    assert shop.standin.private_metadata[USER]["mautomation.vip"] == "true"
    shop.deliver(ordered(days=3, order_id="T3JkZXI6OTAz", number="903", total="500.00"))
    assert shop.tick(day(40)) == []


# -- programmes (issue 22): added by hand ----------------------------------------------------------

ENROL = """mutation Enrol($journey: ID!, $contact: ID!) {
  enrolContact(journeyId: $journey, contactId: $contact) { run { status } } }"""


def enrol(shop: Any, preset: str) -> None:
    """The admin adds Ada to a preset's journey from the Dashboard (a manual entry)."""
    journey = Journey.objects.get(key=preset)
    body = shop.dashboard(
        ENROL,
        journey=to_global_id("Journey", journey.pk),
        contact=to_global_id("Contact", ada().pk),
    )
    assert body["data"]["enrolContact"]["run"] is not None


def test_the_coupon_preset_mails_a_contact_added_by_hand_a_code_of_her_own_with_its_images(shop):
    # given
    shop.install("coupon")
    shop.deliver(signed_up(days=0))
    assert shop.tick(day(0)) == []
    name = shop_of(shop.shop)["name"]

    # when: the admin adds Ada
    enrol(shop, "coupon")

    # then: one email within the day, with a voucher code made for her in Saleor, its QR code,
    # barcode and printable page under the app's signed URLs
    (mail,) = shop.tick(day(1))
    assert (mail.template, mail.to, mail.subject) == (
        "coupon",
        EMAIL,
        f"Ada, your coupon from {name}",
    )
    (code,) = shop.standin.codes
    token = codes.coupon_token(installation_id=shop.shop.pk, code=code)
    assert code in mail.text
    assert f"/v/{token}/qr.png" in mail.html
    assert f"/v/{token}/barcode.png" in mail.html
    assert_marketing(mail)
    assert shop.tick(day(40)) == []


def test_the_prize_draw_invitation_mails_a_contact_added_by_hand_a_link_that_enters_on_the_page(
    shop,
):
    # given: the draw prize-draw the invitation names
    shop.install("prize-draw-invitation")
    shop.deliver(signed_up(days=0))
    assert shop.tick(day(0)) == []
    draw_create(
        installation_id=shop.shop.pk,
        key="prize-draw",
        name="Summer",
        prize="A throw",
        winners=1,
        closes_at=None,
        now=day(0),
    )

    # when: the admin adds Ada
    enrol(shop, "prize-draw-invitation")

    # then: one invitation, whose link opens the draw's page (a GET enters nobody)
    (mail,) = shop.tick(day(1))
    assert mail.template == "prize-draw-invitation"
    assert_marketing(mail)
    tracked = [href for href in HREF.findall(mail.html) if "/t/c/" in href]
    pages = [shop.client.get(urlsplit(href).path)["Location"] for href in tracked]
    (page,) = [target for target in pages if "/d/" in urlsplit(target).path]
    assert urlsplit(page).path.endswith("/prize-draw")
    assert shop.client.get(urlsplit(page).path).status_code == 200
    assert not DrawEntry.objects.exists()


# -- coverage -----------------------------------------------------------------------------------


def test_every_preset_is_driven_end_to_end_here():
    covered = {
        "welcome-series",  # test_welcome.py
        "abandoned-checkout",
        "browse-abandonment",
        "win-back",
        "post-purchase",
        "vip",
        "birthday",
        "spend-threshold",
        "coupon",
        "prize-draw-invitation",
    }
    programmes = {"nps-survey", "prize-draw-winners"}  # tests/programmes/test_e2e.py
    commerce = {"back-in-stock", "price-drop", "low-stock"}  # test_e2e_commerce_triggers.py
    preferred = {"abandoned-checkout-preferred"}  # test_e2e_preferred_preset.py
    # test_e2e_dates_thresholds.py
    dates = {"check-up-reminder", "monthly-tips", "loyalty-milestone"}
    postal = {"win-back-card"}  # test_e2e_postal_preset.py

    assert sorted(PRESETS) == sorted(covered | programmes | commerce | preferred | dates | postal)
