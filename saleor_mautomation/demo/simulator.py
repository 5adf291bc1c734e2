"""Keeps the demo shop alive: what its customers do, sent to the app as Saleor and a storefront
would send it.

Every Saleor event is a **signed webhook delivery through the app's real intake**
(``POST {app_url}/api/webhooks/saleor``, with Saleor's headers: ``Saleor-Event``,
``Saleor-Domain``, ``Saleor-Api-Url``, ``Saleor-Signature``, a detached JWS by the demo
Saleor's key); its body is the shop's node cut to the event's subscription (``saleor/
webhooks.py``) inside Saleor's envelope (``__typename``, ``issuedAt``, ``version``,
``issuingPrincipal``: the customer for storefront actions, none for a guest or a sign-up, the
payment app for a payment, the staff user for a fulfilment or a refund). Browsing goes through
the app's storefront API (``trackEvents``) from the demo storefront's origin, as a signed-in
customer (a Saleor access token minted by the demo Saleor's key) or an anonymous visitor.

Scenarios, each once in the first steps (a new demo shows them all within seconds), then drawn
at random (``SCENARIOS``' weights) by ``step()``:

- ``register``: CUSTOMER_CREATED, then ACCOUNT_CONFIRMED for 60 % (the welcome series);
- ``browse``: a category and one to four products viewed;
- ``abandon``: CHECKOUT_CREATED, then CHECKOUT_UPDATED with more lines, by a customer or a
  guest with an email, and no order. The checkout's last change is dated ``abandon_lag``
  (14 minutes) before now: the install sets the shop's ``checkoutAbandonedAfterMinutes`` to
  15, so the app's abandonment sweep finds it about a minute later and the abandoned-checkout
  journey starts within minutes, not after an hour. Saleor stamps ``lastChange`` and
  ``issuedAt`` when the change happens; a delivery that arrives minutes later, as from a busy
  webhook queue, is what Saleor itself sends then;
- ``recover``: ORDER_CREATED (its ``checkoutId`` the checkout's) and ORDER_FULLY_PAID for a
  checkout quiet for longer than the abandonment window: the journey's goal, an order;
- ``order``: a new order, ORDER_CREATED and ORDER_FULLY_PAID;
- ``fulfil``: ORDER_FULFILLED for a paid, unfulfilled order (the post-purchase journey's wait);
- ``refund``: ORDER_REFUNDED and ORDER_FULLY_REFUNDED for a recent fulfilled order;
- ``stock``: a stock count as a staff user's ``productVariantStocksUpdate`` makes Saleor send
  it (``update_or_create_variant_stocks``): PRODUCT_VARIANT_OUT_OF_STOCK or
  PRODUCT_VARIANT_BACK_IN_STOCK when the quantity crosses zero, then
  PRODUCT_VARIANT_STOCK_UPDATED, each with the variant as it now is. A variant the simulator
  sold out comes back ``restock_after`` (3 minutes) later, oldest first; otherwise a variant of
  a product someone showed interest in lately (``interest``: what the simulator's signed-in
  visitors viewed and its checkouts held, with their channel) sells out or runs low (1 to 3
  left: the app's low-stock moment for the carts holding it); now and then one of the shop's
  sold-out variants comes back;
- ``price``: PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED as Saleor's discounted-price task sends
  it when a promotion starts or ends in a channel: a variant of a product of interest 10 to 30
  % off in the interested customer's channel (the app's price drop), or, ``promotion_length``
  (10 minutes) after the simulator started one, its end (the listing price again);
- ``listing``: PRODUCT_UPDATED as ``productChannelListingUpdate`` sends it: a product taken
  out of a channel's listings (``visibleInListings`` false: no longer recommended there), or
  one taken out earlier put back.

The catalogue's scenarios wait until the app has read the whole catalogue once (the last page
of its full sync from the demo Saleor, remembered in the journal): before that, each is a
``browse``, so no delivery names a variant the app does not have yet. Each catalogue move is
the demo shop's too (``Shop.stock_set``, ``discount_set``,
``listing_visible_set``, journaled), and every delivery is cut from the same nodes the demo
Saleor answers (``demo.catalogue_nodes``), so a later full sync sees what the deliveries said.

A scenario that has nothing to act on (no order to fulfil) places an order instead. A refused
or failed call is logged in one line and the simulator goes on; each action logs one INFO line.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse

from saleor_mautomation.demo import config
from saleor_mautomation.demo.catalogue_nodes import catalogue_product, catalogue_variant
from saleor_mautomation.demo.graphql_answers import selected
from saleor_mautomation.demo.shop import Shop, percent_off
from saleor_mautomation.demo.shop_nodes import (
    Node,
    basket,
    checkout_lines_set,
    checkout_node,
    order_fulfilled,
    order_node,
    order_refunded,
    person,
    stamp,
)
from saleor_mautomation.saleor.webhooks import SPECS_BY_EVENT

logger = logging.getLogger(__name__)

SALEOR_VERSION = "3.23.28"
PAYMENT_APP = {"__typename": "App", "id": "QXBwOjI=", "name": "Demo Payments"}  # App:2
STAFF = {"__typename": "User", "id": config.STAFF_USER_ID, "email": config.STAFF_EMAIL}
SCENARIOS = {
    "register": 18,
    "browse": 26,
    "abandon": 14,
    "recover": 8,
    "order": 18,
    "fulfil": 13,
    "refund": 3,
    "stock": 6,
    "price": 4,
    "listing": 2,
}
# A variant that runs low is taken from at least this many to 1-3: the app's default low-stock
# threshold (CatalogueSettings.low_stock_threshold), so the move is its low-stock moment.
LOW_FROM = 5
# The scenarios that move the catalogue: drawn once the app has read it (``Shop.catalogue_read``).
CATALOGUE_SCENARIOS = ("stock", "price", "listing")
# Subject of each event's payload, by the start of its type's name (the first that matches).
SUBJECTS = {
    "Customer": "user",
    "Account": "user",
    "Checkou": "checkout",
    "Order": "order",
    "ProductVariant": "productVariant",
    "Product": "product",
}
TRACK = """
mutation DemoTrack($anonymousId: String, $events: [TrackEventInput!]!) {
  trackEvents(anonymousId: $anonymousId, events: $events) { accepted }
}
"""


@dataclass(frozen=True)
class Call:
    """One request: a webhook event or ``trackEvents``, the app's HTTP status (0: no answer)
    and, for the storefront API, the code of a GraphQL error."""

    name: str
    status: int
    error: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == 200 and not self.error

    def __str__(self) -> str:
        return f"{self.name} {self.status or 'no answer'}{' ' + self.error if self.error else ''}"


@dataclass
class Action:
    """What one step did: its scenario, the id of what it acted on (the new customer, the
    checkout, the order), its calls, and a line for the log."""

    scenario: str
    subject: str = ""
    calls: list[Call] = field(default_factory=list)
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return all(call.accepted for call in self.calls)

    @property
    def events(self) -> list[str]:
        return [call.name for call in self.calls]

    def line(self) -> str:
        return f"{self.scenario}: {self.detail} ({', '.join(map(str, self.calls))})"


@cache
def _subscription(event: str) -> tuple[Any, dict[str, FragmentDefinitionNode]]:
    """The selection under ``event`` of the event's subscription, and its fragments."""
    document = parse(SPECS_BY_EVENT[event].subscription)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    root = operation.selection_set.selections[0]
    assert isinstance(root, FieldNode)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return root.selection_set, fragments


