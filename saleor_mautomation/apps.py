from django.apps import AppConfig


class MautomationConfig(AppConfig):
    name = "saleor_mautomation"
    label = "mautomation"
    verbose_name = "Saleor marketing automation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # ESP tracking webhooks arrive as django-anymail's signal.
        from anymail.signals import tracking

        from saleor_mautomation.api.views.esp import on_tracking

        tracking.connect(on_tracking, dispatch_uid="mautomation.esp.tracking")

        # Contacts a bulk segment rebuild moved in enter the segment's journeys.
        from saleor_mautomation.journeys.entries import on_members_entered
        from saleor_mautomation.segments.signals import members_entered

        members_entered.connect(on_members_entered, dispatch_uid="mautomation.segment.entered")

        # A merged contact's runs, messages and static-list memberships follow it.
        from saleor_mautomation.contacts.signals import contact_merging
        from saleor_mautomation.journeys.services import runs_merge
        from saleor_mautomation.messages.services import messages_merge
        from saleor_mautomation.segments.services import static_lists_merge

        contact_merging.connect(runs_merge, dispatch_uid="mautomation.merge.journeys")
        contact_merging.connect(messages_merge, dispatch_uid="mautomation.merge.messages")
        contact_merging.connect(static_lists_merge, dispatch_uid="mautomation.merge.lists")
