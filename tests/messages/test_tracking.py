from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing

from saleor_mautomation.events.models import Event
from saleor_mautomation.messages import tokens, tracking
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.tracking import click_record, is_machine, tracked_html
from tests.contacts.factories import make_contact, make_shop

APP = "https://app.example"
SHOP = "https://shop.example"
UTM = {"utm_source": "mautomation", "utm_medium": "email", "utm_campaign": "welcome"}
SKIP = (f"{APP}/u/", f"{APP}/p/")
T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
GMAIL_IMAGE_PROXY = (
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
)


def make_message(contact, **fields) -> Message:
    defaults = {
        "installation_id": contact.installation_id,
        "contact": contact,
        "dedupe_key": f"journey-step:{Message.objects.count() + 1}",
        "kind": "marketing",
        "to_address": contact.email,
        "status": "sent",
        "send_after": T,
        "created_at": T,
        "sent_at": T,
    }
    return Message.objects.create(**{**defaults, **fields})


def track(html, message_id=7):
    return tracked_html(
        html, message_id=message_id, app_url=APP, shop_origin=SHOP, utm=UTM, skip_prefixes=SKIP
    )


def click(url, message_id=7):
    return f"{APP}/t/c/{tokens.click_token(message_id, url)}"


def test_links_are_tracked_shop_links_get_utm_and_the_pixel_goes_before_the_body_end():
    # given
    html = (
        '<html><head><link href="https://fonts.googleapis.com/css?family=Ubuntu" '
        'rel="stylesheet"></head><body>'
        '<a href="https://shop.example/products/tee?size=m&amp;color=red" class="btn">Tee</a>'
        "<a class='x' href='https://instagram.com/shop'>IG</a>"
        '<a href="https://app.example/u/abc:def">Unsubscribe</a>'
        '<a href="https://app.example/p/abc:def">Preferences</a>'
        '<a href="mailto:help@shop.example">Mail</a><a href="tel:+4930123">Call</a>'
        '<a href="#top">Top</a>'
        "</body></html>"
    )

    # when
    tracked = track(html)

    # then
    tee = (
        "https://shop.example/products/tee?size=m&color=red"
        "&utm_source=mautomation&utm_medium=email&utm_campaign=welcome"
    )
    assert tracked == (
        '<html><head><link href="https://fonts.googleapis.com/css?family=Ubuntu" '
        'rel="stylesheet"></head><body>'
        f'<a href="{click(tee)}" class="btn">Tee</a>'
        f"<a class='x' href=\"{click('https://instagram.com/shop')}\">IG</a>"
        '<a href="https://app.example/u/abc:def">Unsubscribe</a>'
        '<a href="https://app.example/p/abc:def">Preferences</a>'
        '<a href="mailto:help@shop.example">Mail</a><a href="tel:+4930123">Call</a>'
        '<a href="#top">Top</a>'
        f'<img src="{APP}/t/o/{tokens.open_token(7)}" width="1" height="1" alt="" '
        'style="display:block;border:0"></body></html>'
    )


def test_utm_parameters_already_in_a_shop_link_are_kept_and_the_fragment_stays_last():
    # given
    html = (
        '<body><a href="https://SHOP.example/sale?utm_source=instagram#shoes">Sale</a>'
        '<a href="https://shop.example">Home</a>'
        '<a href="https://shop.example.evil.test/x">Not the shop</a></body>'
    )

    # when
    tracked = track(html)

    # then
    sale = (
        "https://SHOP.example/sale?utm_source=instagram&utm_medium=email&utm_campaign=welcome#shoes"
    )
    home = "https://shop.example?utm_source=mautomation&utm_medium=email&utm_campaign=welcome"
    assert tracked == (
        f'<body><a href="{click(sale)}">Sale</a><a href="{click(home)}">Home</a>'
        f'<a href="{click("https://shop.example.evil.test/x")}">Not the shop</a>'
        f'<img src="{APP}/t/o/{tokens.open_token(7)}" width="1" height="1" alt="" '
        'style="display:block;border:0"></body>'
    )


