"""The page frame and the texts (English and German) of the coupon, survey and draw pages.

Rendered in Python with ``format_html`` (every value escaped), as the unsubscribe and
preference pages are (``api.views.pages``): never framed, indexed or cached unless a view says
so, with a Content-Security-Policy that allows the app's own images and forms only.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.messages import programme_links as links
from saleor_mautomation.saleor.models import Installation

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "invalid.title": "This link is not valid",
        "invalid.text": "The link may have been copied incompletely. "
        "Please open it again from the email.",
        "stale.title": "Please open the link again",
        "stale.text": "This page was open too long ago to be sent. "
        "Please open the link in the email again.",
        "coupon.title": "Your coupon",
        "coupon.text": "Show this code at the till or enter it at checkout.",
        "coupon.print": "Print this page or show it on your phone.",
        "coupon.qr": "QR code of {code}",
        "coupon.barcode": "Barcode of {code}",
        "survey.title": "Your answer",
        "survey.comment": "Anything you would like to add? (optional)",
        "survey.button": "Send my answer",
        "survey.before": "You answered {score} before: sending again replaces it.",
        "survey.low": "{low}: not at all likely",
        "survey.high": "{high}: extremely likely",
        "survey.thanks.title": "Thank you!",
        "survey.thanks.text": "Your answer ({score}) is recorded.",
        "survey.closed.title": "This survey is closed",
        "survey.closed.text": "Thank you all the same: it takes no more answers.",
        "draw.title": "Enter the draw",
        "draw.prize": "To be won: {prize}",
        "draw.text": "Confirm that you would like to take part.",
        "draw.button": "Enter the draw",
        "draw.entered.title": "You are in the draw",
        "draw.entered.text": "Good luck! The winners will hear from us by email.",
        "draw.closed.title": "This draw is closed",
        "draw.closed.text": "It takes no more entries.",
    },
    "de": {
        "invalid.title": "Dieser Link ist ungültig",
        "invalid.text": "Der Link wurde vielleicht unvollständig kopiert. "
        "Bitte öffnen Sie ihn erneut aus der E-Mail.",
        "stale.title": "Bitte öffnen Sie den Link erneut",
        "stale.text": "Diese Seite war zu lange geöffnet, um sie noch abzusenden. "
        "Bitte öffnen Sie den Link in der E-Mail erneut.",
        "coupon.title": "Ihr Gutschein",
        "coupon.text": "Zeigen Sie diesen Code an der Kasse oder geben Sie ihn im Checkout ein.",
        "coupon.print": "Drucken Sie diese Seite aus oder zeigen Sie sie auf Ihrem Telefon.",
        "coupon.qr": "QR-Code von {code}",
        "coupon.barcode": "Strichcode von {code}",
        "survey.title": "Ihre Antwort",
        "survey.comment": "Möchten Sie noch etwas ergänzen? (optional)",
        "survey.button": "Antwort senden",
        "survey.before": "Sie haben zuvor {score} geantwortet: erneutes Senden ersetzt das.",
        "survey.low": "{low}: sehr unwahrscheinlich",
        "survey.high": "{high}: äußerst wahrscheinlich",
        "survey.thanks.title": "Vielen Dank!",
        "survey.thanks.text": "Ihre Antwort ({score}) ist gespeichert.",
        "survey.closed.title": "Diese Umfrage ist beendet",
        "survey.closed.text": "Trotzdem vielen Dank: Sie nimmt keine Antworten mehr an.",
        "draw.title": "Am Gewinnspiel teilnehmen",
        "draw.prize": "Zu gewinnen: {prize}",
        "draw.text": "Bestätigen Sie, dass Sie teilnehmen möchten.",
        "draw.button": "Teilnehmen",
        "draw.entered.title": "Sie nehmen teil",
        "draw.entered.text": "Viel Glück! Die Gewinner benachrichtigen wir per E-Mail.",
        "draw.closed.title": "Dieses Gewinnspiel ist beendet",
        "draw.closed.text": "Es nimmt keine Teilnahmen mehr an.",
    },
}

_CSS = mark_safe(  # a constant
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;"
    "background:#f6f6f6;margin:0}main{max-width:32rem;margin:3rem auto;padding:2rem;"
    "background:#fff;border-radius:8px}.shop{color:#666;margin:0 0 1rem}"
    "h1{font-size:1.4rem;margin:0 0 1rem}button{font:inherit;padding:.6rem 1.2rem;"
    "border:0;border-radius:6px;background:#222;color:#fff;cursor:pointer}"
    "fieldset{border:0;padding:0;margin:1rem 0}.scale{display:flex;flex-wrap:wrap;gap:.3rem}"
    ".scale label{border:1px solid #bbb;border-radius:6px;padding:.4rem .7rem}"
    "textarea{width:100%;min-height:5rem;font:inherit;box-sizing:border-box}"
    ".code{font:700 1.8rem ui-monospace,monospace;letter-spacing:.1em;text-align:center}"
    ".codes{text-align:center}.codes img{display:block;margin:1rem auto;max-width:100%}"
    ".notice{background:#eef7ee;padding:.6rem;border-radius:6px}.hint{color:#666}"
    "@media print{body{background:#fff}main{margin:0;border:1px dashed #999}.hint{display:none}}"
)
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def language_of(code: str) -> str:
    return "de" if code.strip().lower().startswith("de") else "en"


def browser_language(request: HttpRequest) -> str:
    return language_of(request.headers.get("Accept-Language", ""))


def text(language: str, key: str, **values: object) -> SafeString:
    if not values:
        return conditional_escape(TEXTS[language][key])
    return format_html(TEXTS[language][key], **values)


def page(
    *,
    language: str,
    shop: str,
    title: SafeString,
    body: SafeString,
    status: int = 200,
    cache: str = "no-store",
) -> HttpResponse:
    html = format_html(
        '<!doctype html><html lang="{}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex"><title>{}</title>'
        "<style>{}</style></head><body><main>{}<h1>{}</h1>{}</main></body></html>",
        language,
        format_html("{} | {}", title, shop) if shop else title,
        _CSS,
        format_html('<p class="shop">{}</p>', shop) if shop else "",
        title,
        body,
    )
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = cache
    response["X-Frame-Options"] = "DENY"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Security-Policy"] = _CSP
    return response


def message_page(
    *, language: str, shop: str, key: str, status: int = 200, **values: object
) -> HttpResponse:
    """A page of a title and one paragraph: ``<key>.title`` and ``<key>.text``."""
    body = format_html("<p>{}</p>", text(language, f"{key}.text", **values))
    return page(
        language=language,
        shop=shop,
        title=text(language, f"{key}.title"),
        body=body,
        status=status,
    )


def not_found(request: HttpRequest) -> HttpResponse:
    return message_page(language=browser_language(request), shop="", key="invalid", status=404)


def person_and_contact(token: str) -> tuple[links.Person, Contact, Installation] | None:
    """The contact a programme link names, in its installation (active); None otherwise."""
    try:
        person = links.person_from_link(token)
    except links.LinkInvalid:
        return None
    installation = Installation.objects.filter(pk=person.installation_id).first()
    if installation is None or not installation.is_active:
        return None
    contact = Contact.objects.filter(
        pk=person.contact_id, installation_id=person.installation_id
    ).first()
    return None if contact is None else (person, contact, installation)
