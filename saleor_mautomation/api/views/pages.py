"""Pages a contact reaches from an email: unsubscribe (``/u/<token>``, with RFC 8058 one-click),
the double opt-in confirmation and the preference centre (``/p/<token>``), where the person
can also have their data erased (after a confirmation step).

A GET never changes anything: link scanners and mail security gateways fetch every link of
a message, so unsubscribing and confirming take a POST (a button on the page; for one-click,
the mailbox provider's ``List-Unsubscribe=One-Click`` POST).

CSRF: the views are ``csrf_exempt``. The one-click POST comes from the mailbox provider with
no cookie and no form token, and it must work; the pages' own forms are protected by the
signed, unguessable token in the URL they post to (a cross-site forgery would need that
token, and whoever holds it can already use the link). Pages are never framed
(``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``), cached or indexed.

Rendered in Python (``format_html``, which escapes every value) in English or German, per
the contact's language; the package ships no HTML templates.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from saleor_mautomation.contacts.consent import (
    Evidence,
    Purpose,
    TokenInvalid,
    consent_token,
    contact_from_token,
    preferences_update,
    subscription_confirm,
)
from saleor_mautomation.contacts.models import Contact, EmailConsent, ErasureRequest
from saleor_mautomation.core import clock
from saleor_mautomation.flows.erasure import erasure_now
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.messages.context import shop_of
from saleor_mautomation.messages.funnel import MESSAGE_PARAMETER
from saleor_mautomation.messages.tracking import unsubscribe_record
from saleor_mautomation.saleor.models import Installation

# The topics of the preference centre (keys of ``Contact.preferences``). A topic the contact
# never chose is shown ticked: until they untick it, they hear about everything.
TOPICS = ("newsletter", "offers", "product_news")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "unsubscribe.title": "Unsubscribe",
        "unsubscribe.text": "Stop marketing emails from {shop} to {email}?",
        "unsubscribe.button": "Unsubscribe",
        "unsubscribed.title": "You are unsubscribed",
        "unsubscribed.text": "{shop} will not send marketing emails to {email} any more. "
        "Emails about your orders and your account still arrive.",
        "preferences.link": "Manage your email preferences",
        "confirm.title": "Confirm your subscription",
        "confirm.text": "Please confirm that {shop} may send emails to {email}.",
        "confirm.button": "Confirm subscription",
        "confirmed.title": "Your subscription is confirmed",
        "confirmed.text": "Thank you! {shop} will send its emails to {email}.",
        "preferences.title": "Email preferences",
        "state.granted": "You receive marketing emails from {shop} at {email}.",
        "state.pending": "Your subscription for {email} is not confirmed yet.",
        "state.withdrawn": "You are unsubscribed: {shop} sends no marketing emails to {email}. "
        "To subscribe again, sign up in the shop.",
        "state.unknown": "You have not subscribed to emails from {shop} at {email}.",
        "topics.legend": "What would you like to hear about?",
        "topic.newsletter": "Newsletter",
        "topic.offers": "Offers and discounts",
        "topic.product_news": "Product news",
        "unsubscribe_all": "Unsubscribe from all marketing emails",
        "save": "Save preferences",
        "saved": "Your preferences are saved.",
        "invalid.title": "This link is not valid",
        "invalid.text": "The link may have been copied incompletely. "
        "Please open it again from the email.",
        "expired.title": "This link has expired",
        "expired.text": "Confirmation links are valid for 7 days. "
        "Please sign up again to receive a new one.",
        "back": "Back to the shop",
        "erase.heading": "Your data",
        "erase.intro": "You can have {shop} erase everything this email service holds about "
        "you: your address, profile, history and the emails sent to you.",
        "erase.button": "Erase my data",
        "erase.title": "Erase your data?",
        "erase.text": "{shop} will erase your data held for its emails, at once and for good. "
        "You will receive no more marketing from {shop} at {email}. Orders stay with the shop "
        "without your name, as the law on accounting requires.",
        "erase.confirm": "Yes, erase my data",
        "erase.cancel": "No, keep my preferences",
        "erased.title": "Your data is erased",
        "erased.text": "{shop} no longer holds your data for its emails. If you sign up again "
        "later, you start afresh.",
    },
    "de": {
        "unsubscribe.title": "Abmelden",
        "unsubscribe.text": "Keine Marketing-E-Mails von {shop} mehr an {email} senden?",
        "unsubscribe.button": "Abmelden",
        "unsubscribed.title": "Sie sind abgemeldet",
        "unsubscribed.text": "{shop} sendet keine Marketing-E-Mails mehr an {email}. "
        "E-Mails zu Ihren Bestellungen und Ihrem Konto erhalten Sie weiterhin.",
        "preferences.link": "E-Mail-Einstellungen verwalten",
        "confirm.title": "Anmeldung bestätigen",
        "confirm.text": "Bitte bestätigen Sie, dass {shop} E-Mails an {email} senden darf.",
        "confirm.button": "Anmeldung bestätigen",
        "confirmed.title": "Ihre Anmeldung ist bestätigt",
        "confirmed.text": "Vielen Dank! {shop} sendet seine E-Mails an {email}.",
        "preferences.title": "E-Mail-Einstellungen",
        "state.granted": "Sie erhalten Marketing-E-Mails von {shop} an {email}.",
        "state.pending": "Ihre Anmeldung für {email} ist noch nicht bestätigt.",
        "state.withdrawn": "Sie sind abgemeldet: {shop} sendet keine Marketing-E-Mails an "
        "{email}. Um sich wieder anzumelden, melden Sie sich im Shop an.",
        "state.unknown": "Sie haben keine E-Mails von {shop} an {email} abonniert.",
        "topics.legend": "Worüber möchten Sie informiert werden?",
        "topic.newsletter": "Newsletter",
        "topic.offers": "Angebote und Rabatte",
        "topic.product_news": "Produktneuheiten",
        "unsubscribe_all": "Von allen Marketing-E-Mails abmelden",
        "save": "Einstellungen speichern",
        "saved": "Ihre Einstellungen sind gespeichert.",
        "invalid.title": "Dieser Link ist ungültig",
        "invalid.text": "Der Link wurde vielleicht unvollständig kopiert. "
        "Bitte öffnen Sie ihn erneut aus der E-Mail.",
        "expired.title": "Dieser Link ist abgelaufen",
        "expired.text": "Bestätigungslinks sind 7 Tage gültig. "
        "Bitte melden Sie sich erneut an, um einen neuen zu erhalten.",
        "back": "Zurück zum Shop",
        "erase.heading": "Ihre Daten",
        "erase.intro": "Sie können {shop} alles löschen lassen, was dieser E-Mail-Dienst über Sie "
        "gespeichert hat: Ihre Adresse, Ihr Profil, Ihren Verlauf und die an Sie gesendeten "
        "E-Mails.",
        "erase.button": "Meine Daten löschen",
        "erase.title": "Ihre Daten löschen?",
        "erase.text": "{shop} löscht Ihre für seine E-Mails gespeicherten Daten sofort und "
        "endgültig. Sie erhalten keine Werbung mehr von {shop} an {email}. Bestellungen "
        "bleiben ohne Ihren Namen beim Shop, wie es das Buchhaltungsrecht verlangt.",
        "erase.confirm": "Ja, meine Daten löschen",
        "erase.cancel": "Nein, Einstellungen behalten",
        "erased.title": "Ihre Daten sind gelöscht",
        "erased.text": "{shop} hat keine Daten mehr von Ihnen für seine E-Mails. Wenn Sie sich "
        "später wieder anmelden, beginnen Sie neu.",
    },
}

_CSS = mark_safe(  # a constant
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;"
    "background:#f6f6f6;margin:0}main{max-width:32rem;margin:3rem auto;padding:2rem;"
    "background:#fff;border-radius:8px}.shop{color:#666;margin:0 0 1rem}"
    "h1{font-size:1.4rem;margin:0 0 1rem}button{font:inherit;padding:.6rem 1.2rem;"
    "border:0;border-radius:6px;background:#222;color:#fff;cursor:pointer}"
    "fieldset{border:0;padding:0;margin:1rem 0}label{display:block;margin:.4rem 0}"
    ".notice{background:#eef7ee;padding:.6rem;border-radius:6px}a{color:#222}"
)
# The erasure's two steps: the preference centre's button asks, the next page's confirms.
_ERASE_ASK = mark_safe('<input type="hidden" name="erase" value="ask">')  # a constant
_ERASE_CONFIRM = mark_safe('<input type="hidden" name="erase" value="confirm">')  # a constant
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


class _Copy:
    """The texts of one page: in the contact's language, with the shop and the address."""

    def __init__(self, *, language: str, shop: dict[str, str], email: str) -> None:
        self.language = language
        self.shop = shop
        self.email = email

    @classmethod
    def of(cls, contact: Contact) -> _Copy:
        installation = Installation.objects.get(pk=contact.installation_id)
        language = "de" if contact.language_code.lower().startswith("de") else "en"
        return cls(language=language, shop=shop_of(installation), email=contact.email or "")

    def __call__(self, key: str) -> SafeString:
        return format_html(TEXTS[self.language][key], shop=self.shop["name"], email=self.email)


