"""End to end to the loopback SMTP server: a coupon mail whose images the app serves, an NPS
survey answered through its mail's tracked link and page (a promoter is then asked for a
review), and a prize draw whose winners' journey mails the winners."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from urllib.parse import urlsplit

from saleor_mautomation.events.models import Event
from saleor_mautomation.events.services import event_record
from saleor_mautomation.flows.send import messages_send
from saleor_mautomation.flows.tasks import runs_wake_task
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.presets import journey_preset_install
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages import codes
from saleor_mautomation.programmes.models import DrawEntry, SurveyAnswer
from saleor_mautomation.programmes.services import draw_create, draw_run, survey_create
from tests.contacts.factories import make_contact
from tests.programmes.conftest import BROWSER, SCANNER, T

HREF = re.compile(r'href="([^"]+)"')
SRC = re.compile(r'<img[^>]+src="([^"]+)"')
FORM = re.compile(r'name="form" value="([^"]+)"')


def html_of(raw: bytes) -> str:
    mime = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(mime, EmailMessage)
    part = mime.get_body(preferencelist=("html",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def subjects(mailbox) -> list[tuple[list[str], str]]:
    return [
        (to, str(email.message_from_bytes(raw, policy=policy.default)["Subject"]))
        for _, to, raw in mailbox.received
    ]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_coupon_mail_shows_the_code_with_images_the_app_serves(client, shop, ada, mailbox):
    # given: a journey sending the coupon template, entered with a voucher code in its context
    journey = Journey.objects.create(
        installation=shop,
        key="coupon-test",
        name="Coupon",
        draft={
            "entry": {"type": "manual"},
            "start": "coupon",
            "nodes": {
                "coupon": {"type": "send_email", "template": "coupon", "next": "end"},
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=T)
    voucher = {"code": "SHOP-7KQ2-M9XD", "description": "-10%"}
    journey_enroll(journey=journey, contact=ada, now=T, context={"voucher": voucher})

    # when
    messages_send()

    # then: the mail shows the code, its QR code and barcode as PNGs, and the printable page
    assert subjects(mailbox) == [(["ada@example.com"], "Ada, your coupon from Linden")]
    html = html_of(mailbox.received[0][2])
    token = codes.coupon_token(installation_id=shop.pk, code="SHOP-7KQ2-M9XD")
    images = [src for src in SRC.findall(html) if "/v/" in src]
    assert [path_of(src) for src in images] == [f"/v/{token}/qr.png", f"/v/{token}/barcode.png"]
    assert "SHOP-7KQ2-M9XD" in html
    qr, barcode = (client.get(path_of(src)) for src in images)
    assert (qr.status_code, qr["Content-Type"], qr.content) == (
        200,
        "image/png",
        codes.qr_png("SHOP-7KQ2-M9XD"),
    )
    assert barcode.content == codes.barcode_png("SHOP-7KQ2-M9XD")
    # the printable page's link is tracked like every link: it redirects to the page
    tracked = [href for href in HREF.findall(html) if "/t/c/" in href]
    targets = [client.get(path_of(href))["Location"] for href in tracked]
    page = [target for target in targets if path_of(target) == f"/v/{token}"]
    assert len(page) == 1
    assert '<p class="code">SHOP-7KQ2-M9XD</p>' in client.get(path_of(page[0])).content.decode()


def test_an_nps_answer_from_the_mail_is_recorded_on_the_pages_post_and_a_promoter_is_asked_for_a_review(  # noqa: E501
    client, shop, ada, mailbox, time_machine
):
    # given: the survey nps and the preset, and Ada's order fulfilled
    survey_create(
        installation_id=shop.pk,
        key="nps",
        name="NPS",
        question="How likely are you to recommend Linden?",
        scale_min=0,
        scale_max=10,
        ask_comment=True,
        now=T,
    )
    journey_preset_install(installation_id=shop.pk, key="nps-survey", now=T)
    with unit_of_work(now=T):
        event_record(
            installation_id=shop.pk,
            contact_id=ada.pk,
            type="order.fulfilled",
            occurred_at=T,
            source="test",
            dedupe_key="order.fulfilled:1",
            properties={"order_id": "T3JkZXI6MQ=="},
        )

    # when: a week later the survey goes out
    week = T + timedelta(days=7)
    time_machine.move_to(week, tick=False)
    runs_wake_task()
    messages_send()

    # then: eleven ratings, each a tracked link
    assert subjects(mailbox) == [(["ada@example.com"], "How likely are you to recommend Linden?")]
    html = html_of(mailbox.received[0][2])
    tracked = [href for href in HREF.findall(html) if "/t/c/" in href]
    targets = {client.head(path_of(href))["Location"]: href for href in tracked}
    ten = next(target for target in targets if target.endswith("/nps?score=10"))

    # when: the gateway follows the link, then Ada clicks it and confirms on the page
    time_machine.move_to(week + timedelta(minutes=5), tick=False)
    client.get(path_of(targets[ten]), HTTP_USER_AGENT=SCANNER)
    client.get(path_of(ten), HTTP_USER_AGENT=SCANNER)
    assert SurveyAnswer.objects.count() == 0
    assert Event.objects.filter(type="survey.answered").count() == 0
    page = client.get(path_of(ten), HTTP_USER_AGENT=BROWSER)
    form = FORM.search(page.content.decode())
    assert form is not None
    client.post(path_of(ten), {"form": form[1], "score": "10", "comment": "Lovely"})
    messages_send()  # the review waits for the frequency cap: one email per 16 hours
    time_machine.move_to(week + timedelta(days=1), tick=False)
    messages_send()

    # then: the answer, its event, and the review request the promoter's answer led to
    assert list(SurveyAnswer.objects.values_list("contact_id", "score", "comment")) == [
        (ada.pk, 10, "Lovely")
    ]
    assert Event.objects.get(type="survey.answered").properties == {
        "survey": "nps",
        "score": 10,
        "has_comment": True,
        "nps_group": "promoter",
    }
    assert subjects(mailbox)[1] == (["ada@example.com"], "How do you like your order?")


def test_the_winners_journey_mails_each_winner_when_the_draw_is_run(shop, mailbox):
    # given: the winners' preset, a draw of 2 prizes, five entrants
    journey_preset_install(installation_id=shop.pk, key="prize-draw-winners", now=T)
    draw = draw_create(
        installation_id=shop.pk,
        key="prize-draw",
        name="Summer draw",
        prize="A linen throw",
        winners=2,
        closes_at=None,
        now=T,
    )
    people = [
        make_contact(shop, email=f"p{n}@example.com", email_consent="granted") for n in range(5)
    ]
    for person in people:
        DrawEntry.objects.create(installation=shop, draw=draw, contact=person, entered_at=T)

    # when
    with unit_of_work(now=T):
        winners = draw_run(draw=draw, seed="linden-2026", now=T)
    messages_send()

    # then: the two winners, and nobody else, got the winner's mail
    emails = {person.pk: person.email for person in people}
    assert sorted(subjects(mailbox)) == sorted(
        ([emails[w.contact_id]], "You won the Linden prize draw!") for w in winners
    )
    assert len(winners) == 2
