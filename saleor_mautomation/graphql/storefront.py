"""The storefront API: behaviour tracking, profile, newsletter consent and preferences.

Storefronts name their shop with ``Saleor-Api-Url``; a signed-in customer adds their Saleor
access token. Anonymous visitors pass a first-party ``anonymousId`` (a cookie the storefront
sets). Inputs are bounded (events per batch, bytes per event, event times near now) and
tracking and sign-ups are rate limited per client id, per client address and per shop, so a
misbehaving storefront (or one address rotating made-up ids) cannot flood the event log, the
contacts or the shop's mail.

An anonymous id joins a person only with proof (a customer token, a confirmation link, a Saleor
checkout carrying the id in its metadata): see ``contacts.identity``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import graphene
from django.conf import settings
from graphene.types.generic import GenericScalar
from graphql import GraphQLError

from saleor_mautomation.contacts.behaviour import EVENT_TYPES, TrackedEvent, behaviour_track
from saleor_mautomation.contacts.consent import (
    Evidence,
    Purpose,
    consent_withdraw,
    contact_from_token,
    preferences_update,
    subscription_confirm,
    subscription_request,
)
from saleor_mautomation.contacts.identity import contact_for_visitor, visitor_known, visitor_link
from saleor_mautomation.contacts.models import Contact, EmailConsent
from saleor_mautomation.contacts.profile import PREFERENCES, ProfileInvalid, profile_update
from saleor_mautomation.core import clock, ratelimit
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.messages.outbox import double_opt_in_request

MAX_EVENTS = 50
MAX_EVENT_BYTES = 4096
MAX_ID_LENGTH = 64

TrackEventType = graphene.Enum(
    "TrackEventType", [(name, name) for name in [*EVENT_TYPES, "CUSTOM"]]
)


def _fail(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _evidence(context: Context, source: str, text_version: str = "") -> Evidence:
    return Evidence(source=source, ip_address=context.client_ip, text_version=text_version)


def _limit(key: str, *, cost: int, rate: tuple[int, int], message: str) -> None:
    limit, window = rate
    if not ratelimit.allow(key, cost=cost, limit=limit, window=window):
        raise _fail(message, "RATE_LIMITED")


def _anonymous_id(value: str | None) -> str | None:
    if value is not None and not 8 <= len(value) <= MAX_ID_LENGTH:
        raise _fail(f"anonymousId must be 8 to {MAX_ID_LENGTH} characters", "INVALID")
    return value


class TrackEventInput(graphene.InputObjectType):
    type = TrackEventType(required=True)
    name = graphene.String(description="Name of a CUSTOM event.")
    occurred_at = graphene.DateTime()
    client_id = graphene.String(description="Unique per event: makes a retry idempotent.")
    properties = GenericScalar()


class TrackEvents(graphene.Mutation):
    class Arguments:
        anonymous_id = graphene.String()
        events = graphene.List(graphene.NonNull(TrackEventInput), required=True)

    accepted = graphene.Int(required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, events: list[Any], anonymous_id: str | None = None
    ) -> TrackEvents:
        context: Context = info.context
        installation = context.require_installation()
        if len(events) > MAX_EVENTS:
            raise _fail(f"At most {MAX_EVENTS} events per call", "TOO_MANY_EVENTS")
        client = context.customer.user_id if context.customer else anonymous_id
        if not client and not context.client_ip:
            raise _fail("Send an anonymousId or sign in", "INVALID")
        anonymous_id = _anonymous_id(anonymous_id)
        now = clock.now()
        tracked = [_tracked(event, now) for event in events]
        # Per address first: ids are the caller's to choose, its address is not. Then per id
        # (one browser), then the shop's total (many addresses).
        slow_down = "Too many events: slow down"
        cost = len(events)
        if context.client_ip:
            _limit(
                f"track-ip:{installation.pk}:{context.client_ip}",
                cost=cost,
                rate=settings.STOREFRONT_EVENT_RATE_PER_ADDRESS,
                message=slow_down,
            )
            if (
                context.customer is None
                and anonymous_id
                and not visitor_known(installation_id=installation.pk, anonymous_id=anonymous_id)
            ):
                _limit(
                    f"visitor-ip:{installation.pk}:{context.client_ip}",
                    cost=1,
                    rate=settings.STOREFRONT_NEW_VISITOR_RATE_PER_ADDRESS,
                    message="Too many new visitors from this address: slow down",
                )
        _limit(
            f"track:{installation.pk}:{client or context.client_ip}",
            cost=cost,
            rate=settings.STOREFRONT_EVENT_RATE,
            message=slow_down,
        )
        _limit(
            f"track-shop:{installation.pk}",
            cost=cost,
            rate=settings.STOREFRONT_EVENT_RATE_PER_INSTALLATION,
            message=slow_down,
        )
        contact = contact_for_visitor(
            installation_id=installation.pk,
            saleor_user_id=context.customer.user_id if context.customer else None,
            email=context.customer.email if context.customer else None,
            anonymous_id=anonymous_id,
        )
        if contact is None:
            raise _fail("Send an anonymousId or sign in", "INVALID")
        accepted = behaviour_track(
            contact=contact,
            events=tracked,
            client_scope=anonymous_id or f"user:{client}",
            source="storefront",
            now=now,
        )
        return TrackEvents(accepted=accepted)


def _tracked(event: Any, now: datetime) -> TrackedEvent:
    raw_kind = event["type"]
    kind = str(raw_kind.value if hasattr(raw_kind, "value") else raw_kind)
    properties = event.get("properties") or {}
    if not isinstance(properties, dict):
        raise _fail("properties must be an object", "INVALID")
    if len(json.dumps(properties)) > MAX_EVENT_BYTES:
        raise _fail(f"properties must be at most {MAX_EVENT_BYTES} bytes", "TOO_LARGE")
    name = event.get("name") or ""
    if kind == "CUSTOM" and not (1 <= len(name) <= 64 and name.replace("_", "").isalnum()):
        raise _fail("A CUSTOM event needs a name of letters, digits and _", "INVALID")
    occurred_at = event.get("occurred_at")
    if occurred_at is not None and not (
        now - settings.STOREFRONT_EVENT_MAX_AGE
        <= occurred_at
        <= now + settings.STOREFRONT_EVENT_MAX_AHEAD
    ):
        raise _fail(
            f"occurredAt must be within {settings.STOREFRONT_EVENT_MAX_AGE.days} days before now "
            f"and {int(settings.STOREFRONT_EVENT_MAX_AHEAD.total_seconds())} seconds after",
            "EVENT_TIME_OUT_OF_RANGE",
        )
    return TrackedEvent(
        kind=kind,
        occurred_at=occurred_at,
        name=name,
        client_id=(event.get("client_id") or "")[:MAX_ID_LENGTH],
        properties=properties,
    )


class ProfileInput(graphene.InputObjectType):
    birthday = graphene.Date()
    gender = graphene.String()
    time_zone = graphene.String()
    preferences = GenericScalar(description='Topics, e.g. {"newsletter": true}.')


class Preferences(graphene.ObjectType):
    email = graphene.String(required=True, description="Masked: j***@example.com")
    email_consent = graphene.String(required=True)
    topics = GenericScalar(required=True)

    @staticmethod
    def of(contact: Contact) -> Preferences:
        local, _, domain = (contact.email or "").partition("@")
        return Preferences(
            email=f"{local[:1]}***@{domain}" if domain else "",
            email_consent=contact.email_consent,
            topics=contact.preferences,
        )


class UpdateProfile(graphene.Mutation):
    """Profile fields Saleor does not have, by the contacts' profile rule (the one journeys'
    update-profile steps follow). A refused value is an error whose code is the first
    refusal's (e.g. ``INVALID_TIME_ZONE``), every refusal in ``extensions.fields``
    (``{field, code, message}``); nothing is written then."""

    class Arguments:
        input = ProfileInput(required=True)

    ok = graphene.Boolean(required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> UpdateProfile:
        context: Context = info.context
        customer = context.require_customer()
        contact = contact_for_visitor(
            installation_id=customer.installation.pk,
            saleor_user_id=customer.user_id,
            email=customer.email,
        )
        if contact is None:
            raise _fail("No profile for this customer", "NOT_FOUND")
        values: dict[str, object] = {
            name: input[name]
            for name in ("birthday", "gender", "time_zone")
            if input.get(name) is not None
        }
        topics = input.get("preferences")
        if topics is not None:
            if not isinstance(topics, dict):
                raise _fail(
                    'preferences must be an object of booleans, e.g. {"newsletter": true}',
                    "INVALID",
                )
            values.update({f"{PREFERENCES}{topic}": value for topic, value in topics.items()})
        now = clock.now()
        try:
            change = profile_update(contact=contact, values=values, today=now.date())
        except ProfileInvalid as exc:
            raise GraphQLError(
                exc.message,
                extensions={
                    "code": exc.code.upper(),
                    "fields": [
                        {"field": e.field, "code": e.code.upper(), "message": e.message}
                        for e in exc.errors
                    ],
                },
            ) from exc
        if change.preferences:
            preferences_update(
                contact=contact,
                topics=change.preferences,
                evidence=_evidence(context, "storefront.profile"),
                now=now,
            )
        return UpdateProfile(ok=True)


def _topics(value: Any) -> dict[str, bool]:
    if (
        not isinstance(value, dict)
        or not all(isinstance(k, str) and isinstance(v, bool) for k, v in value.items())
        or len(value) > 50
    ):
        raise _fail(
            'preferences must be an object of booleans, e.g. {"newsletter": true}', "INVALID"
        )
    return value


class Subscribe(graphene.Mutation):
    class Arguments:
        email = graphene.String(required=True)
        anonymous_id = graphene.String()
        consent_text_version = graphene.String()

    status = graphene.String(required=True, description="PENDING or SUBSCRIBED")

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        email: str,
        anonymous_id: str | None = None,
        consent_text_version: str = "",
    ) -> Subscribe:
        context: Context = info.context
        installation = context.require_installation()
        _anonymous_id(anonymous_id)
        # Each sign-up may email an address: bounded per address and per shop before anything
        # is written (the outbox also sends one confirmation per address and hour at most).
        slow_down = "Too many sign-ups: try again later"
        if context.client_ip:
            _limit(
                f"subscribe-ip:{installation.pk}:{context.client_ip}",
                cost=1,
                rate=settings.STOREFRONT_SUBSCRIBE_RATE_PER_ADDRESS,
                message=slow_down,
            )
        _limit(
            f"subscribe-shop:{installation.pk}",
            cost=1,
            rate=settings.STOREFRONT_SUBSCRIBE_RATE_PER_INSTALLATION,
            message=slow_down,
        )
        with domain_errors():
            # The anonymous id joins the person only when the confirmation link is opened
            # (confirmSubscription): typing an address proves nothing.
            contact = subscription_request(
                installation_id=installation.pk,
                email=email,
                anonymous_id=None,
                evidence=_evidence(context, "storefront.subscribe", consent_text_version or ""),
                now=clock.now(),
            )
        status = "SUBSCRIBED" if contact.email_consent == "granted" else "PENDING"
        if status == "PENDING":
            # Queued: the request's unit of work wakes the sender after the commit.
            double_opt_in_request(contact=contact, now=clock.now())
        return Subscribe(status=status)


def _by_token(token: str, purpose: Purpose) -> Contact:
    with domain_errors():
        return contact_from_token(token, purpose)


class ConfirmSubscription(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)
        anonymous_id = graphene.String(
            description="The browser's anonymous id: the link opened in it proves it is the "
            "subscriber's, so its history joins theirs."
        )

    preferences = graphene.Field(Preferences, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, token: str, anonymous_id: str | None = None
    ) -> ConfirmSubscription:
        context: Context = info.context
        anonymous_id = _anonymous_id(anonymous_id)
        with domain_errors():
            contact = subscription_confirm(
                token=token, evidence=_evidence(context, "confirm"), now=clock.now()
            )
        if anonymous_id:
            visitor_link(
                installation_id=contact.installation_id, anonymous_id=anonymous_id, contact=contact
            )
        return ConfirmSubscription(preferences=Preferences.of(contact))


class UpdatePreferences(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)
        topics = GenericScalar(required=True)

    preferences = graphene.Field(Preferences, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, token: str, topics: Any) -> UpdatePreferences:
        context: Context = info.context
        contact = preferences_update(
            contact=_by_token(token, Purpose.PREFERENCES),
            topics=_topics(topics),
            evidence=_evidence(context, "preferences"),
            now=clock.now(),
        )
        return UpdatePreferences(preferences=Preferences.of(contact))


class Unsubscribe(graphene.Mutation):
    class Arguments:
        token = graphene.String(required=True)

    preferences = graphene.Field(Preferences, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, token: str) -> Unsubscribe:
        context: Context = info.context
        contact = consent_withdraw(
            contact=_by_token(token, Purpose.PREFERENCES),
            evidence=_evidence(context, "unsubscribe"),
            now=clock.now(),
        )
        return Unsubscribe(preferences=Preferences.of(contact))


class Identify(graphene.Mutation):
    """Join the browser's anonymous history to the person it is proved to belong to: the
    signed-in customer (their Saleor access token), or the subscriber whose confirmation link
    (``token``, confirmed) was opened in it. Without proof nothing is linked or recorded
    (``linked: false``): a typed address proves nothing. A guest's checkout joins them through
    the checkout's metadata instead (docs/storefront.md).

    Nothing is sent back about the person behind the address, and no consent is implied.
    """

    class Arguments:
        anonymous_id = graphene.String(required=True)
        email = graphene.String(description="Not used to link: kept for older storefronts.")
        token = graphene.String(description="The token of a confirmed double opt-in link.")

    ok = graphene.Boolean(required=True)
    linked = graphene.Boolean(required=True)

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        anonymous_id: str,
        email: str | None = None,
        token: str | None = None,
    ) -> Identify:
        context: Context = info.context
        installation = context.require_installation()
        if email is not None and ("@" not in email or len(email) > 254):
            raise _fail("Enter a valid email address", "EMAIL_INVALID")
        anonymous = _anonymous_id(anonymous_id)
        assert anonymous is not None
        customer = context.customer
        if customer is not None:
            contact_for_visitor(
                installation_id=installation.pk,
                saleor_user_id=customer.user_id,
                email=customer.email,
                anonymous_id=anonymous,
            )
            return Identify(ok=True, linked=True)
        if token:
            subscriber = _by_token(token, Purpose.CONFIRM)
            if (
                subscriber.installation_id == installation.pk
                and subscriber.email_consent == EmailConsent.GRANTED
            ):
                visitor_link(
                    installation_id=installation.pk, anonymous_id=anonymous, contact=subscriber
                )
                return Identify(ok=True, linked=True)
        return Identify(ok=True, linked=False)


class StorefrontQuery(graphene.ObjectType):
    preferences = graphene.Field(Preferences, token=graphene.String(required=True))

    @staticmethod
    def resolve_preferences(root: Any, info: graphene.ResolveInfo, token: str) -> Preferences:
        return Preferences.of(_by_token(token, Purpose.PREFERENCES))


class StorefrontMutation(graphene.ObjectType):
    track_events = TrackEvents.Field()
    identify = Identify.Field()
    update_profile = UpdateProfile.Field()
    subscribe = Subscribe.Field()
    confirm_subscription = ConfirmSubscription.Field()
    update_preferences = UpdatePreferences.Field()
    unsubscribe = Unsubscribe.Field()