def webhook_payload(
    event: str, subject: Node, *, issued_at: datetime, principal: Node | None, **extra: Any
) -> dict[str, Any]:
    """A delivery's body as Saleor sends it: the envelope and ``subject`` (the user, checkout,
    order, product or variant) cut to the event's subscription; ``extra`` the event's other
    fields (a price change's ``channel``, ``previousPrice`` and ``newPrice``)."""
    spec = SPECS_BY_EVENT[event]
    name = next(v for k, v in SUBJECTS.items() if spec.typename.startswith(k))
    source = {
        "__typename": spec.typename,
        "issuedAt": stamp(issued_at),
        "version": SALEOR_VERSION,
        "issuingPrincipal": None,
        "redirectUrl": None,
        "channel": None,
        name: subject,
        **extra,
    }
    selection, fragments = _subscription(event)
    body: dict[str, Any] = selected(selection, source, fragments)
    # The principal is an App or a User: only that type's fields, as Saleor answers.
    body["issuingPrincipal"] = principal
    return body


def _graphql_error(answer: bytes) -> str:
    """The first error's code of a GraphQL answer, "" when it has none."""
    try:
        errors = json.loads(answer).get("errors") or []
    except (ValueError, AttributeError):
        return "UNREADABLE"
    if not errors:
        return ""
    return str((errors[0].get("extensions") or {}).get("code") or errors[0].get("message", ""))


