"""Programmes a shop runs with its contacts beyond messages: surveys (a rating with an optional
comment, one answer per contact) and prize draws (one entry per contact, winners drawn with a
recorded seed)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q


class Survey(models.Model):
    """A one-question rating survey: each rating from ``scale_min`` to ``scale_max`` is a link
    in an email (0-10 is a Net Promoter Score question), answered on the app's page."""

    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"  # the page says so; answers are kept

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    question = models.CharField(max_length=300)
    scale_min = models.PositiveSmallIntegerField(default=0)
    scale_max = models.PositiveSmallIntegerField(default=10)
    ask_comment = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[Survey]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "key"], name="survey_unique_key"),
            models.CheckConstraint(
                condition=Q(scale_min__lte=1)
                & Q(scale_max__gt=models.F("scale_min"))
                & Q(scale_max__lte=10),
                name="survey_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_nps(self) -> bool:
        return (self.scale_min, self.scale_max) == (0, 10)


class SurveyAnswer(models.Model):
    """A contact's answer (their latest: a second answer replaces the first)."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    contact = models.ForeignKey("mautomation.Contact", on_delete=models.CASCADE)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, default="")
    answered_at = models.DateTimeField()

    objects: ClassVar[models.Manager[SurveyAnswer]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "contact"], name="survey_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.score}"


class Draw(models.Model):
    """A prize draw: contacts enter through a link until it is drawn (or ``closes_at``);
    ``winners`` entries win, chosen by ``seed`` (``programmes.draws.ranking``)."""

    class Status(models.TextChoices):
        OPEN = "open"
        DRAWN = "drawn"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    prize = models.CharField(max_length=300, blank=True, default="")
    winners = models.PositiveSmallIntegerField(default=1)
    closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    seed = models.CharField(max_length=128, blank=True, default="")
    drawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[Draw]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "key"], name="draw_unique_key"),
            models.CheckConstraint(condition=Q(winners__gte=1), name="draw_winners"),
        ]

    def __str__(self) -> str:
        return self.name


class DrawEntry(models.Model):
    """One contact's entry; ``rank`` (1 first) once it won."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="entries")
    contact = models.ForeignKey("mautomation.Contact", on_delete=models.CASCADE)
    entered_at = models.DateTimeField()
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    objects: ClassVar[models.Manager[DrawEntry]]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["draw", "contact"], name="draw_entry_once")]

    def __str__(self) -> str:
        return f"{self.draw_id}: {self.contact_id}"