def _page(copy: _Copy, title_key: str, body: SafeString, *, status: int = 200) -> HttpResponse:
    shop = copy.shop["name"]
    title = copy(title_key)
    html = format_html(
        '<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex"><title>{full_title}</title>'
        "<style>{css}</style></head><body><main>{header}<h1>{title}</h1>{body}"
        "</main></body></html>",
        lang=copy.language,
        full_title=format_html("{} | {}", title, shop) if shop else title,
        css=_CSS,
        header=format_html('<p class="shop"><a href="{}">{}</a></p>', copy.shop["url"], shop)
        if shop
        else "",
        title=title,
        body=body,
    )
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Frame-Options"] = "DENY"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Security-Policy"] = _CSP
    return response


def _form(button: SafeString, fields: SafeString | str = "") -> SafeString:
    """A form posting to the page's own URL (which carries the token)."""
    return format_html(
        '<form method="post">{}<button type="submit">{}</button></form>', fields, button
    )


def _link(href: str, text: SafeString) -> SafeString:
    return format_html('<p><a href="{}">{}</a></p>', href, text)


def _preferences_url(contact: Contact) -> str:
    return reverse("preferences", args=[consent_token(contact, Purpose.PREFERENCES)])


def _evidence(request: HttpRequest, source: str) -> Evidence:
    return Evidence(source=source, ip_address=request.META.get("REMOTE_ADDR") or None)


