"""The demo's mail catcher and mail page: the app's outbox sends over real SMTP to the catcher
(aiosmtpd on a free loopback port), and the page shows what arrived."""

from __future__ import annotations

import email
import re
import smtplib
import sqlite3
from datetime import UTC, datetime
from email import policy

import pytest
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import escape

from saleor_mautomation.demo import config
from saleor_mautomation.demo.mail import MailStore, start_catcher
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.messages.conftest import free_port

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin: not quiet
APP = "http://localhost:8080"
RECEIVED = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
HTML_CSP = (
    "default-src 'none'; img-src http: https: data: cid:; style-src 'unsafe-inline' http: https:;"
    " font-src http: https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self';"
    " sandbox allow-popups allow-popups-to-escape-sandbox"
)


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.DEMO_DIR = tmp_path / "demo"
    return tmp_path / "demo" / "mail"


@pytest.fixture
def catcher(demo, settings):
    """The catcher on a free port, the app's email pointed at it as the demo does."""
    port = free_port()
    stop = start_catcher(host="127.0.0.1", port=port, directory=demo, keep=3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield MailStore(demo)
    stop()


@pytest.fixture
def browser(client, demo):
    """A client signed in to the demo."""
    signed_in = client.post("/demo/sign-in", {"password": config.sign_in_password()})
    assert signed_in.status_code == 302
    return client


def send(to: str, subject: str, *, html: str = "<p>Hi</p>") -> None:
    """One message through Django's SMTP backend."""
    mail = EmailMultiAlternatives(subject, "Hi", "Shop <shop@demo.example>", [to])
    mail.attach_alternative(html, "text/html")
    with get_connection() as connection:
        connection.send_messages([mail])


def ids(store: MailStore, **query) -> list[int]:
    return [mail.id for mail in store.page(**query).mails]


def test_the_outbox_sends_to_the_catcher_and_the_page_shows_the_mail(db, catcher, browser):
    # given a shop's welcome mail, queued by a broadcast run of a journey
    shop = make_shop("linden")
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    ada = make_contact(
        shop,
        email="ada@example.com",
        first_name="Ada",
        email_consent="granted",
        time_zone="Europe/Berlin",
    )
    template = Template.objects.get(installation=shop, key="welcome-1")
    message = message_enqueue(contact=ada, template=template, dedupe_key="w1:ada", now=T)
    assert message is not None
    journey = Journey.objects.create(installation=shop, key="spring", name="Spring sale")
    Message.objects.filter(pk=message.pk).update(journey=journey, broadcast=True)

    # when the app's sender hands it over, over SMTP
    counts = messages_send_due(now=T, app_url=APP, default_from="Linden <shop@linden.example>")

    # then the catcher kept it as sent
    assert counts == {"sent": 1}
    message.refresh_from_db()
    (caught,) = catcher.page().mails
    assert (caught.envelope_from, caught.recipients) == ("shop@linden.example", ["ada@example.com"])
    assert (caught.sender, caught.subject) == ("Linden <shop@linden.example>", message.subject)
    assert caught.message_id == message.message_id
    kept = email.message_from_bytes(catcher.path(caught.id).read_bytes(), policy=policy.default)
    assert kept["Message-ID"] == message.message_id
    assert sorted(path.name for path in demo_files(catcher)) == [f"{caught.id}.eml"]

    # and the page lists it with its subject, recipient and journey
    page = browser.get("/demo/mail/")
    assert page.status_code == 200
    row = re.search(r"<tbody>(.*?)</tbody>", page.content.decode(), re.S)
    assert row is not None
    cells = [c.strip() for c in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)]
    assert cells[1:] == [
        "Linden &lt;shop@linden.example&gt;",
        "ada@example.com",
        f'<a href="/demo/mail/{caught.id}/">{message.subject}</a>',
        'Spring sale <span class="tag">broadcast</span>',
    ]
    # and its page: the headers, the sandboxed HTML, the text part, the source
    detail = browser.get(f"/demo/mail/{caught.id}/").content.decode()
    assert f"<h1>{message.subject}</h1>" in detail
    iframe = re.search(r"<iframe ([^>]*)>", detail)
    assert iframe is not None
    assert iframe.group(1).split() == [
        f'src="/demo/mail/{caught.id}/html"',
        'title="The',
        "message's",
        "HTML",
        'part"',
        'sandbox="allow-popups',
        'allow-popups-to-escape-sandbox"',
        'referrerpolicy="no-referrer"',
    ]
    assert '<tr><th scope="row">To</th><td>ada@example.com</td></tr>' in detail
    plain = kept.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content().replace("\r\n", "\n")
    assert f"<pre>{escape(text)}</pre>" in detail
    raw = browser.get(f"/demo/mail/{caught.id}/raw")
    assert raw.content == catcher.path(caught.id).read_bytes()


