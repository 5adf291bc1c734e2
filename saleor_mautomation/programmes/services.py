"""Writes of the programmes: surveys and their answers, draws, their entries and winners.

An answer, an entry and a win are also events on the contact (``survey.answered``,
``draw.entered``, ``draw.won``): journeys enter or branch on them and segments read them, like
any other event. The services join the caller's transaction (ADR 0007); the entry points wrap
them in the unit of work, which writes the events and feeds the journeys.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.services import event_record
from saleor_mautomation.programmes.draws import new_seed, winners_of
from saleor_mautomation.programmes.errors import (
    ProgrammeClosed,
    ProgrammeInvalid,
    ProgrammeNotFound,
)
from saleor_mautomation.programmes.models import Draw, DrawEntry, Survey, SurveyAnswer

SURVEY_ANSWERED, DRAW_ENTERED, DRAW_WON = "survey.answered", "draw.entered", "draw.won"
SOURCE = "programmes"
KEY = re.compile(r"^[a-z0-9][a-z0-9\-]{1,63}$")
MAX_COMMENT = 2000  # characters
MAX_WINNERS = 1000
SCALES = ((0, 10), (1, 10), (1, 5), (0, 5))


def nps_group(score: int) -> str:
    """The Net Promoter Score's group of a 0-10 rating."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def _text(value: str, limit: int, what: str, field: str) -> str:
    value = value.strip()
    if not 0 < len(value) <= limit:
        raise ProgrammeInvalid(f"{what} of 1 to {limit} characters", field=field)
    return value


def _key(value: str) -> str:
    if not KEY.match(value):
        raise ProgrammeInvalid(
            "A key of 2 to 64 lower-case letters, digits and hyphens", field="key"
        )
    return value


# -- surveys ------------------------------------------------------------------------------------


def survey_create(
    *,
    installation_id: int,
    key: str,
    name: str,
    question: str,
    scale_min: int,
    scale_max: int,
    ask_comment: bool,
    now: datetime,
) -> Survey:
    if (scale_min, scale_max) not in SCALES:
        raise ProgrammeInvalid("A scale of 0-10, 1-10, 1-5 or 0-5", field="scale")
    try:
        with transaction.atomic():
            return Survey.objects.create(
                installation_id=installation_id,
                key=_key(key),
                name=_text(name, 120, "A name", "name"),
                question=_text(question, 300, "A question", "question"),
                scale_min=scale_min,
                scale_max=scale_max,
                ask_comment=ask_comment,
                created_at=now,
            )
    except IntegrityError as exc:
        raise ProgrammeInvalid(
            "A survey with this key exists", code="key_taken", field="key"
        ) from exc


def survey_update(
    *, survey: Survey, name: str, question: str, ask_comment: bool, open: bool
) -> Survey:
    """Its texts, whether it asks for a comment and whether it takes answers (its key and
    scale stay: emails sent link to them, and answers are counted on them)."""
    survey.name = _text(name, 120, "A name", "name")
    survey.question = _text(question, 300, "A question", "question")
    survey.ask_comment = ask_comment
    survey.status = Survey.Status.OPEN if open else Survey.Status.CLOSED
    survey.save(update_fields=["name", "question", "ask_comment", "status"])
    return survey


def survey_of(*, installation_id: int, key: str) -> Survey:
    survey = Survey.objects.filter(installation_id=installation_id, key=key).first()
    if survey is None:
        raise ProgrammeNotFound("No such survey")
    return survey


def survey_answer(
    *, survey: Survey, contact: Contact, score: int, comment: str, now: datetime
) -> SurveyAnswer:
    """Record the contact's answer (replacing an earlier one) and a ``survey.answered`` event
    (properties: survey, score, ``nps_group`` on a 0-10 scale, has_comment; never the comment
    itself, which stays with the answer)."""
    if survey.status != Survey.Status.OPEN:
        raise ProgrammeClosed("This survey is closed")
    if not survey.scale_min <= score <= survey.scale_max:
        raise ProgrammeInvalid(
            f"A rating from {survey.scale_min} to {survey.scale_max}", field="score"
        )
    comment = comment.strip()[:MAX_COMMENT] if survey.ask_comment else ""
    answer, _ = SurveyAnswer.objects.update_or_create(
        survey=survey,
        contact=contact,
        defaults={
            "installation_id": survey.installation_id,
            "score": score,
            "comment": comment,
            "answered_at": now,
        },
    )
    properties: dict[str, object] = {
        "survey": survey.key,
        "score": score,
        "has_comment": bool(comment),
    }
    if survey.is_nps:
        properties["nps_group"] = nps_group(score)
    event_record(
        installation_id=survey.installation_id,
        contact_id=contact.pk,
        type=SURVEY_ANSWERED,
        occurred_at=now,
        source=SOURCE,
        dedupe_key=f"{SURVEY_ANSWERED}:{survey.pk}:{contact.pk}:{uuid.uuid4().hex}",
        properties=properties,
    )
    return answer


