"""Each active installation's Saleor: does it answer the app's token, and are the app's
webhooks there what the manifest says (the comparison ``mautomation sync-webhooks`` acts on)."""

from __future__ import annotations

from django.conf import settings

from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.ops.report import Line, fail, ok, warn
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.client import SaleorClient
from saleor_mautomation.saleor.errors import (
    SaleorGraphQLError,
    SaleorPermissionDenied,
    SaleorUnavailable,
    TokenInvalid,
)
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import TOKEN_ERROR_CODES, saleor_client
from saleor_mautomation.saleor.webhook_sync import SyncPlan, webhooks_compare

REINSTALL = "reinstall the app in the Saleor Dashboard (Apps), or uninstall it there if it is gone"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _reachability(installation: Installation, client: SaleorClient) -> Line:
    check = f"installation {installation.pk} Saleor"
    url = installation.saleor_api_url
    try:
        data = client.execute(documents.load("app_id"))
    except SaleorUnavailable as exc:
        return fail(
            check,
            f"{url} did not answer ({exc.message})",
            "check that this host reaches Saleor (a proxy, a firewall, SALEOR_ALLOW_LOOPBACK for"
            " a Saleor on this machine)",
        )
    except (TokenInvalid, SaleorPermissionDenied) as exc:
        return fail(check, f"{url} refused the app's token ({exc.message})", REINSTALL)
    except SaleorGraphQLError as exc:
        if set(exc.codes) & TOKEN_ERROR_CODES:
            return fail(check, f"{url} refused the app's token ({exc.message})", REINSTALL)
        return fail(check, f"{url} answered an error: {exc.message}", REINSTALL)
    except PermanentError as exc:
        return fail(check, f"{url}: {exc.message}", "check that this URL is Saleor's GraphQL API")
    app = data.get("app") or {}
    if not app.get("id"):
        return fail(check, f"{url} knows no app for the app's token", REINSTALL)
    if app["id"] != installation.app_id:
        return fail(
            check,
            f"{url} answers as app {app['id']}, the installation was made by {installation.app_id}",
            REINSTALL,
        )
    return ok(check, f"{url} answers the app's token (app {app['id']})")


def webhooks_line(installation_id: int, plan: SyncPlan) -> Line:
    check = f"installation {installation_id} webhooks"
    problems = []
    if plan.create:
        problems.append(f"{_plural(len(plan.create), 'webhook', 'webhooks')} missing")
    if plan.update:
        fields = sorted({field for update in plan.update for field in update.fields})
        differ = "differs" if len(plan.update) == 1 else "differ"
        problems.append(f"{len(plan.update)} {differ} ({', '.join(fields)})")
    extra = ""
    if plan.extra:
        names = ", ".join(webhook.name or webhook.id for webhook in plan.extra)
        extra = f"{_plural(len(plan.extra), 'webhook', 'webhooks')} not in the manifest ({names})"
    if problems:
        message = ", ".join([*problems, *([extra] if extra else [])])
        prune = " (--prune also deletes the extra ones)" if extra else ""
        return fail(check, message, f"run `mautomation sync-webhooks`{prune}")
    if extra:
        return warn(check, extra, "`mautomation sync-webhooks --prune` deletes them")
    return ok(check, f"{plan.in_line} as the manifest says")


def installation_lines() -> list[Line]:
    lines: list[Line] = []
    installations = Installation.objects.filter(status=Installation.Status.ACTIVE).order_by("id")
    for installation in installations:
        client = saleor_client(installation)
        reached = _reachability(installation, client)
        lines.append(reached)
        if reached.status != "OK":
            continue
        try:
            plan = webhooks_compare(client, app_url=settings.APP_URL)
        except (PermanentError, RetryableError) as exc:
            lines.append(
                fail(
                    f"installation {installation.pk} webhooks",
                    f"not read: {exc.message}",
                    "run `mautomation doctor` again; if it persists, reinstall the app",
                )
            )
            continue
        lines.append(webhooks_line(installation.pk, plan))
    if not lines:
        manifest = f"{settings.APP_URL}/api/manifest"
        lines.append(ok("installations", f"none yet (install the app with {manifest})"))
    return lines