def demo_files(store: MailStore):
    """The files besides the index (SQLite's own among them)."""
    return [p for p in store.directory.iterdir() if not p.name.startswith("index.sqlite3")]


def test_the_html_part_is_served_sandboxed_with_links_opening_a_tab(db, catcher, browser):
    # given
    send(
        "bo@example.com",
        "Links",
        html="<html><head><title>x</title></head><body>"
        '<a href="http://localhost:8080/t/c/abc">Shop</a><script>alert(1)</script></body></html>',
    )
    (caught,) = catcher.page().mails

    # when
    response = browser.get(f"/demo/mail/{caught.id}/html")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == HTML_CSP
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.content.decode() == (
        '<html><head><base target="_blank"><title>x</title></head><body>'
        '<a href="http://localhost:8080/t/c/abc">Shop</a><script>alert(1)</script></body></html>'
    )
    # the other pages stay unframable
    assert browser.get(f"/demo/mail/{caught.id}/")["X-Frame-Options"] == "DENY"
    raw = browser.get(f"/demo/mail/{caught.id}/raw")
    assert (raw["Content-Type"], raw["Content-Security-Policy"]) == (
        "text/plain; charset=utf-8",
        "default-src 'none'; frame-ancestors 'none'; sandbox",
    )


def test_a_text_only_message_has_no_html_view(db, catcher, browser):
    with smtplib.SMTP("127.0.0.1", catcher_port()) as smtp:
        smtp.sendmail("a@demo.example", ["cy@example.com"], b"Subject: Plain\r\n\r\nJust text.\r\n")
    (caught,) = catcher.page().mails

    detail = browser.get(f"/demo/mail/{caught.id}/").content.decode()

    assert "<iframe" not in detail
    assert "This message has no HTML part." in detail
    assert "<pre>Just text.\n</pre>" in detail
    assert browser.get(f"/demo/mail/{caught.id}/html").status_code == 404


def catcher_port() -> int:
    return int(settings.EMAIL_PORT)


def test_the_catcher_keeps_the_newest_messages_only(db, catcher, browser):
    # given a catcher that keeps 3
    for n in range(1, 6):
        send(f"p{n}@example.com", f"Number {n}")

    # when
    page = catcher.page()

    # then the two oldest are gone, files and rows
    assert [mail.subject for mail in page.mails] == ["Number 5", "Number 4", "Number 3"]
    assert page.total == 3
    kept = [mail.id for mail in page.mails]
    assert sorted(path.name for path in demo_files(catcher)) == sorted(f"{i}.eml" for i in kept)
    oldest = min(kept)
    assert browser.get(f"/demo/mail/{oldest - 1}/").status_code == 404
    assert browser.get(f"/demo/mail/{oldest - 1}/raw").status_code == 404
    # ids are never reused: the next message gets a new one
    send("p6@example.com", "Number 6")
    assert ids(catcher) == [max(kept) + 1, *kept[:2]]


