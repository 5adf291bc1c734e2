"""The open pixel and the click redirect: ``GET /t/o/<token>`` and ``GET /t/c/<token>``.

The pixel always answers the image, whatever the token or the database: a broken image in a
message helps nobody, and a lost open is only a lost figure. The redirect goes to the URL the
token signs and nowhere else (a bad token answers 404, never a redirect); when the open or
click cannot be recorded (database unavailable), the person still reaches the shop. HEAD
requests (link checkers) are answered without being recorded.
"""

from __future__ import annotations

import base64
import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.messages import tokens
from saleor_mautomation.messages.tracking import click_record, open_record

logger = logging.getLogger(__name__)

# A 1x1 transparent GIF (43 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = "no-store"


def _user_agent(request: HttpRequest) -> str:
    return request.headers.get("User-Agent", "")[:512]


@require_safe
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        try:
            now = clock.now()
            with unit_of_work(now=now):  # an open may be what a journey waits for
                open_record(token=token, user_agent=_user_agent(request), now=now)
        except tokens.TrackingTokenInvalid:
            pass  # not ours: the image all the same, nothing recorded
        except DatabaseError:
            logger.exception("An open could not be recorded")
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = NO_STORE
    return response


def notice_page(status: int, title: str, heading: str, text: str) -> HttpResponse:
    """A small page saying why a link leads nowhere, never cached or indexed."""
    body = format_html(
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex"><title>{}</title>'
        '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;'
        'padding:0 1rem;color:#222"><h1 style="font-size:1.4rem">{}</h1><p>{}</p></body></html>',
        title,
        heading,
        text,
    )
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = NO_STORE
    return response


def _not_found() -> HttpResponse:
    return notice_page(
        404,
        "Link not found",
        "This link is not valid",
        "The link may have been copied incompletely. Please open it again from the email.",
    )


@require_safe
def click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            now = clock.now()
            with unit_of_work(now=now):
                url = click_record(token=token, user_agent=_user_agent(request), now=now)
        else:
            url = tokens.click_from_token(token).url
    except tokens.TrackingTokenInvalid:
        return _not_found()
    except DatabaseError:
        logger.exception("A click could not be recorded")
        url = tokens.click_from_token(token).url  # verified above: the record failed after
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = NO_STORE
    return response
