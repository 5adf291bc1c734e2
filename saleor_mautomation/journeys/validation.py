"""What publishing checks beyond a definition's shape: that every step could succeed in this
installation.

``journey_parse`` knows the language; it cannot know the shop. A step that names a template,
segment, static list or Saleor channel the shop does not have, sets a profile value the
profile rule refuses, or gives a voucher Saleor would refuse, would fail for every run that
reaches it (a country of "Germany" once failed every batch at the database). ``journey_check``
names each such step (node id, code, message) so that ``journey_publish`` refuses the draft
and the canvas can mark the node. The entry is named ``entry``.

Errors refuse the publish. Warnings do not: they name what cannot work *yet* and may be fixed
after publishing without a new version: an SMS step while no SMS provider is set up (its
messages fail until one is: the admin may well publish first and connect Twilio after), an
inactive Saleor channel, or channels that could not be checked because Saleor did not answer.

Vouchers are checked as Saleor 3.23 checks what the app sends (``voucherCreate`` and
``voucherChannelListingUpdate``): every channel named must exist; a percentage is at most 100;
a fixed amount has at most the decimals of each channel's currency
(``validate_price_precision``) and, when the step names a currency, every channel it reaches
sells in it; a value fits Saleor's column (20 digits, 3 of them decimals). The name, dates and
codes the app sends are valid by construction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import jinja2
from django.conf import settings

from saleor_mautomation.contacts.profile import profile_clean
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.messages.models import SmsProvider, Template, TemplateVersion
from saleor_mautomation.messages.rendering import SUBJECTS
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client
from saleor_mautomation.segments import definition as sd
from saleor_mautomation.segments.models import Segment, StaticList

ENTRY = "entry"
# Decimals of a fixed amount per currency, as Saleor 3.23.28 reads them (Babel 2.17's CLDR
# currency fractions); every other currency has 2.
# fmt: off
CURRENCY_DIGITS = {
    **dict.fromkeys([
        "ADP", "AFN", "ALL", "BIF", "BYR", "CLP", "DJF", "ESP", "GNF", "IQD", "IRR", "ISK",
        "ITL", "JPY", "KMF", "KPW", "KRW", "LAK", "LBP", "LUF", "MGA", "MGF", "MMK", "MRO",
        "PYG", "RSD", "RWF", "SLL", "SOS", "STD", "SYP", "TMM", "TRL", "UGX", "UYI", "VND",
        "VUV", "XAF", "XOF", "XPF", "YER", "ZMK", "ZWD",
    ], 0),
    **dict.fromkeys(["BHD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}
# fmt: on
MAX_VALUE = Decimal(10) ** 17  # Saleor's discount_value: max_digits=20, decimal_places=3


@dataclass(frozen=True)
class NodeError:
    """One reason a step could never succeed (or, with ``warning``, cannot yet). ``field`` is
    the part of the node it is about (``template``, ``fields.country``, ``values.<channel>``)."""

    node_id: str
    code: str
    message: str
    field: str = ""
    warning: bool = False


class JourneyRefused(PermanentError):
    """The draft has steps that could never succeed: nothing was published."""

    code = "journey_refused"

    def __init__(self, problems: list[NodeError]) -> None:
        self.errors = [p for p in problems if not p.warning]
        self.warnings = [p for p in problems if p.warning]
        summary = "; ".join(f"{e.node_id}: {e.message}" for e in self.errors[:5])
        super().__init__(f"The journey cannot be published: {summary}")


@dataclass(frozen=True)
class ShopChannel:
    slug: str
    currency: str
    active: bool


def journey_check(
    *, installation_id: int, definition: d.JourneyDefinition, now: datetime | None = None
) -> list[NodeError]:
    """Every problem of a parsed definition in this installation, the entry's first, then in
    the order of the nodes. Asks Saleor for its channels when a step names one or gives a
    fixed amount, so it is called outside any transaction."""
    today = (now or clock.now()).date()
    found = [
        *_segment_errors(installation_id, definition),
        *_template_errors(installation_id, definition),
        *_list_errors(installation_id, definition),
        *_channel_errors(installation_id, definition),
    ]
    for node_id, node in definition.nodes.items():
        match node:
            case d.UpdateProfile():
                found += [
                    NodeError(node_id, e.code, f"{e.field}: {e.message}", f"fields.{e.field}")
                    for e in profile_clean(node.fields, today=today).errors
                ]
            case d.SendEmail() if node.subject_variants:
                found += _subject_errors(node_id, node)
            case d.CallWebhook() if not node.url.startswith("https://") and not (
                settings.SALEOR_ALLOW_LOOPBACK
            ):
                found.append(
                    NodeError(node_id, "webhook_not_https", "webhooks go to https:// only", "url")
                )
    order = {ENTRY: -1, **{node_id: i for i, node_id in enumerate(definition.nodes)}}
    return sorted(found, key=lambda e: order.get(e.node_id, len(order)))


def _subject_errors(node_id: str, node: d.SendEmail) -> list[NodeError]:
    """A subject variant is a template's subject: one that cannot be parsed would refuse
    every message of its share."""
    errors = []
    for index, subject in enumerate(node.subject_variants):
        try:
            SUBJECTS.parse(subject)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(
                NodeError(
                    node_id,
                    "subject_invalid",
                    f"subject variant {index + 1}: {exc.message}",
                    f"subject_variants.{index}",
                )
            )
    return errors


def _conditions(definition: d.JourneyDefinition) -> Iterator[tuple[str, Any]]:
    """(node id, condition) for every condition inside the condition nodes."""
    for node_id, node in definition.nodes.items():
        if isinstance(node, d.Condition):
            for condition in sd.nodes(sd.Definition(root=node.condition)):
                yield node_id, condition


def _segment_errors(installation_id: int, definition: d.JourneyDefinition) -> list[NodeError]:
    wanted: list[tuple[str, str, int]] = []
    entry = definition.entry
    if isinstance(entry, d.SegmentEntry | d.BroadcastEntry | d.RecurringEntry):
        wanted.append((ENTRY, "segment_id", entry.segment_id))
    wanted += [
        (node_id, "condition", c.segment_id)
        for node_id, c in _conditions(definition)
        if isinstance(c, sd.SegmentCondition)
    ]
    if not wanted:
        return []
    status = dict(
        Segment.objects.filter(
            installation_id=installation_id, pk__in={pk for *_, pk in wanted}
        ).values_list("pk", "status")
    )
    errors = []
    for node_id, part, pk in wanted:
        if pk not in status:
            errors.append(NodeError(node_id, "segment_not_found", f"no segment {pk}", part))
        elif status[pk] == Segment.Status.ARCHIVED:
            errors.append(NodeError(node_id, "segment_archived", f"segment {pk} is archived", part))
    return errors


def _template_errors(installation_id: int, definition: d.JourneyDefinition) -> list[NodeError]:
    # (node, channel, template key, the node's field naming it)
    sends: list[tuple[str, str, str, str]] = []
    for node_id, node in definition.nodes.items():
        if isinstance(node, d.SendEmail | d.SendSms | d.SendPush):
            sends.append((node_id, d.SENDS[node.type], node.template, "template"))
        elif isinstance(node, d.SendPreferred):  # a template per channel it may take
            sends += [(node_id, c, key, f"templates.{c}") for c, key in node.templates.items()]
    if not sends:
        return []
    templates = {
        t.key: t
        for t in Template.objects.filter(
            installation_id=installation_id, key__in={key for _, _, key, _ in sends}
        )
    }
    with_content = set(
        TemplateVersion.objects.filter(template__in=list(templates.values())).values_list(
            "template_id", flat=True
        )
    )
    sms_ready: bool | None = None
    errors = []
    for node_id, channel, key, at in sends:
        template = templates.get(key)
        if template is None:
            errors.append(NodeError(node_id, "template_not_found", f"no template {key!r}", at))
        elif template.channel != channel:
            errors.append(
                NodeError(
                    node_id,
                    "template_channel_mismatch",
                    f"{key!r} is a {template.channel} template, this step sends {channel}",
                    at,
                )
            )
        elif template.pk not in with_content:
            errors.append(NodeError(node_id, "template_empty", f"{key!r} has no saved version", at))
        elif channel == "sms":
            if sms_ready is None:
                provider = SmsProvider.objects.filter(installation_id=installation_id).first()
                sms_ready = provider is not None and bool(provider.auth_token)
            if not sms_ready:
                errors.append(
                    NodeError(
                        node_id,
                        "channel_not_configured",
                        "no SMS provider is set up: its messages fail until one is",
                        at,
                        warning=True,
                    )
                )
    return errors


def _list_errors(installation_id: int, definition: d.JourneyDefinition) -> list[NodeError]:
    """Adding to a list creates it; taking contacts off a list nothing has ever created,
    and that no journey (this one included) adds to, could never take anyone off."""
    removals = [
        (node_id, node.list)
        for node_id, node in definition.nodes.items()
        if isinstance(node, d.ListChange) and node.type == "list_remove"
    ]
    if not removals:
        return []
    keys = {key for _, key in removals}
    missing = keys - set(
        StaticList.objects.filter(installation_id=installation_id, key__in=keys).values_list(
            "key", flat=True
        )
    )
    added = {
        node.list
        for node in definition.nodes.values()
        if isinstance(node, d.ListChange) and node.type == "list_add"
    }
    if missing - added:
        added |= _lists_added_by_journeys(installation_id)
    return [
        NodeError(node_id, "list_not_found", f"no list {key!r}, and no journey adds to it", "list")
        for node_id, key in removals
        if key in missing - added
    ]


def _lists_added_by_journeys(installation_id: int) -> set[str]:
    """The lists the installation's running or paused journeys add contacts to."""
    added: set[str] = set()
    for definition in Journey.objects.filter(
        installation_id=installation_id,
        status__in=[Journey.Status.ACTIVE, Journey.Status.PAUSED],
        current_version__isnull=False,
    ).values_list("current_version__definition", flat=True):
        for node in dict(definition.get("nodes") or {}).values():
            if isinstance(node, dict) and node.get("type") == "list_add":
                added.add(str(node.get("list")))
    return added


