"""An installation's webhooks in Saleor brought in line with the manifest.

Saleor creates a manifest's webhooks when the app is installed, and never again: an
installation made by an older version keeps that version's webhooks (an event added since is
never delivered, a changed subscription keeps its old payload, a new ``APP_URL`` is never
called). The app's own token may read and change its own webhooks (Saleor 3.23: ``App.webhooks``
asks MANAGE_APPS or OWNER; ``webhookCreate``, ``webhookUpdate`` and ``webhookDelete`` accept any
authenticated app, and find only the calling app's webhooks), so no staff token is needed.

``webhooks_plan`` is the pure comparison (``mautomation doctor`` uses it too);
``webhooks_sync`` reads, compares and writes for one installation. A webhook of the app is
matched to the manifest's by name, else (a renamed webhook) by its events; the manifest's
webhooks left over are created, the app's left over are extra: reported, and deleted only
when asked (``prune``). A second run finds nothing to do.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from django.conf import settings
from django.db import DatabaseError, connections
from graphql import GraphQLError, parse, print_ast

from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.client import SaleorClient
from saleor_mautomation.saleor.errors import SaleorPermissionDenied, SaleorUnavailable, TokenInvalid
from saleor_mautomation.saleor.manifest import ManifestWebhook, build_manifest
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client
from saleor_mautomation.saleor.webhooks import SPECS

logger = logging.getLogger(__name__)

# The fields compared, by their names in Saleor's API (what the plan and the report name).
Field = Literal["name", "targetUrl", "asyncEvents", "syncEvents", "query", "isActive"]


@dataclass(frozen=True)
class SaleorWebhook:
    """One of the app's webhooks as Saleor has it."""

    id: str
    name: str
    is_active: bool
    target_url: str
    async_events: frozenset[str]
    sync_events: frozenset[str]
    query: str

    @classmethod
    def of(cls, node: Mapping[str, Any]) -> SaleorWebhook:
        return cls(
            id=str(node["id"]),
            name=str(node.get("name") or ""),
            is_active=bool(node.get("isActive")),
            target_url=str(node.get("targetUrl") or ""),
            async_events=frozenset(e["eventType"] for e in node.get("asyncEvents") or []),
            sync_events=frozenset(e["eventType"] for e in node.get("syncEvents") or []),
            query=str(node.get("subscriptionQuery") or ""),
        )


@dataclass(frozen=True)
class Update:
    webhook: SaleorWebhook
    wanted: ManifestWebhook
    fields: tuple[Field, ...]  # what differs


@dataclass(frozen=True)
class SyncPlan:
    create: tuple[ManifestWebhook, ...] = ()
    update: tuple[Update, ...] = ()
    extra: tuple[SaleorWebhook, ...] = ()
    in_line: int = 0  # webhooks already as the manifest says

    @property
    def needed(self) -> bool:
        """Whether a sync would change anything (extra webhooks only with ``prune``)."""
        return bool(self.create or self.update)

    def summary(self) -> str:
        parts = [
            f"{len(self.create)} to create",
            f"{len(self.update)} to update",
            f"{len(self.extra)} extra",
            f"{self.in_line} in line",
        ]
        return ", ".join(parts)


def _normalised(query: str) -> str:
    """A subscription as printed from its syntax tree: layout and comments do not count."""
    try:
        return print_ast(parse(query))
    except GraphQLError:
        return query.strip()


def _differences(webhook: SaleorWebhook, wanted: ManifestWebhook) -> tuple[Field, ...]:
    fields: list[Field] = []
    if webhook.name != wanted.name:
        fields.append("name")
    if webhook.target_url != wanted.target_url:
        fields.append("targetUrl")
    if webhook.async_events != frozenset(wanted.async_events):
        fields.append("asyncEvents")
    if webhook.sync_events:
        fields.append("syncEvents")
    if _normalised(webhook.query) != _normalised(wanted.query):
        fields.append("query")
    if webhook.is_active != wanted.is_active:
        fields.append("isActive")
    return tuple(fields)


