"""A campaign to an ESP with a batch API goes in a few calls of distinct messages (ADR 0049):
each message rendered for its recipient (its own Message-ID and List-Unsubscribe), each
answer mapped to its message's outcome, and a call without an answer leaving its messages
``unknown``, never sent twice. The ESPs are stand-ins on loopback (``esp_standins.py``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_mautomation.messages.esp import esp_event_apply
from saleor_mautomation.messages.models import Message, MessageAttempt, Template
from saleor_mautomation.messages.outbox import Origin, Outgoing, messages_enqueue
from saleor_mautomation.messages.providers import PoolDefaults, email_provider_update
from saleor_mautomation.messages.sending import messages_recover, messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.messages.esp_standins import (
    StandInEsp,
    StandInMailjet,
    StandInPostmark,
    StandInResend,
    serve,
)

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin: not quiet
APP = "https://marketing.example"


@pytest.fixture
def shop(db):
    installation = make_shop("batching")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def standing(esp: StandInEsp) -> Iterator[Any]:
    stop = serve(esp)
    yield esp
    stop()


@pytest.fixture
def postmark(shop) -> Iterator[StandInPostmark]:
    esp = StandInPostmark()
    for served in standing(esp):
        use(shop, "postmark", {"server_token": "pm-token", "api_url": served.url})
        yield served


@pytest.fixture
def mailjet(shop) -> Iterator[StandInMailjet]:
    esp = StandInMailjet()
    for served in standing(esp):
        settings = {"api_key": "mj-key", "secret_key": "mj-secret", "api_url": f"{served.url}v3.1/"}
        use(shop, "mailjet", settings)
        yield served


@pytest.fixture
def resend(shop) -> Iterator[StandInResend]:
    esp = StandInResend()
    for served in standing(esp):
        use(shop, "resend", {"api_key": "re_key", "api_url": served.url})
        yield served


def use(shop, esp: str, settings: dict[str, Any]) -> None:
    email_provider_update(
        installation_id=shop.pk, kind="esp", esp=esp, esp_settings=settings, allow_private=True
    )


def queued(shop, addresses: list[str], *, broadcast: bool = True) -> list[Message]:
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    contacts = [
        make_contact(shop, email=address, email_consent="granted", time_zone="Europe/Berlin")
        for address in addresses
    ]
    ids = messages_enqueue(
        [
            Outgoing(contact, welcome, f"b{contact.pk}", origin=Origin(broadcast=broadcast))
            for contact in contacts
        ],
        now=T,
    )
    return list(Message.objects.filter(pk__in=[i for i in ids if i]).order_by("pk"))


def send(*, at: datetime = T, connections: int = 1, **arguments: Any) -> dict[str, int]:
    arguments.setdefault("broadcast", True)
    arguments.setdefault("allow_private", True)
    return messages_send_due(
        now=at,
        app_url=APP,
        default_from="Linden <shop@linden.example>",
        limit=500,
        pool=PoolDefaults(connections=connections, batch=arguments.pop("batch", True)),
        **arguments,
    )


def statuses(messages: list[Message]) -> list[tuple[str, str]]:
    fresh = {m.pk: m for m in Message.objects.filter(pk__in=[m.pk for m in messages])}
    return [(fresh[m.pk].status, fresh[m.pk].status_reason) for m in messages]


def header(message: dict[str, Any], name: str) -> str:
    return next(h["Value"] for h in message["Headers"] if h["Name"] == name)


def test_a_postmark_chunk_goes_in_one_call_and_each_answer_finds_its_message(shop, postmark):
    # given: seven readers, one inactive at Postmark and one whose domain Postmark refuses
    addresses = [f"reader{n}@example.com" for n in range(5)] + ["gone@example.com", "x@local"]
    postmark.inactive.add("gone@example.com")
    messages = queued(shop, addresses)

    # when
    counts = send(chunk=50)

    # then: one call carried seven distinct messages, each with its own Message-ID and
    # List-Unsubscribe, the server token in its header
    assert counts == {"sent": 5, "suppressed": 1, "failed": 1}
    (call,) = postmark.requests
    assert call.path == "/email/batch"
    assert call.headers["x-postmark-server-token"] == "pm-token"
    assert [m["To"] for m in call.body] == addresses
    assert {m["From"] for m in call.body} == {"Batching <shop@linden.example>"}
    ids = [header(m, "Message-ID") for m in call.body]
    assert len(set(ids)) == 7
    assert all(i.startswith(f"<m{m.pk}.") for i, m in zip(ids, messages, strict=True))
    unsubscribe = [header(m, "List-Unsubscribe") for m in call.body]
    assert len(set(unsubscribe)) == 7
    assert all(u.startswith(f"<{APP}/u/") for u in unsubscribe)
    assert {header(m, "List-Unsubscribe-Post") for m in call.body} == {"List-Unsubscribe=One-Click"}
    assert all(m["HtmlBody"] and m["TextBody"] and m["Subject"] for m in call.body)
    assert len({m["HtmlBody"] for m in call.body}) == 7  # rendered per recipient

    # and each message has the outcome its answer gave, the accepted ones Postmark's id
    fresh = {m.pk: m for m in Message.objects.filter(pk__in=[m.pk for m in messages])}
    assert [fresh[m.pk].status for m in messages] == ["sent"] * 5 + ["suppressed", "failed"]
    assert [fresh[m.pk].provider_id for m in messages[:5]] == [
        "00000000-0000-0000-0000-00000000000" + str(n) for n in range(1, 6)
    ]
    assert [fresh[m.pk].message_id for m in messages] == [ids[i] for i in range(5)] + ["", ""]
    assert fresh[messages[5].pk].status_reason.startswith(
        "Postmark 406: You tried to send to recipient(s) that have been marked as inactive."
    )
    assert fresh[messages[6].pk].status_reason == (
        "Postmark 300: Error parsing 'To': Illegal email domain 'local' in address 'x@local'."
    )
    assert Counter(MessageAttempt.objects.values_list("outcome", flat=True)) == {
        "sent": 5,
        "suppressed": 1,
        "failed": 1,
    }
    assert postmark.recipients == addresses[:5]

    # when: Postmark reports the delivery of the first message by its id
    found = esp_event_apply(
        esp="postmark",
        event_type="delivered",
        provider_id=fresh[messages[0].pk].provider_id,
        event_id="d1",
        detail="",
        now=T + timedelta(minutes=1),
    )

    # then
    assert found is True
    assert Message.objects.get(pk=messages[0].pk).status == "delivered"


def test_a_chunk_is_cut_at_the_esps_limit_and_a_partly_refused_mailjet_call_is_read(shop, mailjet):
    # given: 60 readers (Mailjet takes 50 per call); the 55th address is one it refuses
    addresses = [f"reader{n:02}@example.com" for n in range(60)]
    mailjet.invalid.add("reader54@example.com")
    messages = queued(shop, addresses)

    # when
    counts = send(chunk=60)

    # then: two calls, of 50 and 10 distinct messages; the second answered 400 with each
    # message's result, and only the refused one failed
    assert counts == {"sent": 59, "failed": 1}
    assert [r.path for r in mailjet.requests] == ["/v3.1/send"] * 2
    bodies = [r.body["Messages"] for r in mailjet.requests]
    assert [len(b) for b in bodies] == [50, 10]
    sent_to = [m["To"][0]["Email"] for body in bodies for m in body]
    assert sent_to == addresses
    ids = [m["Headers"]["Message-ID"] for body in bodies for m in body]
    assert len(set(ids)) == 60
    assert len({m["Headers"]["List-Unsubscribe"] for body in bodies for m in body}) == 60
    assert {m["From"]["Email"] for body in bodies for m in body} == {"shop@linden.example"}
    result = statuses(messages)
    assert result[54] == (
        "failed",
        'Mailjet mj-0013: "reader54@example.com" is an invalid email address.',
    )
    assert [s for n, (s, _) in enumerate(result) if n != 54] == ["sent"] * 59
    providers = list(
        Message.objects.filter(pk__in=[m.pk for m in messages], status="sent")
        .order_by("pk")
        .values_list("provider_id", flat=True)
    )
    assert providers[:2] == ["288230376151711745", "288230376151711746"]
    assert len(set(providers)) == 59


def test_resend_batches_validate_permissively_and_a_refused_email_fails_alone(shop, resend):
    # given
    addresses = ["ada@example.com", "bad@example.com", "bo@example.com"]
    resend.invalid.add("bad@example.com")
    messages = queued(shop, addresses)

    # when
    counts = send(chunk=10)

    # then: one call; Resend's ids land on the messages it created, in order
    assert counts == {"sent": 2, "failed": 1}
    (call,) = resend.requests
    assert call.path == "/emails/batch"
    assert call.headers["x-batch-validation"] == "permissive"
    assert call.headers["authorization"] == "Bearer re_key"
    assert [m["to"] for m in call.body] == [[a] for a in addresses]
    assert len({m["headers"]["Message-ID"] for m in call.body}) == 3
    assert len({m["headers"]["List-Unsubscribe"] for m in call.body}) == 3
    fresh = {m.pk: m for m in Message.objects.filter(pk__in=[m.pk for m in messages])}
    assert [fresh[m.pk].status for m in messages] == ["sent", "failed", "sent"]
    assert fresh[messages[0].pk].provider_id == "00000010-0000-0000-0000-000000000001"
    assert fresh[messages[2].pk].provider_id == "00000010-0000-0000-0000-000000000002"
    assert fresh[messages[1].pk].status_reason.startswith("Resend: Invalid `to` field.")
    assert resend.recipients == ["ada@example.com", "bo@example.com"]


def test_a_call_without_an_answer_leaves_its_messages_unknown_and_none_goes_twice(shop, postmark):
    # given: Postmark keeps the call and never answers it within the backend's timeout
    use(shop, "postmark", {"server_token": "pm-token", "api_url": postmark.url, "timeout": 0.5})
    messages = queued(shop, [f"reader{n}@example.com" for n in range(4)])
    postmark.fail_next("hold")

    # when
    counts = send(chunk=10)

    # then: the call reached Postmark with all four: each is unknown, never sent again
    assert counts == {"unknown": 4}
    assert len(postmark.to_path("/email/batch")) == 1
    assert len(postmark.requests[0].body) == 4
    assert {s for s, _ in statuses(messages)} == {"unknown"}
    assert {r for _, r in statuses(messages)} == {
        "No answer from postmark to the batch: ReadTimeout"
    }
    assert set(MessageAttempt.objects.values_list("outcome", flat=True)) == {"unknown"}

    # when: a recovery and another sender later
    postmark.release()
    recovered = messages_recover(now=T + timedelta(minutes=30))
    again = send(at=T + timedelta(minutes=30), chunk=10)

    # then: nothing more was sent
    assert (recovered, again) == (0, {})
    assert len(postmark.requests) == 1
    assert {s for s, _ in statuses(messages)} == {"unknown"}


@pytest.mark.parametrize(
    ("answer", "status", "reason"),
    [
        (
            (500, {"ErrorCode": 500, "Message": "Internal server error"}),
            "unknown",
            "postmark answered 500 to the batch: Internal server error",
        ),
        ("drop", "unknown", "No answer from postmark to the batch: ConnectionError"),
    ],
)
def test_a_server_error_or_a_dropped_call_leaves_every_message_unknown(
    shop, postmark, answer, status, reason
):
    # given
    messages = queued(shop, ["ada@example.com", "bo@example.com"])
    postmark.fail_next(answer)

    # when
    counts = send(chunk=10)
    later = send(at=T + timedelta(hours=1), chunk=10)

    # then
    assert (counts, later) == ({status: 2}, {})
    assert statuses(messages) == [(status, reason)] * 2
    assert len(postmark.requests) == 1


def test_a_call_refused_as_a_whole_sends_nothing_and_is_retried_later(shop, postmark):
    # given: a token Postmark does not know
    use(shop, "postmark", {"server_token": "stale", "api_url": postmark.url})
    messages = queued(shop, ["ada@example.com", "bo@example.com"])

    # when
    counts = send(chunk=10)

    # then: both wait for a retry, with Postmark's words
    assert counts == {"queued": 2}
    assert {r for _, r in statuses(messages)} == {
        "postmark answered 401 to the batch: The Server Token you provided in the "
        "X-Postmark-Server-Token request header was invalid."
    }
    assert postmark.recipients == []

    # when: the admin fixes the token and the retry comes
    use(shop, "postmark", {"server_token": "pm-token", "api_url": postmark.url})
    again = send(at=T + timedelta(minutes=5), chunk=10)

    # then
    assert again == {"sent": 2}
    assert postmark.recipients == ["ada@example.com", "bo@example.com"]


def test_an_esp_that_cannot_be_reached_keeps_the_messages_for_later(shop, postmark):
    # given: nothing listens at the API URL
    use(shop, "postmark", {"server_token": "pm-token", "api_url": "http://127.0.0.1:9/"})
    messages = queued(shop, ["ada@example.com", "bo@example.com"])

    # when
    counts = send(chunk=10)

    # then: never connected, so never sent: both are retried
    assert counts == {"queued": 2}
    assert {r for _, r in statuses(messages)} == {"postmark unreachable: ConnectionError"}


def test_calls_are_spread_over_the_pools_connections(shop, postmark):
    # given: 30 readers, a pool of 3 connections
    queued(shop, [f"reader{n:02}@example.com" for n in range(30)])

    # when
    counts = send(chunk=30, connections=3)

    # then: three calls of ten (one per connection), each address in one of them
    assert counts == {"sent": 30}
    assert sorted(len(r.body) for r in postmark.requests) == [10, 10, 10]
    assert sorted(postmark.recipients) == [f"reader{n:02}@example.com" for n in range(30)]


def test_real_time_messages_and_a_deployment_without_batches_send_one_per_call(shop, postmark):
    # given: a journey's message (real time) and two of a broadcast
    journey = queued(shop, ["ada@example.com"], broadcast=False)
    broadcast = queued(shop, ["bo@example.com", "cy@example.com"])

    # when: the real-time sender, then a bulk sender with batch calls turned off
    first = send(broadcast=False)
    second = send(chunk=10, batch=False)

    # then: each went alone to Postmark's single-message endpoint
    assert (first, second) == ({"sent": 1}, {"sent": 2})
    assert [r.path for r in postmark.requests] == ["/email"] * 3
    assert [r.body["To"] for r in postmark.requests] == [
        "ada@example.com",
        "bo@example.com",
        "cy@example.com",
    ]
    assert {s for s, _ in statuses(journey + broadcast)} == {"sent"}


def test_an_api_url_on_a_private_address_is_never_called(shop, postmark):
    # given: the shop's Postmark API URL is on loopback, which this deployment refuses
    messages = queued(shop, ["ada@example.com", "bo@example.com"])

    # when
    counts = send(chunk=10, allow_private=False)

    # then: no call was made; both failed with the reason
    assert counts == {"failed": 2}
    assert postmark.requests == []
    assert {r for _, r in statuses(messages)} == {
        "127.0.0.1 resolves to a loopback or private address (127.0.0.1); "
        "set SALEOR_ALLOW_LOOPBACK to allow it"
    }


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("hold", "No answer from postmark: ReadTimeout"),
        ("drop", "No answer from postmark: ConnectionError"),
        (
            (500, {"ErrorCode": 500, "Message": "Internal server error"}),
            'postmark answered 500: {"ErrorCode": 500, "Message": "Internal server error"}',
        ),
    ],
)
def test_a_single_call_that_may_have_reached_the_esp_is_never_sent_twice(
    shop, postmark, fault, reason
):
    # given: a journey's message (one call of its own) and Postmark failing that call
    use(shop, "postmark", {"server_token": "pm-token", "api_url": postmark.url, "timeout": 0.5})
    messages = queued(shop, ["ada@example.com"], broadcast=False)
    postmark.fail_next(fault)

    # when: the real-time sender, then a recovery and the sender again later
    first = send(broadcast=False)
    postmark.release()
    recovered = messages_recover(now=T + timedelta(minutes=30))
    later = send(broadcast=False, at=T + timedelta(hours=1))

    # then: it may have gone, so it is unknown and never sent again
    assert (first, recovered, later) == ({"unknown": 1}, 0, {})
    assert statuses(messages) == [("unknown", reason)]
    assert len(postmark.requests) == 1


def test_a_single_call_the_esp_refused_is_sent_on_the_retry(shop, postmark):
    # given: Postmark refuses the first call for its rate
    messages = queued(shop, ["ada@example.com"], broadcast=False)
    postmark.fail_next((429, {"ErrorCode": 429, "Message": "Rate limit exceeded"}))

    # when
    first = send(broadcast=False)
    waiting = statuses(messages)
    later = send(broadcast=False, at=T + timedelta(hours=1))

    # then: nothing was sent by the refused call; the retry sends it once
    assert (first, later) == ({"queued": 1}, {"sent": 1})
    assert waiting == [
        ("queued", 'postmark answered 429: {"ErrorCode": 429, "Message": "Rate limit exceeded"}')
    ]
    assert postmark.recipients == ["ada@example.com"]


def test_a_single_call_to_an_unreachable_esp_is_retried(shop):
    # given: nothing listens at the API URL
    use(shop, "postmark", {"server_token": "pm-token", "api_url": "http://127.0.0.1:9/"})
    messages = queued(shop, ["ada@example.com"], broadcast=False)

    # when
    counts = send(broadcast=False)

    # then: never connected, so never sent: it waits for a retry
    assert counts == {"queued": 1}
    assert statuses(messages) == [("queued", "postmark unreachable: ConnectionError")]
