import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saleor_mautomation import cli
from saleor_mautomation.saleor.webhook_sync import (
    Outcome,
    SaleorWebhook,
    manifest_webhooks,
    webhooks_plan,
    webhooks_sync,
)
from saleor_mautomation.saleor.webhooks import SPECS
from tests.conftest import make_installation
from tests.ops.conftest import APP_ID, APP_URL, OTHER_APP, install_manifest

WEBHOOK_URL = f"{APP_URL}/api/webhooks/saleor"


def _as_saleor_has_them(saleor):
    return sorted(
        (w.name, w.target_url, tuple(w.events), w.query, w.is_active)
        for w in saleor.saleor_webhooks.of(APP_ID)
    )


def _as_the_manifest_says():
    return sorted(
        (w.name, w.target_url, tuple(w.async_events), w.query, w.is_active)
        for w in manifest_webhooks(APP_URL)
    )


def test_sync_creates_every_manifest_webhook_an_installation_lacks(saleor, installation):
    # when
    report = webhooks_sync(installation, dry_run=False, prune=False)

    # then
    assert report.ok
    assert report.plan is not None
    assert report.plan.summary() == f"{len(SPECS)} to create, 0 to update, 0 extra, 0 in line"
    assert report.outcomes == tuple(Outcome("create", spec.name) for spec in SPECS)
    assert _as_saleor_has_them(saleor) == _as_the_manifest_says()
    created = saleor.saleor_webhooks.of(APP_ID)
    assert {w.target_url for w in created} == {WEBHOOK_URL}
    assert sorted(e for w in created for e in w.events) == sorted(s.event for s in SPECS)


def test_a_second_sync_changes_nothing(saleor, installation):
    # given
    webhooks_sync(installation, dry_run=False, prune=False)
    saleor.saleor_webhooks.calls.clear()

    # when
    report = webhooks_sync(installation, dry_run=False, prune=True)

    # then
    assert report.ok
    assert report.outcomes == ()
    assert report.plan is not None
    assert report.plan.summary() == f"0 to create, 0 to update, 0 extra, {len(SPECS)} in line"
    assert saleor.saleor_webhooks.calls == ["app"]


def test_sync_updates_what_differs_renames_and_keeps_extra_webhooks(saleor, installation):
    # given: installed by an older version, at another URL, with one webhook renamed since
    install_manifest(saleor, app_url="https://old-tunnel.example.com")
    webhooks = saleor.saleor_webhooks
    by_name = {w.name: w for w in webhooks.of(APP_ID)}
    del webhooks.webhooks[by_name["mautomation-order-refunded"].pk]
    by_name[
        "mautomation-customer-created"
    ].query = "subscription { event { ... on CustomerCreated { user { id } } } }"
    by_name["mautomation-order-updated"].name = "order-updated"
    by_name["mautomation-app-deleted"].is_active = False
    legacy = webhooks.add(
        APP_ID,
        name="mautomation-product-metadata-updated",
        target_url=WEBHOOK_URL,
        events=["PRODUCT_METADATA_UPDATED"],
    )
    others = webhooks.add(OTHER_APP, name="another app's", target_url="https://x.example.com/")

    # when
    report = webhooks_sync(installation, dry_run=False, prune=False)

    # then
    assert report.ok
    updates = {o.name: o.fields for o in report.outcomes if o.action == "update"}
    assert len(updates) == len(SPECS) - 1
    assert updates["mautomation-customer-created"] == ("targetUrl", "query")
    assert updates["mautomation-order-updated"] == ("name", "targetUrl")
    assert updates["mautomation-app-deleted"] == ("targetUrl", "isActive")
    assert updates["mautomation-order-created"] == ("targetUrl",)
    assert [o for o in report.outcomes if o.action != "update"] == [
        Outcome("create", "mautomation-order-refunded"),
        Outcome("extra", "mautomation-product-metadata-updated"),
    ]
    assert webhooks.webhooks[legacy.pk] is not None
    assert webhooks.webhooks[others.pk].name == "another app's"
    assert [
        w for w in _as_saleor_has_them(saleor) if w[0] != legacy.name
    ] == _as_the_manifest_says()
    assert webhooks_sync(installation, dry_run=False, prune=False).outcomes == (
        Outcome("extra", "mautomation-product-metadata-updated"),
    )


def test_prune_deletes_the_apps_extra_webhooks_only(saleor, installation):
    # given
    install_manifest(saleor)
    legacy = saleor.saleor_webhooks.add(
        APP_ID, name="legacy", target_url=WEBHOOK_URL, events=["PRODUCT_METADATA_UPDATED"]
    )
    others = saleor.saleor_webhooks.add(OTHER_APP, name="theirs", target_url=WEBHOOK_URL)

    # when
    report = webhooks_sync(installation, dry_run=False, prune=True)

    # then
    assert report.ok
    assert report.outcomes == (Outcome("delete", "legacy"),)
    assert legacy.pk not in saleor.saleor_webhooks.webhooks
    assert others.pk in saleor.saleor_webhooks.webhooks
    assert _as_saleor_has_them(saleor) == _as_the_manifest_says()


