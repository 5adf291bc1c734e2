"""A text's links as short links of the app: the exact text Twilio gets (at the loopback
stand-in), the codes written for a chunk in one INSERT, ``GET /s/<code>`` recording the click
as the click redirect does, and codes that lead nowhere: unknown, expired, another shop's."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.events.models import Event
from saleor_mautomation.messages.models import Message, MessageAttempt, ShortLink
from saleor_mautomation.messages.short_links import links_counted, short_code, short_links_purge
from saleor_mautomation.messages.sms import sms_provider_update, sms_segments
from saleor_mautomation.messages.tasks import short_links_purge_task
from tests.contacts.factories import make_shop
from tests.messages.test_sms import (
    APP,
    SID,
    TOKEN,
    T,
    enqueue,
    send,
    shop,  # noqa: F401 (the shop with a Twilio account)
    sms_template,
    texter,
    twilio,  # noqa: F401 (the loopback Twilio fixture)
)

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile"
CODE = re.compile(r"[A-Za-z0-9]{10}")
NEWS = (
    "Hi {{ contact.first_name }}: https://shop.example/new Sale "
    "https://shop.example/sale?utm_source=sms Again https://shop.example/new. STOP to end"
)


def sent_links(message: Message) -> list[ShortLink]:
    return list(ShortLink.objects.filter(message=message).order_by("pk"))


def test_a_texts_links_go_out_as_short_links_of_the_app(shop, twilio):  # noqa: F811
    # given
    ada = texter(shop)
    message = enqueue(ada, sms_template(shop, text=NEWS), "news:ada")

    # when
    assert send(twilio) == {"sent": 1}

    # then: one code per distinct link, the same code where a link comes twice
    new, sale = sent_links(message)
    assert (new.target, sale.target) == (
        "https://shop.example/new",
        "https://shop.example/sale?utm_source=sms",
    )
    assert CODE.fullmatch(new.code)
    assert CODE.fullmatch(sale.code)
    assert new.code != sale.code
    assert (new.installation_id, new.message_id, new.created_at) == (shop.pk, message.pk, T)
    (request,) = twilio.created
    assert request["form"]["Body"] == (
        f"Hi Ada: {APP}/s/{new.code} Sale {APP}/s/{sale.code} Again {APP}/s/{new.code}. STOP to end"
    )
    # 148 characters: one segment (a click redirect's link to the first is 130 alone)
    assert len(request["form"]["Body"]) == 148
    assert MessageAttempt.objects.get(message=message).detail == "1 segment(s), GSM-7"


def test_a_chunks_codes_are_written_in_one_insert(shop, twilio):  # noqa: F811
    # given: three texts sent as one chunk
    template = sms_template(shop, text=NEWS)
    messages = [
        enqueue(texter(shop, phone=f"+49151000000{n}"), template, f"news:{n}") for n in range(3)
    ]

    # when
    with CaptureQueriesContext(connection) as queries:
        assert send(twilio, chunk=3) == {"sent": 3}

    # then
    inserts = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "mautomation_shortlink"')
    ]
    assert len(inserts) == 1
    assert [len(sent_links(message)) for message in messages] == [2, 2, 2]
    assert len(set(ShortLink.objects.values_list("code", flat=True))) == 6


def test_following_a_short_link_records_the_click_and_redirects(shop, twilio, client, time_machine):  # noqa: F811
    # given: the text went out an hour ago
    ada = texter(shop)
    message = enqueue(ada, sms_template(shop, text=NEWS), "news:ada")
    send(twilio)
    new, _sale = sent_links(message)
    later = T + timedelta(hours=1)

    # when
    time_machine.move_to(later, tick=False)
    response = client.get(f"/s/{new.code}", headers={"User-Agent": BROWSER})

    # then
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example/new"
    assert response["Cache-Control"] == "no-store"
    (event,) = Event.objects.filter(type="sms.clicked")
    assert (event.contact_id, event.installation_id, event.occurred_at) == (ada.pk, shop.pk, later)
    assert event.properties == {
        "message_id": message.pk,
        "machine": False,
        "url": "https://shop.example/new",
    }
    message.refresh_from_db()
    assert (message.clicks, message.clicked_at) == (1, later)
    ada.refresh_from_db()
    assert ada.preferred_channel == "sms"


def test_a_scanners_click_is_flagged_and_a_head_request_records_nothing(
    shop,  # noqa: F811
    twilio,  # noqa: F811
    client,
    time_machine,
):
    # given
    message = enqueue(texter(shop), sms_template(shop, text=NEWS), "news:ada")
    send(twilio)
    new, _sale = sent_links(message)

    # when
    time_machine.move_to(T + timedelta(hours=1), tick=False)
    head = client.head(f"/s/{new.code}", headers={"User-Agent": BROWSER})
    scanner = client.get(f"/s/{new.code}", headers={"User-Agent": "python-requests/2.32"})

    # then: both reach the shop; only the GET is an event, flagged, and counts nothing
    assert (head.status_code, head["Location"]) == (302, "https://shop.example/new")
    assert (scanner.status_code, scanner["Location"]) == (302, "https://shop.example/new")
    (event,) = Event.objects.filter(type="sms.clicked")
    assert event.properties["machine"] is True
    message.refresh_from_db()
    assert (message.clicks, message.clicked_at) == (0, None)


def test_an_unknown_or_malformed_code_answers_a_404_page(shop, client):  # noqa: F811
    # when
    unknown = client.get(f"/s/{short_code()}", headers={"User-Agent": BROWSER})
    malformed = client.get("/s/abc'<b>", headers={"User-Agent": BROWSER})

    # then
    for response in (unknown, malformed):
        assert response.status_code == 404
        page = response.content.decode()
        assert '<h1 style="font-size:1.4rem">This link is not valid</h1>' in page
        assert "Please open it again from the text message." in page
        assert "Location" not in response
    assert not Event.objects.exists()


def test_an_expired_code_answers_a_404_page_saying_so(shop, twilio, client, settings, time_machine):  # noqa: F811
    # given: links live 30 days here
    settings.SMS_SHORT_LINK_DAYS = 30
    message = enqueue(texter(shop), sms_template(shop, text=NEWS), "news:ada")
    send(twilio)
    new, _sale = sent_links(message)

    # when: followed on its last moment, then just after
    answers = []
    for moment in (T + timedelta(days=30), T + timedelta(days=30, seconds=1)):
        time_machine.move_to(moment, tick=False)
        answers.append(client.get(f"/s/{new.code}", headers={"User-Agent": BROWSER}))

    # then
    assert answers[0].status_code == 302
    assert answers[1].status_code == 404
    page = answers[1].content.decode()
    assert "<title>This link has expired</title>" in page
    assert "Links in our text messages work for 30 days after they were sent." in page
    assert Event.objects.filter(type="sms.clicked").count() == 1


def test_another_shops_code_never_resolves_to_this_shops_message(
    shop,  # noqa: F811
    twilio,  # noqa: F811
    client,
    time_machine,
):
    # given: both shops texted the same link
    other = make_shop("othershop")
    sms_provider_update(
        installation_id=other.pk, account_sid=SID, auth_token=TOKEN, from_number="+15005550007"
    )
    mine = enqueue(texter(shop), sms_template(shop, text=NEWS), "news:mine")
    theirs = enqueue(
        texter(other, phone="+4915100000077"), sms_template(other, text=NEWS), "news:theirs"
    )
    send(twilio)
    their_new, _ = sent_links(theirs)
    # a row naming this shop's message under the other shop (never written by the app)
    forged = ShortLink.objects.create(
        installation=other,
        message=mine,
        code="Forged0001",
        target="https://evil.example/",
        created_at=T,
    )

    # when
    time_machine.move_to(T + timedelta(hours=1), tick=False)
    followed = client.get(f"/s/{their_new.code}", headers={"User-Agent": BROWSER})
    refused = client.get(f"/s/{forged.code}", headers={"User-Agent": BROWSER})

    # then: their code is their click; the forged one leads nowhere and records nothing
    assert followed.status_code == 302
    assert refused.status_code == 404
    (event,) = Event.objects.filter(type="sms.clicked")
    assert (event.installation_id, event.properties["message_id"]) == (other.pk, theirs.pk)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.clicks, theirs.clicks) == (0, 1)
    assert {link.code for link in sent_links(mine)}.isdisjoint({their_new.code})


def test_segments_are_counted_with_each_link_as_long_as_its_short_link():
    # given
    text = "Hi Ada, new in: https://shop.example/new?utm_source=sms&utm_campaign=autumn-sale-2026"

    # when
    counted = links_counted(text, app_url=APP)

    # then
    assert counted == f"Hi Ada, new in: {APP}/s/0000000000"
    assert sms_segments(counted).units == 16 + len(APP) + 13


def test_the_nightly_purge_deletes_the_codes_past_their_days_only(shop, settings, time_machine):  # noqa: F811
    # given: codes written 91, 90 and 1 day(s) before the night, links living 90 days
    settings.SMS_SHORT_LINK_DAYS = 90
    night = T + timedelta(days=200)
    message = enqueue(texter(shop), sms_template(shop, text=NEWS), "news:ada")
    written = {
        days: ShortLink.objects.create(
            installation=shop,
            message=message,
            code=short_code(),
            target=f"https://shop.example/{days}",
            created_at=night - timedelta(days=days),
        )
        for days in (91, 90, 1)
    }
    entry = settings.CELERY_BEAT_SCHEDULE["short-links-purge"]
    time_machine.move_to(night, tick=False)

    # when
    deleted = short_links_purge_task()
    again = short_links_purge(now=night, max_age=timedelta(days=90), batch=1)

    # then: the code exactly 90 days old still leads somewhere, as the redirect has it
    assert entry["task"] == short_links_purge_task.name
    assert (deleted, again) == (1, 0)
    assert set(ShortLink.objects.values_list("code", flat=True)) == {
        written[90].code,
        written[1].code,
    }
