"""Reads of the programmes: a survey's results, a draw's entries and winners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from saleor_mautomation.programmes.models import Draw, DrawEntry, Survey, SurveyAnswer

COMMENTS_SHOWN = 100  # the newest comments a result lists


@dataclass(frozen=True)
class Comment:
    contact_id: int
    score: int
    comment: str
    answered_at: datetime


@dataclass(frozen=True)
class SurveyResults:
    answers: int
    counts: list[tuple[int, int]]  # (rating, answers), every rating of the scale, in order
    average: Decimal | None  # to two places
    nps: Decimal | None  # 0-10 scales only: % promoters (9-10) - % detractors (0-6), one place
    comments: list[Comment]  # newest first


def survey_results(survey: Survey) -> SurveyResults:
    rows = dict(
        SurveyAnswer.objects.filter(survey=survey)
        .values_list("score")
        .annotate(n=Count("pk"))
        .values_list("score", "n")
    )
    counts = [
        (score, rows.get(score, 0)) for score in range(survey.scale_min, survey.scale_max + 1)
    ]
    total = sum(rows.values())
    average = nps = None
    if total:
        average = (Decimal(sum(s * n for s, n in rows.items())) / total).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        if survey.is_nps:
            promoters = sum(n for s, n in rows.items() if s >= 9)
            detractors = sum(n for s, n in rows.items() if s <= 6)
            nps = (Decimal(100 * (promoters - detractors)) / total).quantize(
                Decimal("0.1"), ROUND_HALF_UP
            )
    comments = [
        Comment(
            contact_id=a.contact_id, score=a.score, comment=a.comment, answered_at=a.answered_at
        )
        for a in SurveyAnswer.objects.filter(survey=survey)
        .exclude(comment="")
        .order_by("-answered_at", "-pk")[:COMMENTS_SHOWN]
    ]
    return SurveyResults(answers=total, counts=counts, average=average, nps=nps, comments=comments)


def draw_entries_count(draw: Draw) -> int:
    return DrawEntry.objects.filter(draw=draw).count()


def draw_winners(draw: Draw) -> list[DrawEntry]:
    """The winning entries, first prize first, with their contacts."""
    return list(
        DrawEntry.objects.filter(draw=draw, rank__isnull=False)
        .select_related("contact")
        .order_by("rank")
    )
