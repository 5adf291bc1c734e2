"""What journey steps do besides moving: send, give a voucher code, update the profile, call
a webhook, change static lists. Called by the runner inside its transaction; webhook calls
leave after the commit (a task per batch), so a rolled-back step calls nobody."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.profile import profile_assign, profile_clean
from saleor_mautomation.contacts.writeback import writeback_mark
from saleor_mautomation.core import http
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.journeys.models import JourneyRun, RunStep
from saleor_mautomation.journeys.postal_steps import PostalCards
from saleor_mautomation.messages.models import Template
from saleor_mautomation.messages.outbox import Origin, Outgoing, messages_enqueue
from saleor_mautomation.segments.models import StaticList, StaticListMember

logger = logging.getLogger(__name__)

WEBHOOK_ATTEMPTS = 6
WEBHOOK_TIMEOUT = 10.0
WEBHOOK_CLAIM = timedelta(minutes=2)  # a call claimed longer ago: its worker died


def send(
    run: JourneyRun,
    step: RunStep,
    params: dict[str, Any],
    *,
    channel: str,
    visit: int,
    origin: Origin,
    effects: Effects,
) -> None:
    """Queue the step's message (keyed by run, node and visit, ``origin`` its columns) with
    the batch's others; the step's detail gets the message id, or the reason there is none.
    A subject test's ``subject`` replaces the template's for this message."""
    template = effects.template(run.installation_id, str(params["template"]))
    step.detail = {"template": params["template"]}
    if "variant" in params:
        step.detail["variant"] = params["variant"]
    if "choice" in params:  # a send_preferred step: the channel it took, and why
        step.detail |= {"channel": params["channel"], "choice": params["choice"]}
    if template is None or template.channel != channel:
        step.kind = "failed"
        step.detail["error"] = (
            "no such template"
            if template is None
            else f"a {template.channel} template in a {channel} step"
        )
        return
    effects.sends.append(
        (
            step,
            Outgoing(
                contact=run.person,
                template=template,
                dedupe_key=f"journey-run:{run.pk}:{step.node}:{visit}",
                context=dict(run.context),  # as it is now: a later step may add a voucher
                at_best_hour=bool(params.get("at_best_hour")),
                origin=origin,
                subject=str(params.get("subject") or ""),
            ),
        )
    )


def voucher_give(
    run: JourneyRun, code: str, about: dict[str, object], now: datetime
) -> dict[str, Any]:
    """The code goes into the run's context: the next messages show it."""
    if not code:
        return {"error": "Saleor did not create a code; later messages go without one"}
    run.context = {**run.context, "voucher": {"code": code, **about}}
    return {"code": code}


