"""Dashboard GraphQL of a contact's send time: its best hour of the week, where it comes from
(the contact's own opens and clicks, smoothed toward the shop's; or the shop's, when the
contact has too little), the counts behind it, and when a message due now would go."""

from __future__ import annotations

import graphene

from saleor_mautomation.contacts import send_time
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.send_times import contact_profile, shop_profile, shop_send_time
from saleor_mautomation.core import clock


class SendTimeSource(graphene.Enum):
    class Meta:
        description = "Where a contact's best send time comes from."

    CONTACT = "contact"
    SHOP = "shop"
    NONE = "none"


class SendTimeType(graphene.ObjectType):
    class Meta:
        name = "SendTime"
        description = (
            "The contact's best hour of the week, learned from human opens (1) and clicks (2) "
            "of the last 180 days in the contact's time zone, shrunk toward the shop's profile "
            "(priorWeight); below minInteractions, the shop's best hour."
        )

    source = graphene.Field(SendTimeSource, required=True)
    weekday = graphene.Int(description="0 Monday .. 6 Sunday; null without any data.")
    hour = graphene.Int(description="The local hour (0-23) it starts; null without any data.")
    clicks = graphene.Int(
        required=True, description="Clicks counted: the contact's, or the shop's with SHOP."
    )
    opens = graphene.Int(required=True, description="Human opens counted, likewise.")
    time_zone = graphene.String(
        required=True, description="The zone it is in: the contact's, else the shop's."
    )
    next_moment = graphene.DateTime(
        description="When a message due now would go (the best hour within 24 hours)."
    )
    explanation = graphene.String(
        required=True, description='In English, e.g. "Usually engages Tue 19-20h, from 12 clicks."'
    )
    prior_weight = graphene.Int(required=True)
    min_interactions = graphene.Int(required=True)
    shop_contacts = graphene.Int(
        required=True, description="How many engaged contacts the shop's profile sums."
    )


def resolve_contact_send_time(root: Contact, info: graphene.ResolveInfo) -> SendTimeType:
    now = clock.now()
    shop = shop_send_time(installation_id=root.installation_id, now=now, save=False)
    contact, shared = contact_profile(root), shop_profile(shop)
    best = send_time.best_slot(contact, shared)
    zone = root.time_zone or shop.time_zone
    day, hour = divmod(best.slot, 24) if best.slot is not None else (None, None)
    return SendTimeType(
        source=best.source,
        weekday=day,
        hour=hour,
        clicks=best.clicks,
        opens=best.opens,
        time_zone=send_time.local_zone(zone).key,
        next_moment=(
            None
            if best.slot is None
            else send_time.next_best_moment(now, contact=contact, shop=shared, time_zone=zone)
        ),
        explanation=best.explanation(),
        prior_weight=send_time.PRIOR_WEIGHT,
        min_interactions=send_time.MIN_INTERACTIONS,
        shop_contacts=shop.contacts,
    )
