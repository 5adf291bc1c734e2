"""The learned channel preference (``contacts.channel_preference``): scores weighed by kind and
halved every 30 days, machine hits left out, the 90 days' explanation, the choice of a send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from saleor_mautomation.contacts.channel_preference import (
    Preference,
    Signal,
    Tally,
    channel_choose,
    explanation,
    preference_of,
    preference_refresh,
    scores_at,
)
from saleor_mautomation.contacts.models import Contact
from tests.contacts.factories import make_contact, make_event, make_shop

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_recent_sms_click_outweighs_two_email_clicks_two_half_lives_older():
    # given: the newest engagement is the SMS click; the email clicks are 60 days older
    newest = NOW - 5 * DAY
    signals = [
        Signal(newest - 60 * DAY, "email.clicked"),
        Signal(newest - 60 * DAY, "email.clicked"),
        Signal(newest, "sms.clicked"),
    ]

    # when
    preference = preference_of(signals, now=NOW)

    # then: each email click weighs 2 x 1/4, the SMS click 2
    assert preference == Preference(
        channel="sms",
        scores={"email": 1.0, "sms": 2.0},
        as_of=newest,
        tallies=(Tally("email", clicks=2), Tally("sms", clicks=1)),
    )


def test_the_same_clicks_a_half_life_apart_the_other_way_round_prefer_email():
    newest = NOW - DAY
    signals = [
        Signal(newest - 30 * DAY, "sms.clicked"),
        Signal(newest, "email.clicked"),
        Signal(newest - 30 * DAY, "email.opened"),
    ]

    preference = preference_of(signals, now=NOW)

    assert (preference.channel, preference.scores) == ("email", {"email": 2.5, "sms": 1.0})


def test_privacy_proxy_opens_and_scanner_clicks_never_count():
    # given: six proxy opens and a scanner's click of email, one human push click
    signals = [Signal(NOW - n * DAY, "email.opened", is_machine=True) for n in range(6)]
    signals += [
        Signal(NOW, "email.clicked", is_machine=True),
        Signal(NOW - 2 * DAY, "push.clicked"),
    ]

    # when
    preference = preference_of(signals, now=NOW)

    # then
    assert preference == Preference(
        channel="push",
        scores={"push": 2.0},
        as_of=NOW - 2 * DAY,
        tallies=(Tally("push", clicks=1),),
    )


def test_machine_hits_alone_learn_nothing():
    signals = [Signal(NOW, "email.opened", is_machine=True)]

    assert preference_of(signals, now=NOW) == Preference("", {}, None)


def test_a_reply_weighs_three_and_equal_scores_go_to_the_channel_used_last():
    # given: an SMS reply and an email click + open at the same age: 3 against 3
    signals = [
        Signal(NOW - 10 * DAY, "sms.replied"),
        Signal(NOW - 10 * DAY, "email.opened"),
        Signal(NOW - 9 * DAY, "email.clicked"),
    ]

    # when
    preference = preference_of(signals, now=NOW)

    # then: the click is a day newer, so email's score is 2 + 2 ** (-1/30) and email leads
    assert preference.scores == {"sms": 2.9315, "email": 2.9772}
    assert preference.channel == "email"


def test_equal_scores_prefer_the_channel_engaged_with_most_recently():
    # given: an SMS click and, a second later, a push click (both score 2.0 to 4 places)
    signals = [
        Signal(NOW - DAY, "sms.clicked"),
        Signal(NOW - DAY + timedelta(seconds=1), "push.clicked"),
    ]

    # when
    preference = preference_of(signals, now=NOW)

    # then
    assert (preference.scores, preference.channel) == ({"sms": 2.0, "push": 2.0}, "push")


def test_engagement_older_than_a_year_is_not_read():
    signals = [Signal(NOW - DAY, "sms.clicked"), Signal(NOW - 365 * DAY, "email.clicked")]

    assert preference_of(signals, now=NOW).scores == {"sms": 2.0}


def test_the_explanation_counts_the_last_90_days_only():
    # given: 4 email clicks, 1 SMS click, 6 email opens in 90 days; an email click at 90 days
    signals = [Signal(NOW - n * DAY, "email.clicked") for n in (1, 2, 3, 4, 90)]
    signals += [Signal(NOW - 7 * DAY, "sms.clicked")]
    signals += [Signal(NOW - n * DAY, "email.opened") for n in range(10, 16)]
    signals += [Signal(NOW - DAY, "email.opened", is_machine=True)]

    # when
    preference = preference_of(signals, now=NOW)

    # then
    assert preference.tallies == (Tally("email", opens=6, clicks=4), Tally("sms", clicks=1))
    assert explanation(preference.tallies) == (
        "Clicked 4 emails and 1 SMS and opened 6 emails in the last 90 days"
    )


def test_explanations_in_every_shape():
    assert explanation(()) == "No clicks, opens or replies in the last 90 days"
    assert explanation((Tally("sms", replies=1),)) == "Replied to 1 SMS in the last 90 days"
    assert (
        explanation((Tally("email", opens=1), Tally("sms", clicks=2), Tally("push", clicks=1)))
        == "Clicked 2 SMS and 1 push notification and opened 1 email in the last 90 days"
    )
    assert explanation((Tally("push", clicks=3),)) == (
        "Clicked 3 push notifications in the last 90 days"
    )


def test_stored_scores_decay_to_now_for_showing():
    as_of = NOW - 30 * DAY

    assert scores_at({"email": 2.0, "sms": 1.0}, as_of, NOW) == {"email": 1.0, "sms": 0.5}
    assert scores_at({"email": 2.0}, as_of, as_of) == {"email": 2.0}
    assert scores_at({}, None, NOW) == {}


def test_a_send_takes_the_preferred_channel_where_the_contact_can_be_reached():
    offered = ["email", "sms", "push"]

    assert channel_choose(offered=offered, preferred="sms", reachable={"email", "sms"}) == (
        "sms",
        "preferred",
    )
    # no SMS consent: the fallback order's first reachable channel
    assert channel_choose(offered=offered, preferred="sms", reachable={"push", "email"}) == (
        "email",
        "fallback",
    )
    # nothing learned yet
    assert channel_choose(offered=["push", "email"], preferred="", reachable={"email"}) == (
        "email",
        "fallback",
    )
    # the step does not offer the preferred channel
    assert channel_choose(offered=["email"], preferred="sms", reachable={"sms", "email"}) == (
        "email",
        "fallback",
    )
    # reachable nowhere: the first offered, whose message the sender then suppresses
    assert channel_choose(offered=["sms", "email"], preferred="sms", reachable=set()) == (
        "sms",
        "unreachable",
    )


def test_the_stored_preference_follows_the_contacts_events(db):
    # given
    shop = make_shop("prefs")
    ada = make_contact(shop)
    make_event(ada, "email.opened", NOW - 40 * DAY, properties={"machine": False})
    make_event(ada, "email.opened", NOW - 2 * DAY, properties={"machine": True})
    make_event(ada, "sms.clicked", NOW - 10 * DAY, properties={"machine": False})

    # when
    preference_refresh(contact=ada, now=NOW)

    # then: 2 x 2 ** (-0) for the SMS click, 2 ** (-30/30) for the human open
    stored = Contact.objects.get(pk=ada.pk)
    assert (stored.preferred_channel, stored.channel_scores, stored.channel_scores_at) == (
        "sms",
        {"email": 0.5, "sms": 2.0},
        NOW - 10 * DAY,
    )


def test_a_refresh_reads_the_events_once_and_writes_only_a_change(db, django_assert_num_queries):
    # given
    shop = make_shop("prefs")
    ada = make_contact(shop)
    make_event(ada, "email.clicked", NOW - DAY, properties={"machine": False})

    # when / then: one read of the events, one update of the contact
    with django_assert_num_queries(2):
        preference_refresh(contact=ada, now=NOW)
    # nothing changed since: the read only
    with django_assert_num_queries(1):
        preference_refresh(contact=ada, now=NOW)
    assert Contact.objects.get(pk=ada.pk).channel_scores == {"email": 2.0}
