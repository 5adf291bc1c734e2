"""A send-email step with a subject-line test: each run gets one of 2 to 4 subjects (a fixed
function of the run and the node, equal shares), the message carries it in place of the
template's, its origin and the run record the variant, and the A/B result reads the node as a
subject test."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from saleor_mautomation.events.models import DailyTally
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.engine import Facts, RunState, advance, subject_variant
from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.journeys.validation import journey_check
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.errors import DefinitionInvalid
from tests.analytics.factories import clicked
from tests.contacts.factories import make_contact, make_shop
from tests.graphql.test_contacts import ask

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
APP = "https://marketing.example"
AB_TEST = """
query ($journey: ID!, $node: String!) {
  abTestResults(journeyId: $journey, nodeId: $node) {
    node kind metric winner verdict variants { branch label recipients clicks conversions }
  }
}
"""
SUBJECTS = ["Hello {{ contact.first_name }}", "A gift for you", "Last chance, {{ shop.name }}"]


def subject_test(subjects: list[str], template: str = "welcome-1") -> dict[str, Any]:
    return {
        "entry": {"type": "manual"},
        "start": "mail",
        "nodes": {
            "mail": {
                "type": "send_email",
                "template": template,
                "subject_variants": subjects,
                "next": "end",
            },
            "end": {"type": "exit"},
        },
    }


@pytest.fixture
def shop(db):
    installation = make_shop("subjects")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def published(shop, definition: dict[str, Any]) -> Journey:
    journey = Journey.objects.create(installation=shop, key="subjects", name="S", draft=definition)
    journey_publish(journey=journey, now=T)
    journey.refresh_from_db()
    return journey


def enrolled(shop, journey: Journey, names: list[str]) -> list[JourneyRun]:
    runs = []
    for name in names:
        contact = make_contact(shop, first_name=name, email_consent="granted", language_code="en")
        run = journey_enroll(journey=journey, contact=contact, now=T)
        assert run is not None
        runs.append(run)
    return runs


def send() -> dict[str, int]:
    return messages_send_due(now=T, app_url=APP, default_from="Shop <shop@subjects.example>")


def test_each_run_gets_its_variants_subject_and_records_the_variant(shop):
    # given
    journey = published(shop, subject_test(SUBJECTS))
    names = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy"]

    # when
    runs = enrolled(shop, journey, names)
    counts = send()

    # then: the variant is the run's and node's, its subject rendered for the recipient
    assert counts == {"sent": 9}
    rendered = {
        0: "Hello {name}",
        1: "A gift for you",
        2: "Last chance, Subjects",
    }
    expected = {}
    for run, name in zip(runs, names, strict=True):
        variant = subject_variant(run.pk, "mail", 3)
        expected[run.pk] = variant
        run.refresh_from_db()
        assert run.branches == {"mail": variant}
        message = Message.objects.get(contact=run.contact)
        assert (message.journey_node, message.split_node, message.split_branch) == (
            "mail",
            "mail",
            variant,
        )
        assert message.context["_subject"] == SUBJECTS[variant]
        assert message.subject == rendered[variant].format(name=name)
        assert message.status == "sent"
    assert sorted(m.subject for m in mail.outbox) == sorted(
        rendered[expected[run.pk]].format(name=name) for run, name in zip(runs, names, strict=True)
    )
    # the day's split.entered per variant, as a split node's branches are tallied
    tallied = dict(
        DailyTally.objects.filter(journey_id=journey.pk, metric="split.entered").values_list(
            "split_branch", "count"
        )
    )
    assert tallied == dict(Counter(expected.values()))
    assert set(
        DailyTally.objects.filter(journey_id=journey.pk, metric="split.entered").values_list(
            "split_node", "day", "holdout"
        )
    ) == {("mail", T.date(), False)}


def test_a_replay_picks_the_same_variant_and_the_shares_are_equal():
    # given
    definition = d.journey_parse(subject_test(SUBJECTS[:2]))
    state = RunState(run_id=4711, node="mail", node_entered_at=T)

    # when
    first = advance(definition, state, Facts(), T)
    again = advance(definition, state, Facts(), T + timedelta(hours=1))

    # then
    variant = subject_variant(4711, "mail", 2)
    assert [a.params for a in first.actions] == [a.params for a in again.actions]
    assert [dict(a.params) for a in first.actions] == [
        {
            "template": "welcome-1",
            "at_best_hour": False,
            "subject": SUBJECTS[variant],
            "variant": variant,
        }
    ]
    # 60,000 runs over 2, 3 and 4 variants: each share within half a point of equal
    for count in (2, 3, 4):
        shares = Counter(subject_variant(run_id, "mail", count) for run_id in range(1, 60_001))
        assert sorted(shares) == list(range(count))
        assert all(abs(n / 60_000 - 1 / count) < 0.005 for n in shares.values())


def test_a_send_without_variants_keeps_the_templates_subject(shop):
    # given
    definition = subject_test(SUBJECTS)
    del definition["nodes"]["mail"]["subject_variants"]
    journey = published(shop, definition)

    # when
    (run,) = enrolled(shop, journey, ["Ada"])
    send()

    # then
    message = Message.objects.get(contact=run.contact)
    assert "_subject" not in message.context
    assert (message.split_node, message.split_branch) == ("", None)
    assert message.subject == mail.outbox[0].subject != ""
    assert not DailyTally.objects.filter(metric="split.entered").exists()
    run.refresh_from_db()
    assert run.branches == {}


def test_a_variant_that_fails_to_render_is_refused_like_a_templates_subject(shop):
    # given: parses (publishing checks the syntax) but fails for every recipient
    journey = published(shop, subject_test(["{{ 1 // 0 }}", "{{ 2 // 0 }}"]))
    (run,) = enrolled(shop, journey, ["Ada"])

    # when
    counts = send()

    # then
    assert counts == {"failed": 1}
    message = Message.objects.get(contact=run.contact)
    assert message.status == "failed"
    assert "ZeroDivisionError" in message.status_reason
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("node", "field"),
    [
        ({"type": "send_email", "template": "t", "subject_variants": ["only one"]}, "mail"),
        ({"type": "send_email", "template": "t", "subject_variants": ["a"] * 5}, "mail"),
        ({"type": "send_email", "template": "t", "subject_variants": ["a", ""]}, "mail"),
        ({"type": "send_email", "template": "t", "subject_variants": ["a", "  "]}, "mail"),
        ({"type": "send_email", "template": "t", "subject_variants": ["a", "x" * 301]}, "mail"),
        ({"type": "send_sms", "template": "t", "subject_variants": ["a", "b"]}, "mail"),
        ({"type": "send_push", "template": "t", "subject_variants": ["a", "b"]}, "mail"),
    ],
)
def test_subject_variants_are_two_to_four_subjects_on_email_steps_only(node, field):
    # given
    definition = {
        "entry": {"type": "manual"},
        "start": "mail",
        "nodes": {"mail": {**node, "next": "end"}, "end": {"type": "exit"}},
    }

    # when
    with pytest.raises(DefinitionInvalid) as refused:
        d.journey_parse(definition)

    # then
    assert [e.field.split(".")[:2] for e in refused.value.errors] == [["nodes", field]]


def test_publishing_refuses_a_variant_that_does_not_parse(shop):
    # given
    definition = d.journey_parse(subject_test(["Hello {{ contact.first_name", "Fine"]))

    # when
    problems = journey_check(installation_id=shop.pk, definition=definition, now=T)

    # then
    assert [(p.node_id, p.code, p.field, p.warning) for p in problems] == [
        ("mail", "subject_invalid", "subject_variants.0", False)
    ]
    assert problems[0].message.startswith("subject variant 1: ")


def test_ab_test_results_read_each_subjects_recipients_and_clicks(client, standin_installation):
    # given: nine runs, and two people of the first run's variant click, one of them twice
    shop = standin_installation
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    journey = published(shop, subject_test(SUBJECTS))
    runs = enrolled(shop, journey, ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy"])
    send()
    variants = {run.pk: subject_variant(run.pk, "mail", 3) for run in runs}
    target = variants[runs[0].pk]
    clickers = [run for run in runs if variants[run.pk] == target][:2]
    for run in clickers:
        clicked(Message.objects.get(contact=run.contact), T + timedelta(hours=1))
    clicked(Message.objects.get(contact=clickers[0].contact), T + timedelta(hours=2))

    # when
    answer = ask(
        client,
        shop,
        AB_TEST,
        journey=base64.b64encode(f"Journey:{journey.pk}".encode()).decode(),
        node="mail",
    )

    # then
    assert "errors" not in answer
    recipients = Counter(variants.values())
    assert answer["data"]["abTestResults"] == {
        "node": "mail",
        "kind": "subject",
        "metric": "click",
        "winner": None,
        "verdict": "too_few",
        "variants": [
            {
                "branch": i,
                "label": SUBJECTS[i],
                "recipients": recipients[i],
                "clicks": len(clickers) if i == target else 0,
                "conversions": 0,
            }
            for i in range(3)
        ],
    }
