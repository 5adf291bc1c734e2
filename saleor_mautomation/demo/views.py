"""The demo's pages on the app's origin: the sign-in, the caught mail, the GraphQL explorer.

Every view here answers 404 unless ``DEMO_MODE`` is on (checked per request, so that the URLs
may be mounted always and a settings change needs no URL reload), and every page but the
sign-in needs the demo cookie: a signed, HttpOnly, SameSite=Lax cookie that proves the demo
password (or a demo staff token from the demo Dashboard) was given. Its value is derived from
the password, so a new demo directory (a new password) signs everyone out.

``next`` is only ever a path on this site: anything else is refused, never followed.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from graphene_django.views import GraphQLView

from saleor_mautomation.demo import config
from saleor_mautomation.demo.mail import MailStore, mail_origins, parse
from saleor_mautomation.saleor.errors import TokenInvalid
from saleor_mautomation.saleor.jose import KeySet, decode_token

View = Callable[..., HttpResponse]

COOKIE = "mautomation_demo"
COOKIE_SALT = "mautomation.demo.sign-in"
COOKIE_AGE = 12 * 3600  # seconds
PAGE_SIZE = 50

# The served HTML part: nothing runs, nothing loads but images, styles and fonts; links open
# in a new tab, out of the sandbox (the app's tracking links, then the shop).
MAIL_HTML_CSP = (
    "default-src 'none'; img-src http: https: data: cid:; style-src 'unsafe-inline' http: https:;"
    " font-src http: https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self';"
    " sandbox allow-popups allow-popups-to-escape-sandbox"
)
RAW_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
EXAMPLE_QUERY = """# The demo shop as its admin: run with Ctrl+Enter.
# The headers below sign you in for an hour
# (reload the page for new ones).
query DemoOverview {
  contacts(first: 5) {
    totalCount
    edges {
      node {
        email
        emailConsent
        city
      }
    }
  }
  journeys {
    name
    status
  }
}
"""


def _proof() -> str:
    return hmac.new(
        config.sign_in_password().encode(), b"mautomation demo sign-in", hashlib.sha256
    ).hexdigest()


def signed_in(request: HttpRequest) -> bool:
    value = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT, max_age=COOKIE_AGE)
    return value is not None and hmac.compare_digest(value, _proof())


def local_path(value: str) -> str | None:
    """``value`` if it is a path on this site (``/...``), else None."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(not 0x21 <= ord(char) <= 0x7E for char in value):
        return None
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts=None) else None


def _sign_in_url(next_path: str) -> str:
    return f"{reverse('demo-sign-in')}?{urlencode({'next': next_path})}"


def demo_only(view: View) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DEMO_MODE:
            raise Http404("Only in demo mode")
        return view(request, *args, **kwargs)

    return wrapped


