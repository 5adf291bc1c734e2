"""Dashboard GraphQL of a contact's learned channel preference: the channel, each channel's
score as of now, the last 90 days' engagement per channel that explains it, and the channels
the contact can be reached on now (what a "send on the preferred channel" step chooses from)."""

from __future__ import annotations

import graphene

from saleor_mautomation.contacts import channel_preference as cp
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock


class ChannelScoreType(graphene.ObjectType):
    class Meta:
        name = "ChannelScore"
        description = "A channel's recency-weighted engagement score, decayed to now."

    channel = graphene.String(required=True, description="email, sms or push")
    score = graphene.Float(required=True)


class ChannelTallyType(graphene.ObjectType):
    class Meta:
        name = "ChannelTally"
        description = "A channel's human engagement in the last 90 days."

    channel = graphene.String(required=True, description="email, sms or push")
    opens = graphene.Int(required=True, description="Human opens (emails only).")
    clicks = graphene.Int(required=True)
    replies = graphene.Int(required=True, description="Replies (SMS only).")


class ChannelPreferenceType(graphene.ObjectType):
    class Meta:
        name = "ChannelPreference"
        description = (
            "The channel the contact answers on, learned from human opens and clicks of email, "
            "clicks of SMS and push links and SMS replies (open 1, click 2, reply 3, halved "
            "every halfLifeDays)."
        )

    channel = graphene.String(description="email, sms or push; null without any engagement.")
    scores = graphene.List(graphene.NonNull(ChannelScoreType), required=True)
    learned_at = graphene.DateTime(description="The newest engagement counted.")
    tallies = graphene.List(
        graphene.NonNull(ChannelTallyType),
        required=True,
        description="The last 90 days, per channel with engagement.",
    )
    explanation = graphene.String(
        required=True,
        description='In English, e.g. "Clicked 4 emails and 1 SMS in the last 90 days".',
    )
    reachable = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Channels the contact can be reached on now (consent and an address).",
    )
    half_life_days = graphene.Int(required=True)


def resolve_contact_channel_preference(
    root: Contact, info: graphene.ResolveInfo
) -> ChannelPreferenceType:
    now = clock.now()
    recent = cp.preference_of(cp.signals_read(root.pk, now=now), now=now)
    scores = cp.scores_at(root.channel_scores, root.channel_scores_at, now)
    reachable = cp.channels_reachable([root])[root.pk]
    return ChannelPreferenceType(
        channel=root.preferred_channel or None,
        scores=[
            ChannelScoreType(channel=channel, score=scores[channel])
            for channel in cp.CHANNELS
            if channel in scores
        ],
        learned_at=root.channel_scores_at,
        tallies=[
            ChannelTallyType(channel=t.channel, opens=t.opens, clicks=t.clicks, replies=t.replies)
            for t in recent.tallies
        ],
        explanation=cp.explanation(recent.tallies),
        reachable=[channel for channel in cp.CHANNELS if channel in reachable],
        half_life_days=cp.HALF_LIFE.days,
    )
