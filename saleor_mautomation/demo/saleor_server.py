"""The demo Saleor: an HTTP server on loopback that plays Saleor for the app in the demo.

``make_server(host=, port=, shop=)`` returns a ``ThreadingHTTPServer`` (serve it in a thread;
``mautomation demo`` runs it beside the simulator and the mail catcher). It answers:

- ``GET /.well-known/jwks.json``: the demo's signing key (``config.signing_key()``), which
  signs the simulator's webhook deliveries and the staff user's App Bridge tokens;
- ``POST /graphql/``: Saleor's API for the app's documents and the Dashboard pages' pickers
  (``demo/saleor_api.py``), with CORS as Saleor answers browsers
  (``saleor/asgi/cors_handler.py`` with the default ``ALLOWED_GRAPHQL_ORIGINS=*``: the request's
  origin echoed with credentials, a preflight of ``POST, OPTIONS``);
- ``/dashboard/``: the stand-in Dashboard behind a demo sign-in (``demo/dashboard_host.py``):
  the app's pages framed from ``APP_URL`` as the Saleor Dashboard frames them, the staff
  token handed over in App Bridge's handshake and refreshed before it expires; Saleor's own
  customer, order and product pages as records of the demo shop, the customer's with the app's
  widget. It is served on the demo Saleor's canonical origin (``config.saleor_origin()``,
  ``localhost``) only, which the installation names as its Dashboard origin;
- ``/``, ``/shop/<channel>/...`` and ``/thumbnails/<slug>.svg``: the storefront pages the
  links of the app's emails land on (``demo/storefront.py``).
"""

from __future__ import annotations

import json
import logging
import threading
from functools import cached_property
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.conf import settings

from saleor_mautomation.demo import config, dashboard_host, storefront
from saleor_mautomation.demo.saleor_api import DemoSaleorApi
from saleor_mautomation.intake.registry import WEBHOOKS
from saleor_mautomation.saleor.manifest import build_manifest

logger = logging.getLogger(__name__)

CORS_ALLOW_HEADERS = (
    "Origin, Content-Type, Accept, Authorization, Source-Service-Name, Authorization-Bearer"
)
MAX_BODY = 5 * 1024 * 1024


class DemoSaleor:
    """What the handler answers from: the shop, its API, and the app it frames."""

    def __init__(self, *, shop: Any, app_url: str) -> None:
        self.shop = shop
        self.app_url = app_url.rstrip("/")
        self.api = DemoSaleorApi(shop, manifest=lambda: self.manifest)
        self.lock = threading.Lock()

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return build_manifest(
            app_url=self.app_url,
            version="demo",
            required_saleor_version=settings.SALEOR_REQUIRED_VERSION,
            specs=[webhook.spec for webhook in WEBHOOKS.values()],
        ).as_json()

    def record(self, path: str) -> dict[str, Any] | None:
        """Saleor's own page for a customer, an order or a product, as a record of the shop."""
        kind, _, key = path.removeprefix("/dashboard/").partition("/")
        node = self.shop.node(unquote(key.rstrip("/"))) if key else None
        if kind == "customers" and node is not None:
            address = node.get("defaultBillingAddress") or {}
            name = f"{node.get('firstName', '')} {node.get('lastName', '')}".strip()
            return {
                "title": name or node["email"],
                "rows": [
                    ["Email", node["email"]],
                    ["Joined", node["dateJoined"][:10]],
                    ["Country", (address.get("country") or {}).get("country", "")],
                    ["Language", node.get("languageCode", "")],
                ],
            }
        if kind == "orders" and node is not None:
            return {
                "title": f"Order #{node['number']}",
                "rows": [
                    ["Customer", node["userEmail"]],
                    ["Placed", node["created"][:16].replace("T", " ")],
                    ["Status", node["status"]],
                    ["Channel", node["channel"]["name"]],
                    [
                        "Total",
                        f"{node['total']['gross']['amount']:.2f} "
                        f"{node['total']['gross']['currency']}",
                    ],
                    [
                        "Lines",
                        ", ".join(f"{x['quantity']} x {x['productName']}" for x in node["lines"]),
                    ],
                ],
            }
        product = next((p for p in self.shop.products if p["id"] == unquote(key)), None)
        if kind == "products" and product is not None:
            return {
                "title": product["name"],
                "rows": [
                    ["Category", product["category"]["name"]],
                    ["Variants", ", ".join(v["name"] for v in product["variants"])],
                ],
            }
        if kind == "customers" and not key:
            return {"title": "Customers", "rows": [["Customers", str(len(self.shop.customers))]]}
        return None


