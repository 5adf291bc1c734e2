"""What a shop still has to do before the app works for it: the Dashboard's setup checklist.

Each step is read from what the app holds, not from what the admin clicked: a sender address
of the shop's own, a way for email to leave, the shop's customers and orders imported, a journey
live, and the storefront's behaviour seen (the storefront API's tracked events).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.backfill.selectors import backfill_status
from saleor_mautomation.contacts.behaviour import EVENT_TYPES
from saleor_mautomation.events.models import Event
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.messages.models import EmailProvider, SendingRules

# Django backends that deliver nothing: a deployment on one of them has no way out for email.
NOWHERE = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


@dataclass(frozen=True)
class SetupStep:
    key: str  # sender, email_provider, backfill, journey, storefront
    done: bool
    detail: str = ""
    at: datetime | None = None


def _sender(installation_id: int) -> SetupStep:
    rules = SendingRules.objects.filter(installation_id=installation_id).first()
    own = rules.from_email.strip() if rules else ""
    return SetupStep("sender", bool(own), own)


def _email_provider(installation_id: int) -> SetupStep:
    provider = EmailProvider.objects.filter(installation_id=installation_id).first()
    kind = provider.kind if provider else EmailProvider.Kind.DEFAULT
    if kind == EmailProvider.Kind.SMTP:
        return SetupStep("email_provider", True, provider.smtp_host if provider else "")
    if kind == EmailProvider.Kind.ESP:
        return SetupStep("email_provider", True, provider.esp if provider else "")
    return SetupStep("email_provider", settings.EMAIL_BACKEND not in NOWHERE, "default")


def _backfill(installation_id: int) -> SetupStep:
    runs = backfill_status(installation_id=installation_id)
    done = [run for run in runs if run.status == BackfillRun.Status.DONE]
    finished = max((run.finished_at for run in done if run.finished_at), default=None)
    complete = len(done) == len(BackfillRun.Resource.values)
    return SetupStep(
        "backfill", complete, f"{len(done)}/{len(BackfillRun.Resource.values)}", finished
    )


def _journey(installation_id: int) -> SetupStep:
    live = Journey.objects.filter(
        installation_id=installation_id, status=Journey.Status.ACTIVE
    ).count()
    return SetupStep("journey", live > 0, str(live))


def _storefront(installation_id: int) -> SetupStep:
    # By type (indexed with the installation and the time), newest first: a few index reads.
    last = (
        Event.objects.filter(installation_id=installation_id, type__in=EVENT_TYPES.values())
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return SetupStep("storefront", last is not None, at=last)


def setup_checklist(*, installation_id: int) -> list[SetupStep]:
    """The steps in the order an admin takes them."""
    return [
        step(installation_id)
        for step in (_sender, _email_provider, _backfill, _journey, _storefront)
    ]
