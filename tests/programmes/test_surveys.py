"""Survey pages: a GET (a person's or a link scanner's) records nothing; the page's POST with
its signed form token records the answer and a ``survey.answered`` event; results per survey."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.events.models import Event
from saleor_mautomation.messages.programme_links import Person, form_token, link_token
from saleor_mautomation.programmes.models import SurveyAnswer
from saleor_mautomation.programmes.selectors import survey_results
from saleor_mautomation.programmes.services import survey_answer, survey_create
from saleor_mautomation.segments.membership import members_count
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop
from tests.programmes.conftest import BROWSER, SCANNER, T

FORM = re.compile(r'name="form" value="([^"]+)"')


@pytest.fixture
def nps(shop):
    return survey_create(
        installation_id=shop.pk,
        key="nps",
        name="NPS",
        question="How likely are you to recommend Linden?",
        scale_min=0,
        scale_max=10,
        ask_comment=True,
        now=T,
    )


def link(contact, key="nps", score=None):
    token = link_token(installation_id=contact.installation_id, contact_id=contact.pk)
    return f"/s/{token}/{key}" + (f"?score={score}" if score is not None else "")


def form_of(response) -> str:
    match = FORM.search(response.content.decode())
    assert match is not None
    return match[1]


def survey_events():
    return list(
        Event.objects.filter(type="survey.answered").values_list("contact_id", "properties")
    )


def test_a_scanners_and_a_persons_get_record_nothing(client, ada, nps):
    # when: a mail gateway follows the link, then the person opens it, both GETs and a HEAD
    responses = [
        client.get(link(ada, score=9), HTTP_USER_AGENT=SCANNER),
        client.get(link(ada, score=9), HTTP_USER_AGENT=BROWSER),
        client.head(link(ada, score=9), HTTP_USER_AGENT=SCANNER),
    ]

    # then
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert SurveyAnswer.objects.count() == 0
    assert survey_events() == []
    html = responses[1].content.decode()
    assert '<input type="radio" name="score" value="9" required checked> 9' in html
    assert html.count(" checked>") == 1
    assert html.count('type="radio"') == 11
    assert "How likely are you to recommend Linden?" in html
    assert responses[1]["Cache-Control"] == "no-store"
    assert responses[1]["X-Frame-Options"] == "DENY"


def test_the_pages_post_records_the_answer_and_an_event(client, ada, nps):
    # given
    page = client.get(link(ada, score=9), HTTP_USER_AGENT=BROWSER)

    # when
    response = client.post(
        link(ada, score=9), {"form": form_of(page), "score": "10", "comment": " Great tea "}
    )

    # then
    assert response.status_code == 200
    assert "Your answer (10) is recorded." in response.content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.contact_id, answer.score, answer.comment, answer.answered_at) == (
        ada.pk,
        10,
        "Great tea",
        T,
    )
    assert survey_events() == [
        (ada.pk, {"survey": "nps", "score": 10, "has_comment": True, "nps_group": "promoter"})
    ]


def test_a_second_answer_replaces_the_first_and_is_a_second_event(client, ada, nps, time_machine):
    # given
    page = client.get(link(ada, score=3))
    client.post(link(ada), {"form": form_of(page), "score": "3"})
    time_machine.move_to(T + timedelta(hours=1), tick=False)

    # when: the page again shows the earlier answer chosen
    again = client.get(link(ada))
    client.post(link(ada), {"form": form_of(again), "score": "7", "comment": ""})

    # then
    assert "You answered 3 before: sending again replaces it." in again.content.decode()
    assert '<input type="radio" name="score" value="3" required checked>' in again.content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.score, answer.answered_at) == (7, T + timedelta(hours=1))
    assert [props["nps_group"] for _, props in survey_events()] == ["detractor", "passive"]


def test_a_post_without_the_pages_form_token_records_nothing(client, ada, nps, shop):
    # given: tokens of another survey, another contact and another purpose
    bob = make_contact(shop, email="bob@example.com")
    person = Person(installation_id=shop.pk, contact_id=ada.pk)
    forged = {
        "none": "",
        "garbage": "abc:def",
        "another survey": form_token(person=person, purpose="survey", key="csat"),
        "another contact": form_token(
            person=Person(installation_id=shop.pk, contact_id=bob.pk), purpose="survey", key="nps"
        ),
        "a draw's": form_token(person=person, purpose="draw", key="nps"),
    }

    # when
    statuses = {
        name: client.post(link(ada), {"form": token, "score": "10"}).status_code
        for name, token in forged.items()
    }

    # then
    assert statuses == dict.fromkeys(forged, 400)
    assert SurveyAnswer.objects.count() == 0
    assert survey_events() == []


def test_an_expired_form_token_records_nothing(client, ada, nps, time_machine):
    # given
    page = client.get(link(ada, score=8))
    time_machine.move_to(T + timedelta(days=1, seconds=1), tick=False)

    # when
    response = client.post(link(ada), {"form": form_of(page), "score": "8"})

    # then
    assert response.status_code == 400
    assert "Please open the link again" in response.content.decode()
    assert SurveyAnswer.objects.count() == 0


def test_a_rating_off_the_scale_shows_the_form_again(client, ada, nps):
    # given
    page = client.get(link(ada))

    # when
    response = client.post(link(ada), {"form": form_of(page), "score": "11"})

    # then
    assert response.status_code == 200
    assert 'name="score"' in response.content.decode()
    assert SurveyAnswer.objects.count() == 0


def test_links_are_scoped_to_their_installation(client, ada, nps):
    # given: another shop's contact, and a link claiming this shop for it
    other = make_shop("other")
    eve = make_contact(other, email="eve@example.com")
    claimed = link_token(installation_id=ada.installation_id, contact_id=eve.pk)
    theirs = link_token(installation_id=other.pk, contact_id=eve.pk)

    # when
    responses = [
        client.get(f"/s/{claimed}/nps"),
        client.get(f"/s/{theirs}/nps"),  # their shop has no survey nps
        client.get(link(ada, key="csat")),
        client.get(f"/s/{link_token(installation_id=ada.installation_id, contact_id=ada.pk)}x/nps"),
    ]

    # then
    assert [r.status_code for r in responses] == [404, 404, 404, 404]


def test_a_closed_survey_takes_no_answer(client, ada, nps):
    # given
    page = client.get(link(ada))
    nps.status = "closed"
    nps.save()

    # when
    response = client.post(link(ada), {"form": form_of(page), "score": "9"})

    # then
    assert "This survey is closed" in response.content.decode()
    assert SurveyAnswer.objects.count() == 0


def test_the_page_speaks_german_to_a_german_contact(client, shop, nps):
    # given
    greta = make_contact(shop, email="greta@example.com", language_code="de-DE")

    # when
    html = client.get(link(greta, score=5)).content.decode()

    # then
    assert '<html lang="de">' in html
    assert "Antwort senden" in html
    assert "0: sehr unwahrscheinlich" in html


def test_results_count_each_rating_with_the_nps_and_comments(shop, nps, time_machine):
    # given: 2 promoters, 1 passive, 2 detractors
    people = [make_contact(shop) for _ in range(5)]
    for minutes, (person, score, comment) in enumerate(
        zip(people, [10, 9, 8, 6, 0], ["Love it", "", "", "Slow delivery", ""], strict=True)
    ):
        survey_answer(
            survey=nps,
            contact=person,
            score=score,
            comment=comment,
            now=T + timedelta(minutes=minutes),
        )

    # when
    results = survey_results(nps)

    # then
    assert results.answers == 5
    assert results.counts == [
        (0, 1), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 1), (7, 0), (8, 1), (9, 1), (10, 1)
    ]  # fmt: skip
    assert results.average == Decimal("6.60")
    assert results.nps == Decimal("0.0")
    assert [(c.contact_id, c.score, c.comment) for c in results.comments] == [
        (people[3].pk, 6, "Slow delivery"),
        (people[0].pk, 10, "Love it"),
    ]


def test_a_five_point_survey_has_no_nps(shop):
    # given
    csat = survey_create(
        installation_id=shop.pk,
        key="csat",
        name="CSAT",
        question="How was your delivery?",
        scale_min=1,
        scale_max=5,
        ask_comment=False,
        now=T,
    )
    survey_answer(survey=csat, contact=make_contact(shop), score=4, comment="ignored", now=T)

    # when
    results = survey_results(csat)

    # then
    assert (results.answers, results.nps, results.average) == (1, None, Decimal("4.00"))
    assert results.counts == [(1, 0), (2, 0), (3, 0), (4, 1), (5, 0)]
    assert results.comments == []
    assert Event.objects.get(type="survey.answered").properties == {
        "survey": "csat",
        "score": 4,
        "has_comment": False,
    }


def test_a_segment_of_promoters_gains_the_contact_whose_answer_the_page_records(client, ada, nps):
    # given: a segment of contacts who answered the survey nps with 9 or 10
    promoters = segment_create(
        installation_id=ada.installation_id,
        name="Promoters",
        definition={
            "version": 1,
            "root": {
                "type": "event",
                "event_type": "survey.answered",
                "where": [
                    {"property": "survey", "op": "eq", "value": "nps"},
                    {"property": "nps_group", "op": "eq", "value": "promoter"},
                ],
            },
        },
        now=T,
    )
    page = client.get(link(ada, score=9))

    # when
    client.post(link(ada), {"form": form_of(page), "score": "9"})

    # then: the unit of work refreshed the membership
    assert list(Membership.objects.filter(segment=promoters).values_list("contact_id")) == [
        (ada.pk,)
    ]
    assert members_count(promoters, now=T) == 1