def shop_channels(installation_id: int) -> dict[str, ShopChannel] | None:
    """The shop's Saleor channels by slug; None when Saleor could not be asked."""
    installation = Installation.objects.get(pk=installation_id)
    try:
        data = saleor_client(installation).execute(documents.load("channels"))
    except (RetryableError, PermanentError):
        return None
    return {
        c["slug"]: ShopChannel(slug=c["slug"], currency=c["currencyCode"], active=c["isActive"])
        for c in data.get("channels") or []
    }


def _channel_errors(installation_id: int, definition: d.JourneyDefinition) -> list[NodeError]:
    vouchers = {
        node_id: node
        for node_id, node in definition.nodes.items()
        if isinstance(node, d.GiveVoucher)
    }
    ordered = [
        (node_id, c.channel)
        for node_id, c in _conditions(definition)
        if isinstance(c, sd.OrderCondition) and c.channel
    ]
    errors = [
        NodeError(
            node_id, "value_too_large", f"{value} is more than Saleor holds", f"values.{slug}"
        )
        for node_id, node in vouchers.items()
        for slug, value in node.values.items()
        if value >= MAX_VALUE
    ]
    asking = ordered or any(
        node.discount_type == "fixed" or set(node.values) - {"*"} for node in vouchers.values()
    )
    if not asking:
        return errors
    channels = shop_channels(installation_id)
    if channels is None:
        return errors + [
            NodeError(
                node_id,
                "channels_unchecked",
                "Saleor did not answer: the channels of this step are not checked",
                warning=True,
            )
            for node_id in dict.fromkeys([*vouchers, *(node_id for node_id, _ in ordered)])
        ]
    for node_id, slug in ordered:
        if slug not in channels:
            errors.append(
                NodeError(node_id, "channel_not_found", f"the shop has no channel {slug!r}")
            )
    for node_id, node in vouchers.items():
        errors += _voucher_errors(node_id, node, channels)
    return errors


