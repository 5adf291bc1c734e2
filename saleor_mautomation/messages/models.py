from __future__ import annotations

from typing import ClassVar

from django.db import models


class Template(models.Model):
    """An email the shop sends, in one or more languages; its content lives in versions."""

    class Kind(models.TextChoices):
        MARKETING = "marketing"  # consent, suppression, caps and quiet hours apply
        TRANSACTIONAL = "transactional"  # e.g. the double opt-in confirmation

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MARKETING)
    default_language = models.CharField(max_length=8, default="en")
    is_builtin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[Template]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "key"], name="template_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    """One saved content of a template in one language: immutable, numbered per language.

    ``html`` is the MJML compiled once when the version is saved; sending only personalises
    it (``rendering.render``), never compiles MJML per recipient.
    """

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=8)
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    preheader = models.CharField(max_length=300, blank=True, default="")
    mjml = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[TemplateVersion]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language", "number"], name="template_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_id} {self.language} v{self.number}"
