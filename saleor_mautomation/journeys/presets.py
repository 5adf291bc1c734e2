"""Ready-made journeys, each installed in one action: published at once, or as a draft the
admin edits before it goes live (the Dashboard's gallery), sending messaging's default
templates. Vouchers are percentages valid in every channel (``"*"``); the admin edits the value
or names channels in the draft.

Each preset comes with a plain description and a tidy default layout for the canvas
(``layout.layout_layered``), computed once here: the editor draws a preset as it is installed and
moves nothing afterwards unless the admin asks it to tidy up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from django.db import transaction

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.journeys.layout import layout_layered
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.preferred import channels_sent
from saleor_mautomation.journeys.preset_series import preset_for_shop
from saleor_mautomation.journeys.services import journey_create, journey_publish
from saleor_mautomation.messages.services import templates_builtin_ensure, templates_channel_ensure


class Preset(NamedTuple):
    name: str
    definition: dict[str, Any]
    description: str


def _send(template: str, then: str, best_hour: bool = False) -> dict[str, Any]:
    return {"type": "send_email", "template": template, "at_best_hour": best_hour, "next": then}


def _wait(then: str, **duration: int) -> dict[str, Any]:
    return {"type": "wait", "duration": duration, "next": then}


def _voucher(then: str, percent: int, days: int, prefix: str) -> dict[str, Any]:
    return {
        "type": "give_voucher",
        "discount_type": "percentage",
        "values": {"*": percent},
        "valid_days": days,
        "code_prefix": prefix,
        "next": then,
    }


def _ordered_within(yes: str, no: str, **timeout: int) -> dict[str, Any]:
    """Wait for an order: ``yes`` as soon as one is placed, ``no`` after ``timeout``."""
    return {
        "type": "wait_for_event",
        "event_type": "order.placed",
        "timeout": timeout,
        "on_event": yes,
        "on_timeout": no,
    }


EXIT = {"type": "exit"}
ORDERED = {"event_type": "order.placed"}

PRESETS: dict[str, Preset] = {
    # The welcome programme (docs/journeys.md#the-welcome-programme): entered once per
    # contact on a Saleor registration or a confirmed newsletter subscription; buyers get
    # cross- and up-sell, the others a unique code, and whoever buys later joins the buyers.
    "welcome-series": Preset(
        "Welcome series",
        {
            "entry": {"type": "event", "event_type": "contact.signed_up"},
            "start": "welcome",
            "nodes": {
                "welcome": _send("welcome-1", "pause"),
                "pause": _wait("bought", days=2),
                "bought": {
                    "type": "condition",
                    "condition": {"type": "order"},
                    "yes": "cross-sell",
                    "no": "code",
                },
                "cross-sell": _send("welcome-buyer-1", "pause-buyer", best_hour=True),
                "pause-buyer": _wait("up-sell", days=5),
                "up-sell": _send("welcome-buyer-2", "end", best_hour=True),
                "code": _voucher("incentive", 10, 14, "HELLO"),
                "incentive": _send("welcome-incentive", "bought-after-code", best_hour=True),
                "bought-after-code": _ordered_within("settle", "reminder", days=5),
                "reminder": _send("welcome-reminder", "bought-after-reminder", best_hour=True),
                "bought-after-reminder": _ordered_within("settle", "end", days=7),
                "settle": _wait("cross-sell", days=2),
                "end": EXIT,
            },
        },
        (
            "Welcomes a new customer account or confirmed newsletter subscriber once, at once;"
            " two days later a buyer gets two longer emails with products that go with what"
            " they bought, anyone else a 10% code valid for two weeks and a reminder. Whoever"
            " orders after the code joins the buyers' emails two days later."
        ),
    ),
    "abandoned-checkout": Preset(
        "Abandoned checkout",
        {
            "entry": {
                "type": "event",
                "event_type": "checkout.abandoned",
                "entry_key": "checkout_id",
            },
            "reentry": {"mode": "every_time"},
            "goal": ORDERED,
            "start": "first",
            "nodes": {
                "first": _send("abandoned-checkout-1", "pause-1"),
                "pause-1": _wait("second", hours=23),
                "second": _send("abandoned-checkout-2", "pause-2"),
                "pause-2": _wait("code", days=2),
                "code": _voucher("third", 10, 7, "CART"),
                "third": _send("abandoned-checkout-3", "end"),
                "end": EXIT,
            },
        },
        (
            "Reminds a shopper of a checkout left without an order: an email at once, another a day"
            " later, then a 10% code two days after that. Ends when they order."
        ),
    ),
    # The first reminder on the channel the customer answers on (contacts.channel_preference),
    # where they can be reached; the second by email.
    "abandoned-checkout-preferred": Preset(
        "Abandoned checkout on the preferred channel",
        {
            "entry": {
                "type": "event",
                "event_type": "checkout.abandoned",
                "entry_key": "checkout_id",
            },
            "reentry": {"mode": "every_time"},
            "goal": ORDERED,
            "start": "remind",
            "nodes": {
                "remind": {
                    "type": "send_preferred",
                    "templates": {
                        "email": "abandoned-checkout-1",
                        "push": "abandoned-checkout-push",
                        "sms": "abandoned-checkout-sms",
                    },
                    "fallback": ["email", "push", "sms"],
                    "at_best_hour": False,
                    "next": "pause",
                },
                "pause": _wait("second", hours=23),
                "second": _send("abandoned-checkout-2", "end"),
                "end": EXIT,
            },
        },
        (
            "Reminds of a cart left behind an hour after its last change, on the channel the"
            " customer answers on (the one they click, open or reply on most, where they can be"
            " reached; otherwise email, then web push, then SMS), and by email a day later."
            " An order from the checkout ends it."
        ),
    ),
    "browse-abandonment": Preset(
        "Browse abandonment",
        {
            "entry": {"type": "event", "event_type": "browse.abandoned"},
            "reentry": {"mode": "after_days", "days": 7},
            "goal": ORDERED,
            "start": "nudge",
            "nodes": {"nudge": _send("browse-abandonment", "end", best_hour=True), "end": EXIT},
        },
        (
            "One nudge, at the contact's best hour, for someone who viewed products and left "
            "without buying; at most once a week, ends when they order."
        ),
    ),
    "win-back": Preset(
        "Win-back",
        {
            "entry": {"type": "event", "event_type": "customer.lapsed"},
            "reentry": {"mode": "after_days", "days": 180},
            "goal": ORDERED,
            "start": "miss-you",
            "nodes": {
                "miss-you": _send("win-back-1", "pause-1", best_hour=True),
                "pause-1": _wait("code", days=7),
                "code": _voucher("offer", 15, 21, "BACK"),
                "offer": _send("win-back-2", "pause-2", best_hour=True),
                "pause-2": _wait("last-call", days=7),
                "last-call": _send("win-back-3", "end", best_hour=True),
                "end": EXIT,
            },
        },
        (
            "Brings back customers who stopped ordering: a we-miss-you email, a 15% code a week "
            "later, a last call after another week. Ends when they order."
        ),
    ),
    "post-purchase": Preset(
        "Post-purchase thanks and review",
        {
            "entry": {"type": "event", "event_type": "order.placed", "entry_key": "order_id"},
            "reentry": {"mode": "every_time"},
            "start": "thanks",
            "nodes": {
                "thanks": _send("post-purchase-thanks", "delivered"),
                "delivered": {
                    "type": "wait_for_event",
                    "event_type": "order.fulfilled",
                    "timeout": {"days": 14},
                    "on_event": "settle",
                    "on_timeout": "end",
                },
                "settle": _wait("review", days=5),
                "review": _send("post-purchase-review", "end", best_hour=True),
                "end": EXIT,
            },
        },
        (
            "Thanks the customer for each order, waits for it to be fulfilled and asks for a review"
            " five days later."
        ),
    ),
    "birthday": Preset(
        "Birthday",
        {
            "entry": {"type": "date", "field": "birthday", "days_offset": 0, "at_hour": 9},
            "reentry": {"mode": "every_time"},
            "start": "code",
            "nodes": {
                "code": _voucher("greeting", 15, 14, "BDAY"),
                "greeting": _send("birthday", "end"),
                "end": EXIT,
            },
        },
        (
            "On the contact's birthday at 9 in their time zone: a 15% code valid for two weeks, "
            "with a greeting."
        ),
    ),
    "spend-threshold": Preset(
        "VIP spend threshold",
        {
            # Once: the first threshold crossed makes a VIP (set the thresholds per currency
            # in the contacts settings; filter on "threshold" here to start at a higher one).
            "entry": {"type": "event", "event_type": "spend.threshold_crossed"},
            "start": "tag",
            "nodes": {
                "tag": {
                    "type": "update_profile",
                    "metadata": {"mautomation.vip": "true"},
                    "next": "club",
                },
                "club": {"type": "list_add", "list": "vip-club", "next": "thanks"},
                "thanks": _send("vip", "end", best_hour=True),
                "end": EXIT,
            },
        },
        (
            "When a customer's spend first crosses a threshold: marks them VIP in Saleor, adds them"
            " to the VIP club list and thanks them."
        ),
    ),
    "vip": Preset(
        "VIP welcome",
        {
            "entry": {
                "type": "event",
                "event_type": "segment.entered",
                "where": [{"property": "segment", "op": "eq", "value": "stage-vip"}],
            },
            "start": "vip",
            "nodes": {"vip": _send("vip", "end", best_hour=True), "end": EXIT},
        },
        "Welcomes a customer into the VIP segment with one email at their best hour.",
    ),
    # Issue 22's programmes: the surveys and draws they link to are made in the Dashboard
    # (the templates link to the survey "nps" and the draw "prize-draw"; docs/programmes.md).
    "coupon": Preset(
        "Printable coupon",
        {
            "entry": {"type": "manual"},
            "reentry": {"mode": "after_days", "days": 30},
            "start": "code",
            "nodes": {
                "code": _voucher("coupon", 10, 30, "SHOP"),
                "coupon": _send("coupon", "end", best_hour=True),
                "end": EXIT,
            },
        },
        (
            "A 10% code valid for 30 days, sent as a coupon to use online or at the till: the code"
            " as text, a QR code, a barcode and a printable page, to the contacts you add."
        ),
    ),
    "nps-survey": Preset(
        "NPS survey after delivery",
        {
            "entry": {"type": "event", "event_type": "order.fulfilled", "entry_key": "order_id"},
            "reentry": {"mode": "after_days", "days": 90},
            "start": "settle",
            "nodes": {
                "settle": _wait("ask", days=7),
                "ask": _send("nps-survey", "answered", best_hour=True),
                "answered": {
                    "type": "wait_for_event",
                    "event_type": "survey.answered",
                    "where": [
                        {"property": "survey", "op": "eq", "value": "nps"},
                        {"property": "score", "op": "gte", "value": 9},
                    ],
                    "timeout": {"days": 14},
                    "on_event": "review",
                    "on_timeout": "end",
                },
                "review": _send("post-purchase-review", "end", best_hour=True),
                "end": EXIT,
            },
        },
        (
            "A week after an order is fulfilled (at most once in 90 days): the 0-10 question of the"
            " survey nps; a promoter (9 or 10) is then asked for a review."
        ),
    ),
    "prize-draw-invitation": Preset(
        "Prize draw invitation",
        {
            "entry": {"type": "manual"},
            "start": "invite",
            "nodes": {"invite": _send("prize-draw-invitation", "end", best_hour=True), "end": EXIT},
        },
        "Invites the contacts you add to the prize draw prize-draw (one click, then confirm).",
    ),
    "prize-draw-winners": Preset(
        "Prize draw winners",
        {
            "entry": {"type": "event", "event_type": "draw.won", "entry_key": "draw"},
            "reentry": {"mode": "every_time"},
            "start": "congratulate",
            "nodes": {"congratulate": _send("prize-draw-winner", "end"), "end": EXIT},
        },
        "Tells each winner of a prize draw, the moment the draw is run, that they won.",
    ),
    # Commerce triggers (journeys.commerce_triggers): the entry's filters are the editor's
    # "viewed or carted in the last N days" and "at least X % cheaper".
    "win-back-card": Preset(
        "Win-back card by post",
        {
            "entry": {"type": "event", "event_type": "customer.lapsed"},
            "reentry": {"mode": "after_days", "days": 180},
            "goal": ORDERED,
            "start": "code",
            "nodes": {
                "code": _voucher("card", 15, 60, "CARD"),
                "card": {
                    "type": "send_postal",
                    "template": "win-back-card",
                    "max_per_batch": 500,
                    "cutoff_hour": 15,
                    "next": "pause",
                },
                "pause": _wait("reminder", days=14),
                "reminder": _send("win-back-3", "end", best_hour=True),
                "end": EXIT,
            },
        },
        (
            "A postcard for customers who stopped ordering, with a 15% code of their own (those"
            " who agreed to post and have an address in Saleor; the day's print batch is"
            " downloaded as CSV for the printer), and a last-call email two weeks later."
        ),
    ),
    "back-in-stock": Preset(
        "Back in stock",
        {
            "entry": {
                "type": "event",
                "event_type": "product.back_in_stock",
                "where": [{"property": "interest_days", "op": "lte", "value": 14}],
                "entry_key": "product_id",
            },
            "reentry": {"mode": "every_time"},
            "start": "news",
            "nodes": {"news": _send("back-in-stock", "end"), "end": EXIT},
        },
        (
            "Tells contacts who viewed or carted a product in the last 14 days that it is back in"
            " stock, at once (stock goes fast); once per product and return."
        ),
    ),
    "price-drop": Preset(
        "Price drop",
        {
            "entry": {
                "type": "event",
                "event_type": "product.price_dropped",
                "where": [
                    {"property": "interest_days", "op": "lte", "value": 30},
                    {"property": "drop_percent", "op": "gte", "value": 10},
                ],
                "entry_key": "product_id",
            },
            "reentry": {"mode": "after_days", "days": 7},
            "goal": ORDERED,
            "start": "news",
            "nodes": {"news": _send("price-drop", "end", best_hour=True), "end": EXIT},
        },
        (
            "When a product a contact viewed or carted in the last 30 days gets at least 10%"
            " cheaper in their channel: one email at their best hour, at most once a week."
        ),
    ),
    "low-stock": Preset(
        "Low stock in the cart",
        {
            "entry": {
                "type": "event",
                "event_type": "product.stock_low",
                "where": [{"property": "interest_days", "op": "lte", "value": 7}],
                "entry_key": "product_id",
            },
            "reentry": {"mode": "after_days", "days": 3},
            "goal": ORDERED,
            "start": "nudge",
            "nodes": {"nudge": _send("low-stock", "end"), "end": EXIT},
        },
        (
            "When a product a contact carted in the last 7 days runs low: one email at once with a"
            " link back to the checkout, at most every three days; ends when they order."
        ),
    ),
    # Dates, series and thresholds (journeys.date_entries, journeys.attribute_thresholds).
    "check-up-reminder": Preset(
        "Yearly check-up reminder",
        {
            "entry": {
                "type": "date",
                "field": "attribute",
                "attribute": "check_up_due",
                "repeat": "yearly",
                "days_offset": -14,
                "at_hour": 9,
            },
            "reentry": {"mode": "every_time"},
            "start": "remind",
            "nodes": {"remind": _send("check-up-reminder", "end"), "end": EXIT},
        },
        (
            "Reminds a contact 14 days before the date in their custom attribute check_up_due"
            " (an ISO date from Saleor's metadata, an import or the trigger API), every year, at"
            " nine where they live."
        ),
    ),
    "monthly-tips": Preset(
        "Monthly tips",
        {
            # The segment and start are the shop's own, set at install (journeys.preset_series).
            "entry": {
                "type": "recurring",
                "segment_id": 1,
                "every": 1,
                "unit": "months",
                "start": "2026-01-01",
                "at_hour": 10,
            },
            "reentry": {"mode": "every_time"},
            "start": "tip",
            "nodes": {"tip": _send("monthly-tips", "end"), "end": EXIT},
        },
        (
            "A tip a month, on the first at ten where each reader lives, to everyone whose email"
            " consent is granted (the segment Monthly tips readers); numbered from 1."
        ),
    ),
    "loyalty-milestone": Preset(
        "Loyalty points milestone",
        {
            "entry": {
                "type": "event",
                "event_type": "attribute.threshold_crossed",
                "where": [
                    {"property": "attribute", "value": "loyalty_points"},
                    {"property": "threshold", "value": 1000},
                    {"property": "direction", "value": "up"},
                ],
            },
            "reentry": {"mode": "every_time"},
            "start": "congratulate",
            "nodes": {"congratulate": _send("loyalty-milestone", "end"), "end": EXIT},
        },
        (
            "Congratulates a contact whose custom attribute loyalty_points reaches 1000; again"
            " only after it has dropped below 1000 and comes back."
        ),
    ),
}


LAYOUTS = {key: layout_layered(preset.definition) for key, preset in PRESETS.items()}


def journey_preset_install(
    *, installation_id: int, key: str, now: datetime, as_draft: bool = False
) -> Journey:
    """Install a preset with its layout. Published at once (``as_draft=False``): the one
    journey of that key, created the first time and returned as it is after. As a draft: a
    new journey each time (its key made unique), for the admin to edit and publish. The
    default templates it sends are added first where the shop lacks them (one added to the
    app after the shop installed it): publishing refuses a step whose template does not
    exist."""
    if key not in PRESETS:
        raise PermanentError(f"No preset {key!r}", code="unknown_preset")
    preset = PRESETS[key]
    templates_builtin_ensure(installation_id=installation_id, now=now)
    for channel in channels_sent(preset.definition) - {"email"}:  # its SMS and push defaults
        templates_channel_ensure(installation_id=installation_id, channel=channel, now=now)
    definition = preset_for_shop(key, preset.definition, installation_id=installation_id, now=now)
    if as_draft:
        return journey_create(
            installation_id=installation_id,
            name=preset.name,
            draft=definition,
            layout=LAYOUTS[key],
            key=key,
        )
    with transaction.atomic():
        journey, created = Journey.objects.get_or_create(
            installation_id=installation_id,
            key=key,
            defaults={"name": preset.name, "draft": definition, "layout": LAYOUTS[key]},
        )
        if created:
            journey_publish(journey=journey, now=now)
    return journey
