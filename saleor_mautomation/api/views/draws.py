"""A prize draw's page: ``GET|POST /d/<token>/<draw key>``.

As a survey's page (``api.views.surveys``): the GET, which link scanners make too, records
nothing and asks the person to confirm; the page's POST, with its signed form token, enters
them (once: a second POST finds the entry made).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from saleor_mautomation.api.views import programme_pages as p
from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.messages import programme_links as links
from saleor_mautomation.programmes.errors import ProgrammeClosed
from saleor_mautomation.programmes.models import Draw, DrawEntry
from saleor_mautomation.programmes.services import draw_enter, draw_is_open

PURPOSE = "draw"


@csrf_exempt  # the signed form token stands in for Django's CSRF cookie
@require_http_methods(["GET", "HEAD", "POST"])
def draw_page(request: HttpRequest, token: str, key: str) -> HttpResponse:
    found = p.person_and_contact(token)
    draw = (
        Draw.objects.filter(installation_id=found[0].installation_id, key=key).first()
        if found
        else None
    )
    if found is None or draw is None:
        return p.not_found(request)
    person, contact, installation = found
    language = p.language_of(contact.language_code)
    shop = installation.shop_name
    if DrawEntry.objects.filter(draw=draw, contact=contact).exists():
        return p.message_page(language=language, shop=shop, key="draw.entered")
    now = clock.now()
    if not draw_is_open(draw, now):
        return p.message_page(language=language, shop=shop, key="draw.closed")
    if request.method == "POST":
        if not links.form_token_valid(
            request.POST.get("form", ""), person=person, purpose=PURPOSE, key=draw.key
        ):
            return p.message_page(language=language, shop=shop, key="stale", status=400)
        try:
            with transaction.atomic(), unit_of_work(now=now):
                draw_enter(draw=draw, contact=contact, now=now)
        except ProgrammeClosed:
            return p.message_page(language=language, shop=shop, key="draw.closed")
        return p.message_page(language=language, shop=shop, key="draw.entered")
    prize = (
        format_html("<p>{}</p>", p.text(language, "draw.prize", prize=draw.prize))
        if draw.prize
        else ""
    )
    body = format_html(
        '<p><strong>{}</strong></p>{}<p>{}</p><form method="post">'
        '<input type="hidden" name="form" value="{}"><button type="submit">{}</button></form>',
        draw.name,
        prize,
        p.text(language, "draw.text"),
        links.form_token(person=person, purpose=PURPOSE, key=draw.key),
        p.text(language, "draw.button"),
    )
    return p.page(language=language, shop=shop, title=p.text(language, "draw.title"), body=body)