def _invalid(request: HttpRequest, error: TokenInvalid) -> HttpResponse:
    """No contact behind the link: the browser's language, no shop."""
    wanted = request.headers.get("Accept-Language", "").strip().lower()
    copy = _Copy(
        language="de" if wanted.startswith("de") else "en",
        shop={"name": "", "url": ""},
        email="",
    )
    kind = "expired" if error.code == "consent_token_expired" else "invalid"
    body = format_html("<p>{}</p>", copy(f"{kind}.text"))
    return _page(copy, f"{kind}.title", body, status=400)


# -- unsubscribe ---------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with an Unsubscribe button. POST: unsubscribed at once, whether the RFC
    8058 one-click POST of the mailbox provider or the page's button."""
    try:
        contact = contact_from_token(token, Purpose.PREFERENCES)
    except TokenInvalid as exc:
        return _invalid(request, exc)
    copy = _Copy.of(contact)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        now = clock.now()
        with unit_of_work(now=now):
            contact = unsubscribe_record(
                contact=contact,
                evidence=_evidence(request, "one-click" if one_click else "unsubscribe-page"),
                now=now,
                message_token=request.GET.get(MESSAGE_PARAMETER, ""),
            )
    if contact.email_consent == EmailConsent.WITHDRAWN:
        body = format_html(
            "<p>{}</p>{}",
            copy("unsubscribed.text"),
            _link(_preferences_url(contact), copy("preferences.link")),
        )
        return _page(copy, "unsubscribed.title", body)
    body = format_html(
        "<p>{}</p>{}{}",
        copy("unsubscribe.text"),
        _form(copy("unsubscribe.button")),
        _link(_preferences_url(contact), copy("preferences.link")),
    )
    return _page(copy, "unsubscribe.title", body)


# -- confirmation and preference centre ----------------------------------------------------------