def webhooks_plan(existing: Sequence[SaleorWebhook], wanted: Sequence[ManifestWebhook]) -> SyncPlan:
    """What to create, update and report so that ``existing`` (the app's webhooks in Saleor)
    is ``wanted`` (the manifest's). A name matches once: a second webhook of the same name is
    extra. A manifest webhook without a namesake takes an unmatched webhook of the same events
    (it was renamed) before a new one is made."""
    by_name: dict[str, SaleorWebhook] = {}
    for webhook in existing:
        by_name.setdefault(webhook.name, webhook)
    matched: dict[str, SaleorWebhook] = {}
    for want in wanted:
        if want.name in by_name:
            matched[want.name] = by_name[want.name]
    taken = {webhook.id for webhook in matched.values()}
    for want in wanted:
        if want.name in matched:
            continue
        renamed = next(
            (
                webhook
                for webhook in existing
                if webhook.id not in taken and webhook.async_events == frozenset(want.async_events)
            ),
            None,
        )
        if renamed is not None:
            matched[want.name] = renamed
            taken.add(renamed.id)
    create: list[ManifestWebhook] = []
    update: list[Update] = []
    in_line = 0
    for want in wanted:
        found = matched.get(want.name)
        if found is None:
            create.append(want)
            continue
        fields = _differences(found, want)
        if fields:
            update.append(Update(found, want, fields))
        else:
            in_line += 1
    extra = tuple(webhook for webhook in existing if webhook.id not in taken)
    return SyncPlan(tuple(create), tuple(update), extra, in_line)


def manifest_webhooks(app_url: str) -> list[ManifestWebhook]:
    """The manifest's webhooks for this deployment's ``APP_URL`` (``GET /api/manifest``)."""
    manifest = build_manifest(
        app_url=app_url,
        version="",
        required_saleor_version=settings.SALEOR_REQUIRED_VERSION,
        specs=SPECS,
    )
    return manifest.webhooks


def app_webhooks(client: SaleorClient) -> list[SaleorWebhook]:
    """The calling app's webhooks, read with its own token. Any app token may read ``app``
    (AUTHENTICATED_APP): refused, the token is no longer one (the app was removed)."""
    try:
        data = client.execute(documents.load("app_webhooks"))
    except SaleorPermissionDenied as exc:
        raise TokenInvalid(f"Saleor does not accept the app's token ({exc.message})") from exc
    app = data.get("app")
    if not app:
        raise TokenInvalid("Saleor knows no app for this token")
    return [SaleorWebhook.of(node) for node in app.get("webhooks") or []]


def webhooks_compare(client: SaleorClient, *, app_url: str) -> SyncPlan:
    """The plan for one installation: its webhooks in Saleor against the manifest's."""
    return webhooks_plan(app_webhooks(client), manifest_webhooks(app_url))


Action = Literal["create", "update", "delete", "extra"]