def test_without_a_body_end_the_pixel_is_appended_and_tracked_links_are_left_alone():
    # given: a fragment, one link already tracked
    already = click("https://shop.example/x")
    html = f'<p><a href="{already}">x</a></p>'

    # when
    tracked = track(html)

    # then
    assert tracked == (
        f'<p><a href="{already}">x</a></p><img src="{APP}/t/o/{tokens.open_token(7)}" '
        'width="1" height="1" alt="" style="display:block;border:0">'
    )


def test_tokens_are_djangos_signed_objects_and_each_purpose_has_its_salt():
    # when
    open_token = tokens.open_token(42)
    click_token = tokens.click_token(42, "https://shop.example/é?a=1")

    # then
    assert open_token == signing.Signer(salt=tokens.OPEN_SALT).sign_object({"m": 42})
    assert click_token == signing.Signer(salt=tokens.CLICK_SALT).sign_object(
        {"m": 42, "u": "https://shop.example/é?a=1"}
    )
    assert tokens.open_from_token(open_token) == 42
    assert tokens.click_from_token(click_token) == tokens.Click(42, "https://shop.example/é?a=1")
    with pytest.raises(tokens.TrackingTokenInvalid):
        tokens.click_from_token(open_token)
    with pytest.raises(tokens.TrackingTokenInvalid):
        tokens.open_from_token(click_token)


def test_a_click_token_whose_url_was_changed_is_refused():
    # given: the payload of a genuine token re-encoded with another URL, old signature kept
    genuine = tokens.click_token(42, "https://shop.example/")
    _, signature = genuine.rsplit(":", 1)
    forged_payload = tokens._b64(b'{"m":42,"u":"https://evil.test/"}')

    # when / then
    with pytest.raises(tokens.TrackingTokenInvalid):
        tokens.click_from_token(f"{forged_payload}:{signature}")
    with pytest.raises(tokens.TrackingTokenInvalid):
        tokens.click_from_token("not-a-token")


def test_a_signed_url_that_is_not_http_is_refused():
    # given: signed by us, but never something tracked_html would sign
    token = tokens.click_token(42, "javascript:alert(1)")

    # when / then
    with pytest.raises(tokens.TrackingTokenInvalid):
        tokens.click_from_token(token)