def _voucher_errors(
    node_id: str, node: d.GiveVoucher, channels: dict[str, ShopChannel]
) -> list[NodeError]:
    errors = []
    for slug in sorted(set(node.values) - {"*"}):
        if slug not in channels:
            errors.append(
                NodeError(
                    node_id,
                    "channel_not_found",
                    f"the shop has no channel {slug!r}",
                    f"values.{slug}",
                )
            )
        elif not channels[slug].active:
            errors.append(
                NodeError(
                    node_id,
                    "channel_inactive",
                    f"channel {slug!r} is not active: its codes cannot be used until it is",
                    f"values.{slug}",
                    warning=True,
                )
            )
    if node.discount_type != "fixed":
        return errors
    # Each channel the amounts reach, with its amount ("*": every channel not named).
    reached = {
        slug: node.values.get(slug, node.values.get("*"))
        for slug in channels
        if slug in node.values or "*" in node.values
    }
    for slug, value in sorted(reached.items()):
        assert value is not None
        currency = channels[slug].currency
        part = f"values.{slug if slug in node.values else '*'}"
        if node.currency is not None and currency != node.currency:
            errors.append(
                NodeError(
                    node_id,
                    "currency_mismatch",
                    f"channel {slug!r} sells in {currency}, the amounts are in {node.currency}",
                    part,
                )
            )
        digits = CURRENCY_DIGITS.get(currency, 2)
        exponent = value.normalize().as_tuple().exponent
        assert isinstance(exponent, int)  # a finite amount (the definition admits no other)
        if -exponent > digits:
            errors.append(
                NodeError(
                    node_id,
                    "invalid_precision",
                    f"{value} has more decimals than {currency} allows ({digits})",
                    part,
                )
            )
    currencies = {channels[slug].currency for slug in reached}
    if node.currency is None and "*" in node.values and len(currencies) > 1:
        errors.append(
            NodeError(
                node_id,
                "mixed_currencies",
                f"one amount for channels in {', '.join(sorted(currencies))}: name a currency "
                "or a value per channel",
                "values.*",
                warning=True,
            )
        )
    return errors