@dataclass(frozen=True)
class Outcome:
    """One step of a sync: done (or planned, in a dry run), or refused with Saleor's error."""

    action: Action
    name: str
    fields: tuple[Field, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class SyncReport:
    installation_id: int
    saleor_api_url: str
    dry_run: bool
    plan: SyncPlan | None = None  # None: Saleor could not be read
    outcomes: tuple[Outcome, ...] = ()
    error: str = ""  # the installation as a whole (Saleor unreachable, the token refused)
    retryable: bool = False

    @property
    def ok(self) -> bool:
        return not self.error and not any(outcome.error for outcome in self.outcomes)


def _input(wanted: ManifestWebhook) -> dict[str, Any]:
    return {
        "name": wanted.name,
        "targetUrl": wanted.target_url,
        "asyncEvents": list(wanted.async_events),
        "query": wanted.query,
        "isActive": wanted.is_active,
    }


def _refusal(answer: Mapping[str, Any] | None, what: str) -> str:
    """Saleor's ``WebhookError`` list as one line, or ``""`` when it did what was asked."""
    if answer is None:
        return f"Saleor answered no {what}"
    errors = answer.get("errors") or []
    return "; ".join(
        f"{error.get('field') or what}: {error.get('message')} ({error.get('code')})"
        for error in errors
    )


def _step(client: SaleorClient, document: str, variables: dict[str, Any], root: str) -> str:
    """Run one mutation; Saleor's refusal (its field errors, or a GraphQL error) as text.
    Saleor unreachable or the token refused raise: the installation stops there."""
    try:
        data = client.execute(documents.load(document), variables)
    except (SaleorUnavailable, TokenInvalid):
        raise
    except PermanentError as exc:
        return exc.message
    return _refusal(data.get(root), "webhook")


def webhooks_sync(installation: Installation, *, dry_run: bool, prune: bool) -> SyncReport:
    """Create the manifest's webhooks the installation lacks, update those that differ and,
    with ``prune``, delete the app's webhooks the manifest no longer has; ``dry_run``: the
    plan only. One refused step does not stop the others; Saleor unreachable or the token
    refused ends this installation's sync (the report says so, nothing raises)."""
    report = SyncReport(installation.pk, installation.saleor_api_url, dry_run)
    client = saleor_client(installation)
    try:
        plan = webhooks_compare(client, app_url=settings.APP_URL)
    except (PermanentError, RetryableError) as exc:
        return _failed(report, exc)
    steps: list[Outcome] = []
    try:
        for want in plan.create:
            variables: dict[str, Any] = {"input": _input(want)}
            error = "" if dry_run else _step(client, "webhook_create", variables, "webhookCreate")
            steps.append(Outcome("create", want.name, error=error))
        for update in plan.update:
            variables = {"id": update.webhook.id, "input": _input(update.wanted)}
            error = "" if dry_run else _step(client, "webhook_update", variables, "webhookUpdate")
            steps.append(Outcome("update", update.wanted.name, update.fields, error))
        for webhook in plan.extra:
            name = webhook.name or webhook.id
            if not prune:
                steps.append(Outcome("extra", name))
                continue
            variables = {"id": webhook.id}
            error = "" if dry_run else _step(client, "webhook_delete", variables, "webhookDelete")
            steps.append(Outcome("delete", name, error=error))
    except (SaleorUnavailable, TokenInvalid) as exc:
        return _failed(replace(report, plan=plan, outcomes=tuple(steps)), exc)
    finally:
        if not dry_run:
            _log(installation, steps)
    return replace(report, plan=plan, outcomes=tuple(steps))


def _log(installation: Installation, steps: Sequence[Outcome]) -> None:
    """What a sync changed in a Saleor, for whoever later wonders where a webhook came from."""
    for step in steps:
        if step.action == "extra":
            continue
        if step.error:
            logger.warning(
                "%s: webhook %s not %sd: %s",
                installation.saleor_api_url,
                step.name,
                step.action,
                step.error,
            )
        else:
            logger.info("%s: webhook %s %sd", installation.saleor_api_url, step.name, step.action)


def _failed(report: SyncReport, exc: PermanentError | RetryableError) -> SyncReport:
    return replace(report, error=exc.message, retryable=isinstance(exc, RetryableError))


def webhooks_sync_active(*, dry_run: bool = False, prune: bool = False) -> list[SyncReport]:
    """``webhooks_sync`` for every active installation, one after the other; one that fails is
    logged and the others go on."""
    reports = []
    for installation in Installation.objects.filter(status=Installation.Status.ACTIVE).order_by(
        "id"
    ):
        report = webhooks_sync(installation, dry_run=dry_run, prune=prune)
        if report.error:
            logger.warning(
                "%s: webhooks not brought in line: %s", installation.saleor_api_url, report.error
            )
        reports.append(report)
    return reports


_aligned_at_start = threading.Event()


def webhooks_align_at_start(*, background: bool = True) -> bool:
    """Bring every installation's webhooks in line with the manifest once per process, when a
    worker or the scheduler starts (``WEBHOOKS_SYNC_AT_START``): an installation made by an
    older version gets the webhooks added since without a reinstall. In a thread of its own
    (``background``) so the process starts at once; nothing it meets is fatal, all is logged.
    ``False`` when this process already did (or it is turned off)."""
    if not settings.WEBHOOKS_SYNC_AT_START or _aligned_at_start.is_set():
        return False
    _aligned_at_start.set()
    if background:
        threading.Thread(target=_align_logged, name="webhooks-sync", daemon=True).start()
    else:
        _align_logged()
    return True


def _align_logged() -> None:
    try:
        reports = webhooks_sync_active()
    except DatabaseError:
        logger.exception("Webhooks not brought in line at start: the database is unavailable")
        return
    finally:
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()
    changed = sum(1 for r in reports for o in r.outcomes if o.action != "extra" and not o.error)
    logger.info(
        "Webhooks brought in line at start: %s installations, %s webhooks created or updated",
        len(reports),
        changed,
    )