@pytest.mark.parametrize(
    ("kind", "user_agent", "seconds", "machine"),
    [
        ("open", IPHONE_SAFARI, 3600, False),
        ("open", GMAIL_IMAGE_PROXY, 3600, False),  # fetched when the person opens it
        ("open", "Mozilla/4.0 (compatible; ms-office; MSOffice 16)", 3600, False),  # Outlook
        ("open", "Mozilla/5.0", 3600, True),  # Apple Mail Privacy Protection
        ("open", "", 3600, True),
        (
            "open",
            "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
            60,
            True,
        ),
        (
            "open",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/42.0.2311.135 Safari/537.36 Edge/12.246 Mozilla/5.0",
            60,
            True,
        ),  # Gmail's prefetch
        ("open", IPHONE_SAFARI, 1.5, True),  # too soon after sending
        ("open", IPHONE_SAFARI, None, False),
        ("click", IPHONE_SAFARI, 3600, False),
        ("click", "Mozilla/5.0 (Linux; Android 10; CUBOT X30) Chrome/120.0 Mobile", 60, False),
        ("click", IPHONE_SAFARI, -3, True),  # faster than our status update
        (
            "click",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            60,
            True,
        ),
        ("click", "Barracuda Sentinel (EE)", 60, True),
        ("click", "Mimecast URL Protect", 60, True),
        ("click", "Proofpoint URL Defense", 60, True),
        ("click", "python-requests/2.32.3", 60, True),
        ("click", "curl/8.5.0", 60, True),
        ("click", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/124.0 Safari/537.36", 60, True),
        ("click", "Microsoft Office Existence Discovery", 60, True),
        (
            "click",
            "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531)",
            60,
            True,
        ),
        ("click", GMAIL_IMAGE_PROXY, 60, True),
    ],
)
def test_machine_opens_and_clicks_are_recognised(kind, user_agent, seconds, machine):
    assert is_machine(kind=kind, user_agent=user_agent, seconds_since_sent=seconds) is machine


def test_a_click_on_a_message_to_an_erased_contact_redirects_and_records_nothing(db):
    # given
    contact = make_contact(make_shop("erased"))
    message = make_message(contact)
    token = tokens.click_token(message.pk, "https://shop.example/")
    contact.delete()

    # when
    url = click_record(token=token, user_agent=IPHONE_SAFARI, now=T + timedelta(hours=1))

    # then
    assert url == "https://shop.example/"
    assert Event.objects.count() == 0
    message.refresh_from_db()
    assert (message.contact_id, message.clicks) == (None, 0)


def test_a_click_of_a_message_that_is_gone_still_redirects(db):
    # given
    token = tokens.click_token(999_999, "https://shop.example/")

    # when
    url = click_record(token=token, user_agent=IPHONE_SAFARI, now=T)

    # then
    assert url == "https://shop.example/"
    assert Event.objects.count() == 0


def test_a_repeated_link_gets_one_token_and_upper_case_tags_are_tracked_too():
    # given
    html = (
        '<body><A HREF="https://shop.example/a">1</A><area shape="rect" href="https://x.example/">'
        '<a href="https://shop.example/a">2</a></body>'
    )

    # when
    tracked = track(html)

    # then
    a = f"{SHOP}/a?utm_source=mautomation&utm_medium=email&utm_campaign=welcome"
    assert tracked == (
        f'<body><A href="{click(a)}">1</A><area shape="rect" href="{click("https://x.example/")}">'
        f'<a href="{click(a)}">2</a>'
        f'<img src="{APP}/t/o/{tokens.open_token(7)}" width="1" height="1" alt="" '
        'style="display:block;border:0"></body>'
    )


def test_the_pixel_goes_before_the_body_end_even_with_a_link_after_it():
    # given: a link after </body> (sloppy HTML), and a capitalised body end
    html = '<body><p>Hi</p></body><a href="https://x.example/">late</a>'
    capitalised = '<BODY><a href="https://x.example/">x</a></BODY >'

    # when
    tracked = track(html)
    tracked_capitalised = track(capitalised)

    # then
    pixel = (
        f'<img src="{APP}/t/o/{tokens.open_token(7)}" width="1" height="1" alt="" '
        'style="display:block;border:0">'
    )
    assert tracked == (
        f'<body><p>Hi</p>{pixel}</body><a href="{click("https://x.example/")}">late</a>'
    )
    assert tracked_capitalised == (
        f'<BODY><a href="{click("https://x.example/")}">x</a>{pixel}</BODY >'
    )


def test_many_recipients_with_links_of_their_own_are_tracked_alike():
    # given: more distinct links than a campaign's link table keeps, in two campaigns
    recipients = range(1, tracking._TARGETS_KEPT + 100)

    def html(n):
        return (
            f'<body><a href="https://shop.example/checkout?token={n}">Resume</a>'
            '<a href="https://shop.example/?a=1&amp;b=2">Shop</a></body>'
        )

    def expected(n, campaign):
        utm = f"utm_source=mautomation&utm_medium=email&utm_campaign={campaign}"
        return (
            f'<body><a href="{click(f"{SHOP}/checkout?token={n}&{utm}", n)}">Resume</a>'
            f'<a href="{click(f"{SHOP}/?a=1&b=2&{utm}", n)}">Shop</a>'
            f'<img src="{APP}/t/o/{tokens.open_token(n)}" width="1" height="1" alt="" '
            'style="display:block;border:0"></body>'
        )

    # when
    outputs = [
        tracked_html(
            html(n),
            message_id=n,
            app_url=f"{APP}/",
            shop_origin=SHOP,
            utm={**UTM, "utm_campaign": campaign},
            skip_prefixes=SKIP,
        )
        for n in recipients
        for campaign in ("welcome", "winback")
    ]

    # then
    assert outputs == [
        expected(n, campaign) for n in recipients for campaign in ("welcome", "winback")
    ]


def test_tokens_are_signed_with_the_secret_key_in_force(settings):
    # given
    before = tokens.click_token(42, "https://shop.example/")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"

    # when
    after = tokens.click_token(42, "https://shop.example/")

    # then
    assert after != before
    assert after == signing.Signer(salt=tokens.CLICK_SALT).sign_object(
        {"m": 42, "u": "https://shop.example/"}
    )
    assert tokens.click_from_token(after) == tokens.Click(42, "https://shop.example/")
    with pytest.raises(tokens.TrackingTokenInvalid):
        tokens.click_from_token(before)  # the old key is no fallback here
