"""Sending rules: consent, suppression, frequency caps, quiet hours in the contact's zone."""

from datetime import UTC, datetime, timedelta

from saleor_mautomation.messages.rules import Decision, Rules, decide, next_hour

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin, 08:00 in New York


def check(**overrides):
    arguments = {
        "transactional": False,
        "consent": "granted",
        "suppressed": None,
        "recent_sends": [],
        "time_zone": "Europe/Berlin",
        "rules": Rules(),
        "now": NOW,
    }
    return decide(**{**arguments, **overrides})


def test_a_consenting_contact_in_daytime_gets_the_message():
    assert check() == Decision("send")


def test_no_consent_or_a_suppressed_address_skips_marketing():
    assert check(consent="pending") == Decision("skip", "no marketing consent (pending)")
    assert check(suppressed="complaint") == Decision(
        "skip", "the address is suppressed (complaint)"
    )


def test_transactional_messages_ignore_consent_caps_and_quiet_hours_but_not_bounces():
    late = datetime(2026, 6, 15, 22, 0, tzinfo=UTC)
    assert check(transactional=True, consent="pending", now=late) == Decision("send")
    assert check(transactional=True, suppressed="bounce").action == "skip"


def test_the_frequency_cap_defers_until_the_window_frees_up():
    # given: one marketing email 10 hours ago, cap 1 per 16 h
    sent = NOW - timedelta(hours=10)

    decision = check(recent_sends=[sent])

    assert decision == Decision("defer", "frequency cap: 1 per 16 h", sent + timedelta(hours=16))
    # two allowed: one more may go
    assert check(recent_sends=[sent], rules=Rules(cap_count=2)).action == "send"
    # older than the window: no longer counted
    assert check(recent_sends=[NOW - timedelta(hours=17)]).action == "send"


def test_a_channel_with_a_cap_of_its_own_counts_against_that_cap():
    # given: one SMS in three days; email keeps 1 per 16 h; push has no cap
    rules = Rules(channel_caps=(("push", 0, 24), ("sms", 1, 72)))
    sent = NOW - timedelta(hours=30)

    # then
    assert check(channel="sms", consent="granted", recent_sends=[sent], rules=rules) == Decision(
        "defer", "frequency cap: 1 per 72 h", sent + timedelta(hours=72)
    )
    assert check(channel="email", recent_sends=[sent], rules=rules).action == "send"
    assert check(channel="push", recent_sends=[NOW - timedelta(minutes=5)] * 9, rules=rules) == (
        Decision("send")
    )


def test_quiet_hours_follow_the_contacts_time_zone():
    # 12:00 UTC is 22:00 in Sydney (quiet until 08:00 local = 22:00 UTC)
    sydney = check(time_zone="Australia/Sydney")
    assert sydney == Decision("defer", "quiet hours", datetime(2026, 6, 15, 22, 0, tzinfo=UTC))
    # 07:00 in Los Angeles is quiet until 08:00 local
    los_angeles = check(now=NOW + timedelta(hours=2), time_zone="America/Los_Angeles")
    assert los_angeles.until == datetime(2026, 6, 15, 15, 0, tzinfo=UTC)
    # skip instead of defer when the shop wants it
    assert check(time_zone="Australia/Sydney", rules=Rules(quiet_action="skip")) == Decision(
        "skip", "quiet hours"
    )
    # an unknown zone counts as UTC (12:00: not quiet)
    assert check(time_zone="Mars/Olympus").action == "send"


def test_the_next_best_hour_is_in_the_contacts_zone():
    assert next_hour(NOW, time_zone="Europe/Berlin", hour=9) == datetime(
        2026, 6, 16, 7, 0, tzinfo=UTC
    )
    assert next_hour(NOW, time_zone="Europe/Berlin", hour=18) == datetime(
        2026, 6, 15, 16, 0, tzinfo=UTC
    )
    assert next_hour(NOW, time_zone="Europe/Berlin", hour=14) == NOW