def _contact_of(token: str) -> tuple[Contact, Purpose]:
    """The contact of a preference or a confirmation token (different salts: at most one
    verifies). An expired confirmation says so; anything else is "not valid"."""
    try:
        return contact_from_token(token, Purpose.PREFERENCES), Purpose.PREFERENCES
    except TokenInvalid as not_preferences:
        try:
            return contact_from_token(token, Purpose.CONFIRM), Purpose.CONFIRM
        except TokenInvalid as not_confirm:
            expired = not_confirm.code == "consent_token_expired"
            raise (not_confirm if expired else not_preferences) from None


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation token: the double opt-in page. A preference token: the preference
    centre."""
    try:
        contact, purpose = _contact_of(token)
    except TokenInvalid as exc:
        return _invalid(request, exc)
    if purpose is Purpose.CONFIRM:
        return _confirmation(request, token, contact)
    return _preference_centre(request, contact)


def _confirmation(request: HttpRequest, token: str, contact: Contact) -> HttpResponse:
    copy = _Copy.of(contact)
    if request.method == "POST":
        now = clock.now()
        try:
            with transaction.atomic(), unit_of_work(now=now):
                contact = subscription_confirm(
                    token=token, evidence=_evidence(request, "confirm-page"), now=now
                )
        except TokenInvalid as exc:  # expired between the page and the button
            return _invalid(request, exc)
    if contact.email_consent == EmailConsent.GRANTED:
        body = format_html(
            "<p>{}</p>{}",
            copy("confirmed.text"),
            _link(_preferences_url(contact), copy("preferences.link")),
        )
        return _page(copy, "confirmed.title", body)
    return _page(
        copy,
        "confirm.title",
        format_html("<p>{}</p>{}", copy("confirm.text"), _form(copy("confirm.button"))),
    )


def _erasure(request: HttpRequest, contact: Contact, copy: _Copy) -> HttpResponse:
    """The person asks for their erasure: a page to confirm it (the preference centre's
    button), then the erasure at once (that page's button)."""
    if request.POST.get("erase") != "confirm":
        body = format_html(
            "<p>{}</p>{}{}",
            copy("erase.text"),
            _form(copy("erase.confirm"), _ERASE_CONFIRM),
            _link(_preferences_url(contact), copy("erase.cancel")),
        )
        return _page(copy, "erase.title", body)
    erasure_now(
        installation_id=contact.installation_id,
        contact_id=contact.pk,
        source=ErasureRequest.Source.SELF_SERVICE,
        now=clock.now(),
    )
    return _page(copy, "erased.title", format_html("<p>{}</p>", copy("erased.text")))


def _preference_centre(request: HttpRequest, contact: Contact) -> HttpResponse:
    copy = _Copy.of(contact)
    saved = False
    if request.method == "POST" and request.POST.get("erase"):
        return _erasure(request, contact, copy)
    if request.method == "POST":
        chosen = set(request.POST.getlist("topics"))
        now = clock.now()
        with transaction.atomic(), unit_of_work(now=now):
            contact = preferences_update(
                contact=contact,
                topics={topic: topic in chosen for topic in TOPICS},
                evidence=_evidence(request, "preference-centre"),
                now=now,
            )
            if request.POST.get("unsubscribe_all"):
                contact = unsubscribe_record(
                    contact=contact, evidence=_evidence(request, "preference-centre"), now=now
                )
        saved = True
    topics = format_html_join(
        "",
        '<label><input type="checkbox" name="topics" value="{}"{}> {}</label>',
        (
            (
                topic,
                mark_safe(" checked") if contact.preferences.get(topic, True) else "",
                copy(f"topic.{topic}"),
            )
            for topic in TOPICS
        ),
    )
    withdrawn = contact.email_consent == EmailConsent.WITHDRAWN
    fields = format_html(
        "<fieldset><legend>{}</legend>{}</fieldset>{}",
        copy("topics.legend"),
        topics,
        ""
        if withdrawn
        else format_html(
            '<p><label><input type="checkbox" name="unsubscribe_all" value="1"> {}</label></p>',
            copy("unsubscribe_all"),
        ),
    )
    erase = format_html(
        "<h2>{}</h2><p>{}</p>{}",
        copy("erase.heading"),
        copy("erase.intro"),
        _form(copy("erase.button"), _ERASE_ASK),
    )
    body = format_html(
        "{}<p>{}</p>{}{}",
        format_html('<p class="notice">{}</p>', copy("saved")) if saved else "",
        copy(f"state.{contact.email_consent}"),
        _form(copy("save"), fields),
        erase,
    )
    return _page(copy, "preferences.title", body)
