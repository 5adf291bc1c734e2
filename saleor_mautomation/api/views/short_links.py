"""A text's short link: ``GET /s/<code>`` (``messages.short_links``).

The code is looked up with its message in the same installation; the click is recorded as
the click redirect records one (``sms.clicked``, machines flagged) and the person is sent to
the target. An unknown or expired code answers a 404 page saying which, never a redirect.
When the click cannot be recorded (database trouble after the look-up), the person still
reaches the shop; when the code cannot be looked up at all, a 503 page asks them to try
again. HEAD requests (link previews, checkers) are answered without being recorded.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

from saleor_mautomation.api.views.tracking import NO_STORE, notice_page
from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.messages.short_links import (
    ShortLinkExpired,
    ShortLinkUnknown,
    short_link_target,
)
from saleor_mautomation.messages.tracking import link_click_record

logger = logging.getLogger(__name__)


def _page(status: int, title: str, text: str) -> HttpResponse:
    return notice_page(status, title, title, text)


UNKNOWN = (
    "This link is not valid",
    "The link may have been copied incompletely. Please open it again from the text message.",
)
EXPIRED = (
    "This link has expired",
    "Links in our text messages work for {days} days after they were sent. "
    "Please visit the shop directly.",
)
UNAVAILABLE = (
    "This link cannot be opened right now",
    "Please try again in a moment.",
)


@require_safe
def short_link_redirect(request: HttpRequest, code: str) -> HttpResponse:
    now = clock.now()
    days = settings.SMS_SHORT_LINK_DAYS
    try:
        message_id, target = short_link_target(code=code, now=now, max_age=timedelta(days=days))
    except ShortLinkUnknown:
        return _page(404, *UNKNOWN)
    except ShortLinkExpired:
        return _page(404, EXPIRED[0], EXPIRED[1].format(days=days))
    except DatabaseError:
        logger.exception("A short link could not be looked up")
        return _page(503, *UNAVAILABLE)
    if request.method == "GET":
        try:
            with unit_of_work(now=now):  # a click may be what a journey waits for
                link_click_record(
                    message_id=message_id,
                    url=target,
                    user_agent=request.headers.get("User-Agent", "")[:512],
                    now=now,
                )
        except DatabaseError:
            logger.exception("A click on a short link could not be recorded")
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = NO_STORE
    return response