def signed_in_only(view: View) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not signed_in(request):
            return HttpResponseRedirect(_sign_in_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return demo_only(wrapped)


# -- sign-in -----------------------------------------------------------------------------------


def _staff_token_valid(token: str) -> bool:
    """A demo staff token: signed by the demo Saleor's key, not expired, its own issuer, a
    staff user's third-party app token (as the demo Dashboard mints it)."""
    keys = KeySet.from_jwks({"keys": [config.signing_key().public_jwk]})
    try:
        claims = decode_token(token, keys, issuer=config.saleor_api_url())
    except TokenInvalid:
        return False
    return claims.get("type") == "thirdparty" and claims.get("is_staff") is True


def _signed_in_response(next_path: str) -> HttpResponse:
    response = HttpResponseRedirect(next_path)
    response.set_signed_cookie(
        COOKIE,
        _proof(),
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.APP_URL.startswith("https://"),
    )
    response["Referrer-Policy"] = "no-referrer"  # a token in the URL goes no further
    return response


def _sign_in_page(request: HttpRequest, next_path: str, *, error: str, status: int) -> HttpResponse:
    response = render(
        request,
        "demo/sign_in.html",
        {"next": next_path, "error": error, "title": "Sign in to the demo"},
        status=status,
    )
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


@demo_only
@csrf_exempt
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """``GET``: the form, or with ``token`` the demo Dashboard's link; ``POST``: the form.

    No CSRF token: a forged POST would need the password, and a forged sign-in could only
    sign a browser into the one demo it already has the password of."""
    data = request.POST if request.method == "POST" else request.GET
    next_path = local_path(data.get("next") or reverse("demo-mail"))
    if next_path is None:
        return _sign_in_page(
            request,
            reverse("demo-mail"),
            error="The page to go to after signing in must be on this site.",
            status=400,
        )
    if request.method == "POST":
        password = data.get("password", "")
        if hmac.compare_digest(password.encode(), config.sign_in_password().encode()):
            return _signed_in_response(next_path)
        return _sign_in_page(request, next_path, error="That is not the password.", status=403)
    token = data.get("token")
    if token is not None:
        if _staff_token_valid(token):
            return _signed_in_response(next_path)
        return _sign_in_page(
            request,
            next_path,
            error="The sign-in link is not valid (expired, or not from the demo Saleor).",
            status=403,
        )
    return _sign_in_page(request, next_path, error="", status=200)


# -- the mail page -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _store_of(directory: Path) -> MailStore:
    return MailStore(directory)


def _store() -> MailStore:
    """The store of the demo directory (one connection kept per directory)."""
    return _store_of(config.demo_dir() / "mail")


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


@signed_in_only
@require_GET
def mail_list(request: HttpRequest) -> HttpResponse:
    recipient = request.GET.get("to", "").strip()
    number = _page_number(request.GET.get("page"))
    page = _store().page(recipient=recipient, number=number, size=PAGE_SIZE)
    pages = max(1, -(-page.total // PAGE_SIZE))
    if number > pages:  # past the end (or the mail since dropped): the last page
        number = pages
        page = _store().page(recipient=recipient, number=number, size=PAGE_SIZE)
    origins = mail_origins([mail.message_id for mail in page.mails])

    def link(to_page: int) -> str:
        query = {"to": recipient, "page": to_page} if recipient else {"page": to_page}
        return f"?{urlencode(query)}"

    context = {
        "title": "Caught mail",
        "rows": [(mail, origins.get(mail.message_id)) for mail in page.mails],
        "total": page.total,
        "recipient": recipient,
        "number": number,
        "pages": pages,
        "newer": link(number - 1) if number > 1 else "",
        "older": link(number + 1) if number < pages else "",
    }
    return render(request, "demo/mail_list.html", context)


def _content(mail_id: int) -> bytes:
    content = _store().content(mail_id)
    if content is None:
        raise Http404("No such message (or no longer kept)")
    return content


def _body(content: bytes, subtype: str) -> str | None:
    part = parse(content).get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    try:
        body = part.get_content()
    except LookupError:  # a charset Python does not know
        return None
    return body.replace("\r\n", "\n") if isinstance(body, str) else None


@signed_in_only
@require_GET
def mail_detail(request: HttpRequest, mail_id: int) -> HttpResponse:
    mail = _store().get(mail_id)
    if mail is None:
        raise Http404("No such message (or no longer kept)")
    content = _content(mail_id)
    message = parse(content)
    headers = [(name, " ".join(str(value).split())) for name, value in message.items()]
    context = {
        "title": mail.subject or "(no subject)",
        "mail": mail,
        "origin": mail_origins([mail.message_id]).get(mail.message_id),
        "headers": headers,
        "has_html": _body(content, "html") is not None,
        "text": _body(content, "plain"),
    }
    return render(request, "demo/mail_detail.html", context)


HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def with_new_tab_links(html: str) -> str:
    """The HTML with ``<base target="_blank">`` first in its head: its links open a tab."""
    base = '<base target="_blank">'
    match = HEAD.search(html)
    if match is None:
        return base + html
    return html[: match.end()] + base + html[match.end() :]


@signed_in_only
@require_GET
@xframe_options_sameorigin
def mail_html(request: HttpRequest, mail_id: int) -> HttpResponse:
    html = _body(_content(mail_id), "html")
    if html is None:
        raise Http404("The message has no HTML part")
    response = HttpResponse(with_new_tab_links(html), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = MAIL_HTML_CSP
    response["Referrer-Policy"] = "no-referrer"
    return response


@signed_in_only
@require_GET
def mail_raw(request: HttpRequest, mail_id: int) -> HttpResponse:
    response = HttpResponse(_content(mail_id), content_type="text/plain; charset=utf-8")
    response["Content-Security-Policy"] = RAW_CSP
    return response


# -- the GraphQL explorer ----------------------------------------------------------------------


def _explorer(request: HttpRequest) -> HttpResponse:
    """GraphiQL (graphene-django's pinned versions, from the CDN with their hashes), its
    headers filled in so that queries run as the demo's staff user at once."""
    headers = {
        "Authorization-Bearer": config.staff_token(),
        "Saleor-Api-Url": config.saleor_api_url(),
    }
    context = {
        "title": "GraphQL explorer",
        "cdn": {
            name: getattr(GraphQLView, name)
            for name in (
                "react_version",
                "react_sri",
                "react_dom_sri",
                "graphiql_version",
                "graphiql_sri",
                "graphiql_css_sri",
                "graphiql_plugin_explorer_version",
                "graphiql_plugin_explorer_sri",
                "graphiql_plugin_explorer_css_sri",
            )
        },
        "explorer": {
            "url": request.path,
            "headers": json.dumps(headers, indent=2),
            "query": EXAMPLE_QUERY,
        },
    }
    response = render(request, "demo/graphiql.html", context)
    response["Cache-Control"] = "no-store"  # it carries a token
    response["Referrer-Policy"] = "no-referrer"
    return response


def with_explorer(api: View) -> View:
    """``/graphql/``: in demo mode, a browser's GET (HTML preferred, no ``raw``) gets the
    explorer (after the demo sign-in); everything else, and every request outside demo mode,
    goes to the API view unchanged."""

    @functools.wraps(api)
    def graphql(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            settings.DEMO_MODE
            and request.method == "GET"
            and "raw" not in request.GET
            and GraphQLView.request_wants_html(request)
        ):
            if not signed_in(request):
                return HttpResponseRedirect(_sign_in_url(request.get_full_path()))
            return _explorer(request)
        return api(request, *args, **kwargs)

    return graphql