# -- draws --------------------------------------------------------------------------------------


def _winners(value: int) -> int:
    if not 1 <= value <= MAX_WINNERS:
        raise ProgrammeInvalid(f"From 1 to {MAX_WINNERS} winners", field="winnersCount")
    return value


def draw_create(
    *,
    installation_id: int,
    key: str,
    name: str,
    prize: str,
    winners: int,
    closes_at: datetime | None,
    now: datetime,
) -> Draw:
    try:
        with transaction.atomic():
            return Draw.objects.create(
                installation_id=installation_id,
                key=_key(key),
                name=_text(name, 120, "A name", "name"),
                prize=prize.strip()[:300],
                winners=_winners(winners),
                closes_at=closes_at,
                created_at=now,
            )
    except IntegrityError as exc:
        raise ProgrammeInvalid(
            "A draw with this key exists", code="key_taken", field="key"
        ) from exc


def draw_update(
    *, draw: Draw, name: str, prize: str, winners: int, closes_at: datetime | None
) -> Draw:
    if draw.status == Draw.Status.DRAWN:
        raise ProgrammeClosed("This draw is drawn: its winners are final")
    draw.name = _text(name, 120, "A name", "name")
    draw.prize = prize.strip()[:300]
    draw.winners = _winners(winners)
    draw.closes_at = closes_at
    draw.save(update_fields=["name", "prize", "winners", "closes_at"])
    return draw


def draw_of(*, installation_id: int, key: str) -> Draw:
    draw = Draw.objects.filter(installation_id=installation_id, key=key).first()
    if draw is None:
        raise ProgrammeNotFound("No such draw")
    return draw


def draw_is_open(draw: Draw, now: datetime) -> bool:
    return draw.status == Draw.Status.OPEN and (draw.closes_at is None or now < draw.closes_at)


def draw_enter(*, draw: Draw, contact: Contact, now: datetime) -> tuple[DrawEntry, bool]:
    """The contact's entry, made the first time (with a ``draw.entered`` event); the entry
    already made, and False, after that."""
    if not draw_is_open(draw, now):
        raise ProgrammeClosed("This draw is closed")
    entry, created = DrawEntry.objects.get_or_create(
        draw=draw,
        contact=contact,
        defaults={"installation_id": draw.installation_id, "entered_at": now},
    )
    if created:
        event_record(
            installation_id=draw.installation_id,
            contact_id=contact.pk,
            type=DRAW_ENTERED,
            occurred_at=now,
            source=SOURCE,
            dedupe_key=f"{DRAW_ENTERED}:{draw.pk}:{contact.pk}",
            properties={"draw": draw.key},
        )
    return entry, created


def draw_run(*, draw: Draw, seed: str, now: datetime) -> list[DrawEntry]:
    """Draw the winners once (``programmes.draws``): ``seed`` as given, or a new one; the seed,
    the time and each winner's rank recorded, and a ``draw.won`` event per winner (a winners'
    journey enters on it). The draw takes no entry after this."""
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.status == Draw.Status.DRAWN:
            raise ProgrammeClosed("This draw is drawn already")
        seed = seed.strip() or new_seed()
        if len(seed) > 128:
            raise ProgrammeInvalid("A seed of at most 128 characters", field="seed")
        entries = {entry.contact_id: entry for entry in DrawEntry.objects.filter(draw=draw)}
        winners = [entries[c] for c in winners_of(seed, entries, draw.winners)]
        for rank, entry in enumerate(winners, start=1):
            entry.rank = rank
        DrawEntry.objects.bulk_update(winners, ["rank"])
        draw.status, draw.seed, draw.drawn_at = Draw.Status.DRAWN, seed, now
        draw.save(update_fields=["status", "seed", "drawn_at"])
        for entry in winners:
            event_record(
                installation_id=draw.installation_id,
                contact_id=entry.contact_id,
                type=DRAW_WON,
                occurred_at=now,
                source=SOURCE,
                dedupe_key=f"{DRAW_WON}:{draw.pk}:{entry.contact_id}",
                properties={"draw": draw.key, "rank": entry.rank, "prize": draw.prize},
            )
    return winners