def profile_update(run: JourneyRun, params: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Set the step's profile fields by the contacts' profile rule (the storefront's), and its
    metadata keys for the write-back. Publishing refuses values the rule refuses; a version
    published before that check could still hold one: the step then writes nothing and its
    detail says why, rather than failing the batch at the database."""
    fields = dict(params.get("fields") or {})
    metadata = dict(params.get("metadata") or {})
    change = profile_clean(fields, today=now.date())
    if change.errors:
        return {
            "fields": fields,
            "metadata": metadata,
            "error": "; ".join(f"{e.field}: {e.message}" for e in change.errors),
        }
    contact = Contact.objects.select_for_update().get(pk=run.person_id)
    changed = profile_assign(contact, change)
    if metadata:
        contact.writeback_extra = {**contact.writeback_extra, **metadata}
        writeback_mark(contact, now=now)
        changed += ["writeback_extra", "writeback_due_at"]
    contact.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    run.contact = contact
    return {"fields": fields, "metadata": metadata}


@dataclass
class Effects:
    """What a batch's steps share: its moment, its template look-ups, and its messages and
    static-list changes (written together at its end)."""

    now: datetime
    lists: dict[tuple[int, str], list[tuple[int, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    templates: dict[tuple[int, str], Template | None] = field(default_factory=dict)
    sends: list[tuple[RunStep, Outgoing]] = field(default_factory=list)
    # Each version's send nodes' A/B variants (``origins.send_origin``).
    variants: dict[tuple[int, str], tuple[str, int] | None] = field(default_factory=dict)
    # The batch's postal cards, added together (``postal_steps``).
    postal: PostalCards = field(default_factory=PostalCards)

    def template(self, installation_id: int, key: str) -> Template | None:
        """A batch looks each template up once."""
        if (installation_id, key) not in self.templates:
            self.templates[(installation_id, key)] = Template.objects.filter(
                installation_id=installation_id, key=key
            ).first()
        return self.templates[(installation_id, key)]

    def list_change(self, run: JourneyRun, key: str, *, add: bool) -> None:
        self.lists[(run.installation_id, key)].append((run.person_id, add))

    def flush(self) -> None:
        self.postal.flush(self.now)
        self._sends_flush()
        self._lists_flush()

    def _sends_flush(self) -> None:
        """The batch's messages into the outbox in two statements."""
        ids = messages_enqueue([outgoing for _, outgoing in self.sends], now=self.now)
        for (step, _), message_id in zip(self.sends, ids, strict=True):
            if message_id is None:
                step.kind = "failed"
                step.detail["error"] = "no address or no content"
            else:
                step.detail["message_id"] = message_id

    def _lists_flush(self) -> None:
        for (installation_id, key), changes in self.lists.items():
            static_list, _ = StaticList.objects.get_or_create(
                installation_id=installation_id, key=key, defaults={"name": key}
            )
            final: dict[int, bool] = {}
            for contact_id, add in changes:  # the last change of a contact in the batch wins
                final[contact_id] = add
            StaticListMember.objects.bulk_create(
                [
                    StaticListMember(
                        static_list=static_list, contact_id=c, added_at=self.now, source="journey"
                    )
                    for c, add in final.items()
                    if add
                ],
                ignore_conflicts=True,
            )
            StaticListMember.objects.filter(
                static_list=static_list, contact_id__in=[c for c, add in final.items() if not add]
            ).delete()


def webhooks_queue(steps: list[RunStep]) -> None:
    if not steps:
        return
    from saleor_mautomation.journeys.tasks import webhook_calls

    ids = [step.pk for step in steps]
    transaction.on_commit(lambda: webhook_calls.delay(ids))


def _payload(step: RunStep) -> dict[str, Any]:
    run = step.run
    contact = run.person
    return {
        "journey": run.journey.key,
        "run": run.pk,
        "node": step.node,
        "at": step.at.isoformat(),
        "contact": {
            "id": contact.pk,
            "email": contact.email,
            "saleor_user_id": contact.saleor_user_id,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "lifecycle_stage": contact.lifecycle_stage,
            "segments": contact.segments,
        },
        "context": {k: v for k, v in run.context.items() if k in ("event", "trigger", "voucher")},
    }


def _webhook_claim(step_id: int, now: datetime) -> RunStep | None:
    """Take a queued call for this worker in a short transaction of its own (``calling``,
    committed before the call), or None when it is done or another worker is making it."""
    with transaction.atomic():
        step = (
            RunStep.objects.select_for_update(of=("self",))
            .select_related("run__journey", "run__contact")
            .filter(pk=step_id, kind="webhook")
            .first()
        )
        if step is None or step.detail.get("status") not in ("queued", "calling"):
            return None
        since = step.detail.get("calling_since")
        if since and datetime.fromisoformat(since) > now - WEBHOOK_CLAIM:
            return None
        step.detail = {**step.detail, "status": "calling", "calling_since": now.isoformat()}
        step.save(update_fields=["detail"])
    return step


def webhook_call(step_id: int, *, now: datetime) -> timedelta | None:
    """Make one queued webhook call; returns when to try again (None: done or given up).

    The call is made outside any transaction (ADR 0014): the step is claimed first, and the
    outcome recorded after. The body is signed (``X-Mautomation-Signature: sha256=<hex>``, HMAC
    of the body with the journey's trigger secret) when the journey has one;
    ``Idempotency-Key`` is the step, so a receiver can drop a repeat (a retry after a timeout,
    or after a worker died during the call, may repeat a call that arrived).
    """
    step = _webhook_claim(step_id, now)
    if step is None:
        return None
    body = json.dumps(_payload(step), sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": f"run-step-{step.pk}"}
    secret = step.run.journey.trigger_secret
    if secret:
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Mautomation-Signature"] = f"sha256={signature}"
    attempts = int(step.detail.get("attempts", 0)) + 1
    url = str(step.detail["url"])
    retry: timedelta | None = None
    try:
        if not url.startswith("https://") and not settings.SALEOR_ALLOW_LOOPBACK:
            raise PermanentError("Webhooks go to https:// addresses only", code="not_https")
        response = http.request(
            "POST",
            url,
            policy=http.HttpPolicy(
                timeout=WEBHOOK_TIMEOUT, allow_private=settings.SALEOR_ALLOW_LOOPBACK
            ),
            headers=headers,
            content=body,
        )
        if response.status_code < 300:
            outcome = {"status": "delivered", "http_status": response.status_code}
        elif response.status_code in (408, 429) or response.status_code >= 500:
            raise RetryableError(f"HTTP {response.status_code}")
        else:
            outcome = {"status": "failed", "http_status": response.status_code}
    except RetryableError as exc:
        if attempts >= WEBHOOK_ATTEMPTS:
            outcome = {"status": "failed", "error": str(exc)}
        else:
            outcome = {"status": "queued", "error": str(exc)}
            retry = timedelta(seconds=30 * 4 ** (attempts - 1))
    except PermanentError as exc:
        outcome = {"status": "failed", "error": str(exc)}
    detail = {k: v for k, v in step.detail.items() if k != "calling_since"}
    step.detail = {**detail, **outcome, "attempts": attempts, "last_at": now.isoformat()}
    step.save(update_fields=["detail"])
    return retry