def test_pages_newest_first_and_search_by_recipient(db, demo, browser):
    # given 120 messages, every third to someone at linden.example
    store = MailStore(demo)
    for n in range(1, 121):
        domain = "linden.example" if n % 3 == 0 else "example.com"
        raw = f"From: shop@demo.example\r\nSubject: Message {n}\r\n\r\nText\r\n".encode()
        store.add(
            envelope_from="shop@demo.example",
            recipients=[f"P{n}@{domain}"],
            content=raw,
            received_at=RECEIVED,
            keep=2000,
        )

    # when / then: 50 a page, newest first
    assert ids(store) == list(range(120, 70, -1))
    assert ids(store, number=3) == list(range(20, 0, -1))
    first = browser.get("/demo/mail/").content.decode()
    assert "120 messages, newest first; page 1 of 3." in first
    assert subjects(first) == [f"Message {n}" for n in range(120, 70, -1)]
    assert '<a href="?page=2" rel="next">Older</a>' in first
    assert "Newer" not in first
    last = browser.get("/demo/mail/?page=3").content.decode()
    assert subjects(last) == [f"Message {n}" for n in range(20, 0, -1)]
    assert '<a href="?page=2" rel="prev">Newer</a>' in last
    assert "Older" not in last
    # search: part of an address, any case, kept across pages
    found = browser.get("/demo/mail/?to=LINDEN.example").content.decode()
    assert "40 messages to addresses containing" in found
    assert subjects(found) == [f"Message {n}" for n in range(120, 0, -3)][:40]
    assert ids(store, recipient="p3@") == [3]
    assert ids(store, recipient="p3%") == []  # a wildcard is a character like any other
    assert ids(store, recipient="_") == []
    assert "No mail to such an address." in browser.get("/demo/mail/?to=nobody").content.decode()
    # a page past the end shows the last one
    past = browser.get("/demo/mail/?page=9").content.decode()
    assert "page 3 of 3." in past
    assert subjects(past) == subjects(last)


def subjects(html: str) -> list[str]:
    return re.findall(r'<a href="/demo/mail/\d+/">([^<]*)</a>', html)


def test_a_message_the_catcher_cannot_keep_is_refused_for_a_retry(db, catcher):
    # given an index that cannot be written
    send("ok@example.com", "Kept")
    with sqlite3.connect(catcher.directory / "index.sqlite3") as connection:
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON mail BEGIN SELECT RAISE(ABORT, 'full'); END"
        )

    # when / then: a 4xx, so the app's sender retries later; nothing half-kept
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send("late@example.com", "Not kept")
    assert refused.value.smtp_code == 451
    assert [mail.subject for mail in catcher.page().mails] == ["Kept"]
    assert len(demo_files(catcher)) == 1


def test_the_catcher_keeps_demo_mail_keep_messages_by_default(db, demo, settings):
    # given
    settings.DEMO_MAIL_KEEP = 2
    port = free_port()
    stop = start_catcher(host="127.0.0.1", port=port, directory=demo)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port

    # when
    try:
        for n in range(1, 4):
            send(f"p{n}@example.com", f"Number {n}")
    finally:
        stop()

    # then
    assert [mail.subject for mail in MailStore(demo).page().mails] == ["Number 3", "Number 2"]


def test_without_demo_mode_the_mail_pages_do_not_exist(db, catcher, browser, settings):
    # given a caught message and a signed-in browser
    send("ada@example.com", "Hello")
    (caught,) = catcher.page().mails
    assert browser.get("/demo/mail/").status_code == 200

    # when
    settings.DEMO_MODE = False

    # then
    for path in [
        "/demo/sign-in",
        "/demo/sign-in?token=x",
        "/demo/mail/",
        "/demo/mail/?to=ada",
        f"/demo/mail/{caught.id}/",
        f"/demo/mail/{caught.id}/html",
        f"/demo/mail/{caught.id}/raw",
    ]:
        assert browser.get(path).status_code == 404, path
    assert browser.post("/demo/sign-in", {"password": config.sign_in_password()}).status_code == 404
