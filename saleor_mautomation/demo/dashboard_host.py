"""The stand-in Saleor Dashboard's pages: the host page (``demo/dashboard/``: plain HTML and
JavaScript that play the Dashboard's side of App Bridge, shared with the browser tests'
stand-in Dashboard), the demo sign-in, and its session cookie.

The session cookie is the demo Saleor's own (on its origin, HttpOnly, SameSite=Lax): a
timestamp signed with an HMAC keyed by the sign-in password, so it proves the password was
given and a new demo directory (a new password) signs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from saleor_mautomation.demo import config

HOST_DIR = Path(__file__).parent / "dashboard"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
COOKIE = "saleor_demo_session"
SESSION_SECONDS = 12 * 3600
MOUNT = "/dashboard"
# The app's pages in the demo's navigation (dashboard_extension/src/lib/routes.ts).
NAVIGATION = [
    ("Overview", "/"),
    ("Contacts", "/contacts"),
    ("Segments", "/segments"),
    ("Journeys", "/journeys"),
    ("Templates", "/templates"),
    ("Broadcasts", "/broadcasts"),
    ("Analytics", "/analytics"),
    ("Settings", "/settings"),
    ("Operations", "/operations"),
]
# The demo's pages on the app's origin, opened through its sign-in (``/demo/sign-in``).
LINKS = [("Mail", "/demo/mail/"), ("GraphQL explorer", "/graphql/")]


def host_asset(name: str) -> tuple[bytes, str] | None:
    """A file of the host (``host.js``, ``host.css``), or None for anything else."""
    path = HOST_DIR / name
    if "/" in name or path.suffix not in CONTENT_TYPES or not path.is_file():
        return None
    return path.read_bytes(), CONTENT_TYPES[path.suffix]


def host_page(host_config: dict[str, Any]) -> bytes:
    """The host page with its configuration inlined (``appUrl``, ``appOrigin``,
    ``saleorApiUrl``, ``appId``, ``manifest``, ``tokenUrl``; the demo's ``navigation``,
    ``links``, ``refreshTokens``, ``followRedirects``, ``user``, ``signOutUrl``, ``record``)."""
    inline = json.dumps(host_config).replace("<", "\\u003c").replace(">", "\\u003e")
    page = (HOST_DIR / "index.html").read_text(encoding="utf-8")
    return page.replace("<!--host-config-->", inline).encode()


def demo_host_config(*, app_url: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """The demo Dashboard's configuration: the app at ``app_url`` as the demo installed it."""
    base = app_url.rstrip("/")
    return {
        "title": "Saleor demo Dashboard",
        "appUrl": f"{base}/dashboard/",
        "appOrigin": base,
        "saleorApiUrl": config.saleor_api_url(),
        "appId": config.APP_ID,
        "manifest": manifest,
        "tokenUrl": f"{MOUNT}/token",
        "navigation": [{"label": label, "path": path} for label, path in NAVIGATION],
        "links": [{"label": label, "next": path} for label, path in LINKS],
        "refreshTokens": True,
        "followRedirects": True,
        "notificationSeconds": 8,
        "user": config.STAFF_EMAIL,
        "signOutUrl": f"{MOUNT}/sign-out",
    }


# -- the sign-in -----------------------------------------------------------------------------

SIGN_IN_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Sign in - Saleor demo Dashboard</title>
    <link rel="icon" href="data:," />
    <style>
      body {{ margin: 0; font: 15px/1.5 sans-serif; background: #f4f4f5; color: #18181b; }}
      form {{ max-width: 360px; margin: 12vh auto; padding: 24px; background: #fff;
        border: 1px solid #e4e4e7; border-radius: 8px; display: grid; gap: 12px; }}
      h1 {{ font-size: 20px; margin: 0; }}
      label {{ display: grid; gap: 4px; }}
      input {{ font: inherit; padding: 6px 8px; border: 1px solid #a1a1aa; border-radius: 4px; }}
      button {{ font: inherit; padding: 8px; border: 0; border-radius: 4px; background: #18181b;
        color: #fff; cursor: pointer; }}
      .error {{ color: #b91c1c; margin: 0; }}
      .hint {{ color: #52525b; font-size: 13px; margin: 0; }}
    </style>
  </head>
  <body>
    <form method="post" action="{action}">
      <h1>Saleor demo Dashboard</h1>
      <p class="hint">The demo shop's staff account. The password is the one
        <code>mautomation demo</code> printed when it started.</p>
      {error}
      <input type="hidden" name="next" value="{next_path}" />
      <label>Email <input name="email" type="email" value="{email}" readonly /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"
        autofocus required /></label>
      <button type="submit">Sign in</button>
    </form>
  </body>
</html>
"""


def dashboard_path(value: str) -> str:
    """``value`` if it is a path of the Dashboard (where the sign-in may lead), else its
    start: never another site."""
    path = urlsplit(value)
    if path.scheme or path.netloc or not value.startswith(f"{MOUNT}/") or "\\" in value:
        return f"{MOUNT}/"
    return value


def sign_in_page(*, error: str = "", next_path: str = f"{MOUNT}/") -> bytes:
    shown = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return SIGN_IN_PAGE.format(
        action=f"{MOUNT}/sign-in",
        error=shown,
        email=html.escape(config.STAFF_EMAIL),
        next_path=html.escape(dashboard_path(next_path)),
    ).encode()


def password_correct(given: str) -> bool:
    return hmac.compare_digest(given.encode(), config.sign_in_password().encode())


def _mac(issued: str) -> str:
    key = hashlib.sha256(b"saleor demo session\0" + config.sign_in_password().encode()).digest()
    return hmac.new(key, issued.encode(), hashlib.sha256).hexdigest()


def session_value(*, now: float | None = None) -> str:
    issued = str(int(time.time() if now is None else now))
    return f"{issued}.{_mac(issued)}"


def session_valid(value: str | None, *, now: float | None = None) -> bool:
    """A cookie ``session_value`` made, not older than ``SESSION_SECONDS``."""
    if not value or "." not in value:
        return False
    issued, _, mac = value.partition(".")
    if not issued.isdigit() or not hmac.compare_digest(mac, _mac(issued)):
        return False
    return (time.time() if now is None else now) - int(issued) < SESSION_SECONDS


def session_cookie(value: str, *, max_age: int = SESSION_SECONDS) -> str:
    return f"{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"