def test_a_dry_run_plans_and_changes_nothing(saleor, installation):
    # given
    install_manifest(saleor, app_url="https://old.example.com")
    saleor.saleor_webhooks.add(
        APP_ID, name="legacy", target_url=WEBHOOK_URL, events=["PRODUCT_METADATA_UPDATED"]
    )
    before = _as_saleor_has_them(saleor)

    # when
    report = webhooks_sync(installation, dry_run=True, prune=True)

    # then
    assert report.ok
    assert report.dry_run
    assert [o.action for o in report.outcomes].count("update") == len(SPECS)
    assert report.outcomes[-1] == Outcome("delete", "legacy")
    assert _as_saleor_has_them(saleor) == before
    assert saleor.saleor_webhooks.calls == ["app"]


def test_saleors_refusal_of_a_target_url_is_reported_per_webhook(saleor, installation, settings):
    # given: a host name Saleor's URL validator refuses (an underscore, as in compose names)
    settings.APP_URL = "http://mautomation_web:8080"

    # when
    report = webhooks_sync(installation, dry_run=False, prune=False)

    # then
    assert not report.ok
    assert report.error == ""
    assert len(report.outcomes) == len(SPECS)
    assert report.outcomes[0] == Outcome(
        "create", SPECS[0].name, error="targetUrl: Enter a valid URL. (INVALID)"
    )
    assert saleor.saleor_webhooks.of(APP_ID) == []


def test_a_caller_saleor_refuses_gets_the_permission_error_per_step(saleor, installation):
    # given
    saleor.permission_denied = True

    # when
    report = webhooks_sync(installation, dry_run=False, prune=False)

    # then
    assert not report.ok
    assert report.outcomes[0].error == (
        "To access this path, you need one of the following permissions: "
        "MANAGE_APPS, AUTHENTICATED_APP"
    )
    assert saleor.saleor_webhooks.of(APP_ID) == []


def test_an_installation_whose_token_saleor_refuses_fails_alone(saleor, installation, capsys):
    # given: the same Saleor under another name, with a token it no longer accepts
    gone = make_installation(
        saleor_api_url=saleor.api_url.replace("127.0.0.1", "localhost"), auth_token="revoked"
    )

    # when
    with pytest.raises(CommandError) as raised:
        call_command("sync_webhooks")

    # then
    assert str(raised.value) == f"1 of 2 installations failed: {gone.saleor_api_url}"
    assert _as_saleor_has_them(saleor) == _as_the_manifest_says()
    printed = capsys.readouterr().out.splitlines()
    assert printed[-2:] == [
        f"{gone.saleor_api_url} (installation {gone.pk})",
        "  FAILED       Saleor does not accept the app's token (To access this path, you need"
        " one of the following permissions: AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP)",
    ]


def test_the_command_prints_the_plan_and_takes_the_hyphenated_name(
    saleor, installation, monkeypatch, capsys
):
    # given
    install_manifest(saleor)
    by_name = {w.name: w for w in saleor.saleor_webhooks.of(APP_ID)}
    by_name["mautomation-order-created"].target_url = "https://old.example.com/api/webhooks/saleor"
    saleor.saleor_webhooks.add(
        APP_ID, name="legacy", target_url=WEBHOOK_URL, events=["PRODUCT_METADATA_UPDATED"]
    )
    monkeypatch.setattr(
        "sys.argv",
        ["mautomation", "sync-webhooks", "--dry-run", "--installation", str(installation.pk)],
    )

    # when
    cli.main()

    # then
    assert capsys.readouterr().out.splitlines() == [
        f"{saleor.api_url} (installation {installation.pk}): "
        f"0 to create, 1 to update, 1 extra, {len(SPECS) - 1} in line",
        "  would update mautomation-order-created (targetUrl)",
        "  extra        legacy: not in the manifest (--prune deletes it)",
    ]
    assert by_name["mautomation-order-created"].target_url.startswith("https://old.")


def test_the_command_refuses_an_installation_it_does_not_have(installation):
    with pytest.raises(CommandError, match="No active installation https://nowhere/graphql/"):
        call_command("sync_webhooks", installation="https://nowhere/graphql/")


def test_the_plan_matches_by_name_first_and_a_name_once():
    # given
    wanted = manifest_webhooks(APP_URL)[:2]
    first, second = wanted

    def webhook(id, name, events):
        return SaleorWebhook(
            id, name, True, first.target_url, frozenset(events), frozenset(), first.query
        )

    existing = [
        webhook("1", first.name, first.async_events),
        webhook("2", first.name, first.async_events),
        webhook("3", "x", {"ORDER_CREATED"}),
    ]

    # when
    plan = webhooks_plan(existing, wanted)

    # then
    assert plan.in_line == 1
    assert plan.create == (second,)
    assert [w.id for w in plan.extra] == ["2", "3"]