class Simulator:
    def __init__(
        self,
        app_url: str,
        shop: Shop,
        rng: random.Random,
        *,
        client: httpx.Client | None = None,
        abandon_lag: timedelta = timedelta(minutes=14),
        abandoned_after: timedelta = timedelta(minutes=15),
        restock_after: timedelta = timedelta(minutes=3),
        promotion_length: timedelta = timedelta(minutes=10),
        now: Callable[[], datetime] = lambda: datetime.now(tz=UTC),
    ) -> None:
        self.app_url = app_url.rstrip("/")
        self.shop = shop
        self.rng = rng
        self.client = client or httpx.Client(timeout=10)
        self.abandon_lag = abandon_lag
        self.abandoned_after = abandoned_after
        self.now = now
        self.key = config.signing_key()
        self.api_url = config.saleor_api_url()
        self.restock_after = restock_after
        self.promotion_length = promotion_length
        self.visitors: list[str] = []  # recent anonymous ids, for guests who come back
        # Products someone viewed signed in or held in a checkout lately, with the channel.
        self.interest: list[tuple[str, str]] = []
        self.sold_out: dict[str, datetime] = {}  # variants this simulator sold out, since
        self.promoted: dict[tuple[str, str], datetime] = {}  # promotions it started, since
        # Each scenario once first (in a random order), so a new demo shows them all at once.
        self.first_round = rng.sample(list(SCENARIOS), len(SCENARIOS))

    # -- the loop

    def run(self, stop: threading.Event) -> None:
        """One action every ``DEMO_SIMULATOR_INTERVAL`` seconds until ``stop`` is set."""
        while not stop.wait(settings.DEMO_SIMULATOR_INTERVAL):
            self.step()

    def step(self) -> Action:
        if self.first_round:
            scenario = self.first_round.pop()
        else:
            scenario = self.rng.choices(list(SCENARIOS), weights=list(SCENARIOS.values()))[0]
        if scenario in CATALOGUE_SCENARIOS and not self.shop.catalogue_read:
            scenario = "browse"  # the app has not read the catalogue yet: nothing to move
        action = getattr(self, f"_{scenario}")()
        if action.accepted:
            logger.info("Demo shop: %s", action.line())
        else:
            logger.warning("Demo shop: refused: %s", action.line())
        return action

    # -- sending

    def _deliver(self, action: Action, event: str, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        headers = {
            "Content-Type": "application/json",
            "Saleor-Event": event.lower(),
            "Saleor-Domain": urlsplit(self.api_url).netloc,
            "Saleor-Api-Url": self.api_url,
            "Saleor-Signature": self.key.sign_webhook(raw),
        }
        status, answer = self._post("/api/webhooks/saleor", raw, headers)
        action.calls.append(Call(event, status, "" if status else answer.decode()))

    def _post(self, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        try:
            response = self.client.post(f"{self.app_url}{path}", content=raw, headers=headers)
        except httpx.HTTPError as exc:
            return 0, type(exc).__name__.encode()
        return response.status_code, response.content

    def _send(
        self, action: Action, event: str, subject: Node, at: datetime, principal: Node | None
    ) -> None:
        body = webhook_payload(event, subject, issued_at=at, principal=principal)
        self._deliver(action, event, body)

    def _track(self, action: Action, events: list[dict[str, Any]], *, user: Node | None) -> None:
        headers = {
            "Content-Type": "application/json",
            "Saleor-Api-Url": self.api_url,
            "Origin": config.saleor_origin(),
        }
        variables: dict[str, Any] = {"events": events}
        if user is not None:
            headers["Authorization"] = f"Bearer {self._customer_token(user)}"
        else:
            if not self.visitors or self.rng.random() < 0.7:
                self.visitors = [*self.visitors[-49:], secrets.token_hex(12)]
            variables["anonymousId"] = self.rng.choice(self.visitors)
        raw = json.dumps({"query": TRACK, "variables": variables}).encode()
        status, answer = self._post("/graphql/", raw, headers)
        error = _graphql_error(answer) if status else answer.decode()
        action.calls.append(Call("trackEvents", status, error))

    def _customer_token(self, user: Node) -> str:
        """A storefront access token, as Saleor's ``tokenCreate`` gives a customer."""
        issued = int(self.now().timestamp())
        return self.key.mint_token(
            {
                "iat": issued,
                "owner": "saleor",
                "iss": self.api_url,
                "exp": issued + 300,
                "token": secrets.token_urlsafe(9),
                "email": user["email"],
                "type": "access",
                "user_id": user["id"],
                "is_staff": False,
            }
        )

    # -- who

    def _customer(self) -> Node:
        """A customer with an address (a buyer needs one), favouring those who bought before."""
        customers = self.shop.customers
        for _ in range(20):
            user = self.rng.choice(customers)
            if user["defaultBillingAddress"] is not None:
                return user
        return next(c for c in reversed(customers) if c["defaultBillingAddress"] is not None)

    def _favourite(self, user: Node | None) -> int:
        if user is not None and user["id"] in self.shop.affinity:
            return self.shop.affinity[user["id"]]
        return self.rng.randrange(len(self.shop.categories))

    # -- scenarios

    def _register(self) -> Action:
        now = self.now()
        with_address = self.rng.random() < 0.5
        user = person(self.rng, pk=self.shop.next_user_pk, joined=now, with_address=with_address)
        user.update(isConfirmed=False, updatedAt=stamp(now))
        self.shop.affinity[user["id"]] = self._favourite(None)
        self.shop.add_customer(user)
        action = Action("register", user["id"], detail=user["email"])
        self._send(action, "CUSTOMER_CREATED", user, now, None)
        if self.rng.random() < 0.6:
            later = now + timedelta(seconds=2)
            confirmed = {**user, "isConfirmed": True, "updatedAt": stamp(later)}
            self.shop.add_customer(confirmed)
            self._send(action, "ACCOUNT_CONFIRMED", confirmed, later, None)
        return action

    def _browse(self) -> Action:
        signed_in = self.rng.random() < 0.6
        user = self._customer() if signed_in else None
        category = self.shop.categories[self._favourite(user)]
        products = [p for p in self.shop.products if p["category"]["id"] == category["id"]]
        return self.view(user, category, self.rng.sample(products, self.rng.randint(1, 4)))

    def view(self, user: Node | None, category: Node, viewed: list[Node]) -> Action:
        """A visit: the category, then each of ``viewed``, by ``user`` (None: a visitor), in
        the channel the storefront shows them (each view names it, as a storefront knows it)."""
        channel = self.shop.channel_of(user)["slug"]
        events = [
            {
                "type": "CATEGORY_VIEWED",
                "clientId": secrets.token_hex(8),
                "properties": {"category_id": category["id"], "slug": category["slug"]},
            },
            *(
                {
                    "type": "PRODUCT_VIEWED",
                    "clientId": secrets.token_hex(8),
                    "properties": {
                        "product_id": product["id"],
                        "category_id": category["id"],
                        "slug": product["slug"],
                        "channel": channel,
                    },
                }
                for product in viewed
            ),
        ]
        names = ", ".join(p["name"] for p in viewed)
        who = user["email"] if user else "a visitor"
        action = Action("browse", category["id"], detail=f"{who} viewed {len(viewed)}: {names}")
        self._track(action, events, user=user)
        if user is not None:
            self._interested([p["id"] for p in viewed], channel)
        return action

    def _interested(self, product_ids: list[str], channel: str) -> None:
        kept = [i for i in self.interest if i[0] not in product_ids or i[1] != channel]
        self.interest = [*kept, *((p, channel) for p in product_ids)][-60:]

    def _abandon(self) -> Action:
        changed = self.now() - self.abandon_lag
        created = changed - timedelta(minutes=self.rng.uniform(1, 5))
        guest = self.rng.random() < 0.3
        user = None if guest else self._customer()
        buyer = user or person(self.rng, pk=30_000_000 + self.rng.randrange(10**6), joined=created)
        email, address = buyer["email"], buyer["defaultBillingAddress"]
        favourite = self._favourite(user)
        items = basket(self.shop, self.rng, favourite)
        checkout = checkout_node(
            rng=self.rng,
            shop=self.shop,
            user=user,
            email=email,
            address=address,
            language=buyer["languageCode"],
            channel=self.shop.channel_of(buyer),
            items=items[:1],
            created=created,
            changed=created,
            anonymous_id=self.rng.choice(self.visitors) if guest and self.visitors else None,
        )
        principal = {"__typename": "User", "id": user["id"], "email": email} if user else None
        action = Action("abandon", checkout["id"], detail=f"{email} left a checkout")
        self.shop.upsert_checkout(checkout)
        self._send(action, "CHECKOUT_CREATED", checkout, created, principal)
        more = items if len(items) > 1 else [*items, *basket(self.shop, self.rng, favourite)[:1]]
        checkout = checkout_lines_set(
            checkout, rng=self.rng, shop=self.shop, items=more, at=changed
        )
        self.shop.upsert_checkout(checkout)
        self._send(action, "CHECKOUT_UPDATED", checkout, changed, principal)
        held = list(dict.fromkeys(line["variant"]["product"]["id"] for line in checkout["lines"]))
        self._interested(held, checkout["channel"]["slug"])
        return action

    def _recover(self) -> Action:
        quiet_since = self.now() - self.abandoned_after - timedelta(minutes=2)
        candidates = [
            c
            for c in self.shop.checkouts
            if c["email"] and c["lines"] and datetime.fromisoformat(c["lastChange"]) <= quiet_since
        ]
        if not candidates:
            return self._abandon()
        checkout = self.rng.choice(candidates[-50:])
        user = self.shop.node(checkout["user"]["id"]) if checkout["user"] else None
        items = [(line["variant"], line["quantity"]) for line in checkout["lines"]]
        order = self._place(user, checkout["email"], checkout["billingAddress"], items, checkout)
        self.shop.remove_checkout(checkout["id"])
        action = Action(
            "recover", checkout["id"], detail=f"{checkout['email']} ordered #{order['number']}"
        )
        self._order_sent(action, order, user)
        return action

    def _order(self) -> Action:
        user = self._customer()
        items = basket(self.shop, self.rng, self._favourite(user))
        order = self._place(user, user["email"], user["defaultBillingAddress"], items, None)
        action = Action("order", order["id"], detail=f"{user['email']} ordered #{order['number']}")
        self._order_sent(action, order, user)
        return action

    def _place(
        self,
        user: Node | None,
        email: str,
        address: Node | None,
        items: list[tuple[Node, int]],
        checkout: Node | None,
    ) -> Node:
        channel = checkout["channel"] if checkout else self.shop.channel_of(user)
        order = order_node(
            rng=self.rng,
            shop=self.shop,
            number=self.shop.next_order_number,
            user=user,
            email=email,
            address=address,
            language=(checkout or user or {}).get("languageCode") or "EN_US",
            channel=channel,
            items=items,
            created=self.now(),
        )
        if checkout is not None:
            order["checkoutId"] = checkout["id"]
        self.shop.add_order(order)
        return order

    def _order_sent(self, action: Action, order: Node, user: Node | None) -> None:
        created = datetime.fromisoformat(order["created"])
        customer = (
            {"__typename": "User", "id": user["id"], "email": user["email"]} if user else None
        )
        self._send(action, "ORDER_CREATED", order, created, customer)
        self._send(action, "ORDER_FULLY_PAID", order, created + timedelta(seconds=1), PAYMENT_APP)

    def _fulfil(self) -> Action:
        waiting = [
            o for o in self.shop.orders[-300:] if o["status"] == "UNFULFILLED" and o["isPaid"]
        ]
        if not waiting:
            return self._order()
        order = waiting[0]  # oldest first, as a warehouse ships
        now = self.now()
        fulfilled = order_fulfilled(order, at=now, fulfillment_pk=self.shop.next_fulfillment_pk)
        self.shop.add_order(fulfilled)
        action = Action("fulfil", order["id"], detail=f"order #{order['number']} shipped")
        self._send(action, "ORDER_FULFILLED", fulfilled, now, STAFF)
        return action

    def _refund(self) -> Action:
        recent = [
            o
            for o in self.shop.orders[-300:]
            if o["status"] == "FULFILLED" and o["paymentStatus"] == "FULLY_CHARGED"
        ]
        if not recent:
            return self._order()
        order = self.rng.choice(recent)
        now = self.now()
        refunded = order_refunded(order, at=now)
        self.shop.add_order(refunded)
        action = Action("refund", order["id"], detail=f"order #{order['number']} refunded")
        self._send(action, "ORDER_REFUNDED", refunded, now, STAFF)
        self._send(action, "ORDER_FULLY_REFUNDED", refunded, now, STAFF)
        return action

    # -- the catalogue

    def _variant_sent(self, action: Action, event: str, variant: Node, at: datetime) -> None:
        node = catalogue_variant(self.shop, variant)
        self._send(action, event, node, at, STAFF)

    def _interesting_variants(self, wanted: Callable[[Node, str], bool]) -> list[tuple[Node, str]]:
        """The variants (with the channel) of the products of interest, newest interest first,
        that ``wanted`` keeps."""
        found = []
        for product_id, channel in reversed(self.interest):
            product = self.shop.product(product_id)
            for variant in product["variants"] if product else []:
                if wanted(variant, channel):
                    found.append((variant, channel))
        return found

    def stock_set(self, variant_id: str, quantity: int) -> Action:
        """A staff user sets the variant's stock: OUT_OF_STOCK or BACK_IN_STOCK when it
        crosses zero, then STOCK_UPDATED (``update_or_create_variant_stocks``)."""
        now = self.now()
        variant = self.shop.variant(variant_id)
        assert variant is not None, variant_id
        before = self.shop.stock_set(variant_id, quantity)
        if before > 0 >= quantity:
            self.sold_out[variant_id] = now
        elif quantity > 0:
            self.sold_out.pop(variant_id, None)
        name = f"{variant['product']['name']} ({variant['name']})"
        action = Action("stock", variant_id, detail=f"{name}: {before} -> {quantity}")
        if before > 0 >= quantity:
            self._variant_sent(action, "PRODUCT_VARIANT_OUT_OF_STOCK", variant, now)
        elif before <= 0 < quantity:
            self._variant_sent(action, "PRODUCT_VARIANT_BACK_IN_STOCK", variant, now)
        self._variant_sent(action, "PRODUCT_VARIANT_STOCK_UPDATED", variant, now)
        return action

    def price_set(self, variant_id: str, channel: str, price: float | None) -> Action:
        """A promotion starts (``price``) or ends (None) for the variant in ``channel``:
        PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED with the price paid before and now."""
        now = self.now()
        variant = self.shop.variant(variant_id)
        assert variant is not None, variant_id
        before = self.shop.discount_set(variant_id, channel, price)
        after = self.shop.discounted_price(variant_id, channel)
        if price is None:
            self.promoted.pop((variant_id, channel), None)
        else:
            self.promoted[(variant_id, channel)] = now
        currency = self.shop.channel(channel)["currencyCode"]
        name = f"{variant['product']['name']} ({variant['name']})"
        action = Action(
            "price",
            variant_id,
            detail=f"{name} in {channel}: {before:.2f} -> {after:.2f} {currency}",
        )
        body = webhook_payload(
            "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED",
            catalogue_variant(self.shop, variant),
            issued_at=now,
            principal=None,
            channel=self.shop.channel(channel),
            previousPrice={"amount": before, "currency": currency},
            newPrice={"amount": after, "currency": currency},
        )
        self._deliver(action, "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED", body)
        return action

    def listing_set(self, product_id: str, channel: str, visible: bool) -> Action:
        """A staff user takes the product out of the channel's listings or puts it back:
        PRODUCT_UPDATED (``productChannelListingUpdate``)."""
        now = self.now()
        product = self.shop.product(product_id)
        assert product is not None, product_id
        self.shop.listing_visible_set(product_id, channel, visible)
        change = "back in" if visible else "out of"
        action = Action("listing", product_id, detail=f"{product['name']} {change} {channel}")
        node = catalogue_product(self.shop, product)
        self._send(action, "PRODUCT_UPDATED", node, now, STAFF)
        return action

    def _stock(self) -> Action:
        now = self.now()
        due = sorted((at, v) for v, at in self.sold_out.items() if at <= now - self.restock_after)
        if due:
            return self.stock_set(due[0][1], self.rng.randint(12, 40))
        if self.rng.random() < 0.2:
            sold_out = [
                v["id"]
                for p in self.shop.products
                for v in p["variants"]
                if self.shop.stock(v["id"]) <= 0
            ]
            if sold_out:
                return self.stock_set(self.rng.choice(sold_out), self.rng.randint(12, 40))
        in_stock = self._interesting_variants(lambda v, _c: self.shop.stock(v["id"]) >= LOW_FROM)
        if in_stock:
            variant = self.rng.choice(in_stock[:8])[0]
        else:
            variant = self.rng.choice(self.rng.choice(self.shop.products)["variants"])
        left = 0 if self.rng.random() < 0.5 else self.rng.randint(1, 3)
        return self.stock_set(variant["id"], left)

    def _price(self) -> Action:
        now = self.now()
        due = sorted(
            (at, key) for key, at in self.promoted.items() if at <= now - self.promotion_length
        )
        if due:
            variant_id, channel = due[0][1]
            return self.price_set(variant_id, channel, None)
        discounts = self.shop.discounts()
        if len(discounts) > 6 * len(self.shop.channels):
            variant_id, channel = self.rng.choice(sorted(discounts))
            return self.price_set(variant_id, channel, None)
        candidates = self._interesting_variants(lambda v, c: (v["id"], c) not in discounts)
        if candidates:
            variant, channel = self.rng.choice(candidates[:8])
        else:
            variant = self.rng.choice(self.rng.choice(self.shop.products)["variants"])
            channel = self.rng.choice(self.shop.channels)["slug"]
        listing = self.shop.listing_price(variant["id"], channel)
        return self.price_set(
            variant["id"], channel, percent_off(listing, self.rng.choice((10, 15, 20, 25, 30)))
        )

    def _listing(self) -> Action:
        hidden = [
            (p["id"], c["slug"])
            for p in self.shop.products
            for c in self.shop.channels
            if not self.shop.listed_visibly(p["id"], c["slug"])
        ]
        if hidden:
            product_id, channel = hidden[0]
            return self.listing_set(product_id, channel, True)
        product = self.rng.choice(self.shop.products)
        return self.listing_set(product["id"], self.rng.choice(self.shop.channels)["slug"], False)