def _handler(saleor: DemoSaleor) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "DemoSaleor"

        # -- plumbing --------------------------------------------------------------------

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(value).encode(), "application/json", headers)

        def _redirect(self, location: str, headers: dict[str, str] | None = None) -> None:
            self._send(
                HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": location, **(headers or {})}
            )

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(min(length, MAX_BODY))

        def _cors(self) -> dict[str, str]:
            origin = self.headers.get("Origin")
            if not origin:
                return {"Access-Control-Allow-Credentials": "true"}
            return {
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Allow-Origin": origin,
                "Vary": "Origin",
            }

        def _signed_in(self) -> bool:
            try:
                cookie = SimpleCookie(self.headers.get("Cookie") or "")
            except CookieError:
                return False
            morsel = cookie.get(dashboard_host.COOKIE)
            return dashboard_host.session_valid(morsel.value if morsel else None)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("demo Saleor: " + format, *args)

        # -- methods -----------------------------------------------------------------------

        def do_OPTIONS(self) -> None:
            path = urlsplit(self.path).path
            if path != "/graphql/":
                self._json(404, {"error": "not found"})
                return
            origin = self.headers.get("Origin")
            headers = {
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                "Access-Control-Allow-Methods": "POST, OPTIONS",
                "Access-Control-Max-Age": "600",
                "Vary": "Origin",
            }
            if origin:
                headers["Access-Control-Allow-Origin"] = origin
            self._send(200 if origin else 400, b"", "text/plain", headers)

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/graphql/":
                try:
                    payload = json.loads(self._body() or b"null")
                except (json.JSONDecodeError, UnicodeDecodeError):
                    self._json(
                        400, {"errors": [{"message": "Unable to parse query."}]}, self._cors()
                    )
                    return
                status, body = saleor.api.answer(payload, self.headers.get("Authorization", ""))
                self._json(status, body, self._cors())
            elif url.path == "/dashboard/sign-in":
                self._sign_in()
            elif url.path == "/dashboard/sign-out":
                self._redirect(
                    "/dashboard/", {"Set-Cookie": dashboard_host.session_cookie("", max_age=0)}
                )
            else:
                self._json(404, {"error": "not found"})

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            path = url.path
            if path == "/.well-known/jwks.json":
                self._json(200, {"keys": [config.signing_key().public_jwk]})
            elif path == "/graphql/":
                self._send(
                    200, b"The demo Saleor's API: POST GraphQL here.", "text/plain; charset=utf-8"
                )
            elif path.startswith("/host/"):
                asset = dashboard_host.host_asset(path.removeprefix("/host/"))
                if asset is None:
                    self._json(404, {"error": "not found"})
                else:
                    self._send(200, asset[0], asset[1], {"Cache-Control": "no-cache"})
            elif path == "/dashboard" or path.startswith("/dashboard/"):
                self._dashboard(path)
            elif path.startswith("/thumbnails/") and path.endswith(".svg"):
                slug = unquote(path.removeprefix("/thumbnails/").removesuffix(".svg"))
                status, body, kind = storefront.thumbnail(saleor.shop, slug)
                self._send(status, body, kind, {"Cache-Control": "max-age=86400"})
            elif path == "/" or path == "/shop" or path.startswith("/shop/"):
                self._send(*self._storefront(path, parse_qs(url.query)))
            else:
                self._json(404, {"error": "not found"})

        do_HEAD = do_GET

        # -- the Dashboard -----------------------------------------------------------------

        def _canonical(self) -> bool:
            """The Dashboard lives on the demo Saleor's canonical origin only (its cookie and
            the installation's Dashboard origin): another host name is sent there."""
            host = (self.headers.get("Host") or "").lower()
            return f"http://{host}" == config.saleor_origin()

        def _dashboard(self, path: str) -> None:
            if not self._canonical():
                self._redirect(config.saleor_origin() + self.path)
                return
            if path == "/dashboard/token":
                if not self._signed_in():
                    self._json(401, {"error": "Sign in first."})
                    return
                self._json(200, {"token": config.staff_token()}, {"Cache-Control": "no-store"})
                return
            if not self._signed_in():
                page = dashboard_host.sign_in_page(next_path=self.path)
                self._send(200, page, "text/html; charset=utf-8", _PAGE_HEADERS)
                return
            if path in ("/dashboard", "/dashboard/"):
                # The Dashboard's path of the app page names the app id URL-encoded.
                self._redirect(f"/dashboard/extensions/app/{quote(config.APP_ID, safe='')}/")
                return
            host_config = dashboard_host.demo_host_config(
                app_url=saleor.app_url, manifest=saleor.manifest
            )
            host_config["record"] = saleor.record(path)
            page = dashboard_host.host_page(host_config)
            self._send(200, page, "text/html; charset=utf-8", _PAGE_HEADERS)

        def _sign_in(self) -> None:
            if not self._canonical():
                self._redirect(config.saleor_origin() + "/dashboard/")
                return
            form = parse_qs(self._body().decode("utf-8", "replace"))
            given = (form.get("password") or [""])[0]
            next_path = dashboard_host.dashboard_path((form.get("next") or [""])[0])
            if not dashboard_host.password_correct(given):
                page = dashboard_host.sign_in_page(
                    error="That is not the password.", next_path=next_path
                )
                self._send(403, page, "text/html; charset=utf-8", _PAGE_HEADERS)
                return
            cookie = dashboard_host.session_cookie(dashboard_host.session_value())
            self._redirect(next_path, {"Set-Cookie": cookie})

        # -- the storefront ----------------------------------------------------------------

        def _storefront(self, path: str, query: dict[str, list[str]]) -> storefront.Page:
            parts = [unquote(p) for p in path.strip("/").split("/") if p]
            if len(parts) <= 1:
                return storefront.home(saleor.shop, None)
            channel, rest = parts[1], parts[2:]
            if not rest:
                return storefront.home(saleor.shop, channel)
            if rest[0] == "products" and len(rest) == 2:
                return storefront.product(saleor.shop, channel, rest[1], app_url=saleor.app_url)
            if rest == ["checkout"]:
                return storefront.checkout(saleor.shop, channel, (query.get("checkout") or [""])[0])
            if rest[0] == "orders" and len(rest) == 2:
                return storefront.order(saleor.shop, channel, rest[1])
            return storefront.not_found(f"No page {path}.")

    return Handler


# The Dashboard's pages: no caching (they carry the session's state), no referrer beyond the
# origin, and framed by nobody.
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def make_server(
    *, host: str, port: int, shop: Any, app_url: str | None = None
) -> ThreadingHTTPServer:
    """The demo Saleor on ``host:port`` (not yet serving: call ``serve_forever`` in a thread),
    answering from ``shop`` and framing the app at ``app_url`` (default ``APP_URL``)."""
    saleor = DemoSaleor(shop=shop, app_url=app_url or settings.APP_URL)
    server = ThreadingHTTPServer((host, port), _handler(saleor))
    server.daemon_threads = True
    return server
