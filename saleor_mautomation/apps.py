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
