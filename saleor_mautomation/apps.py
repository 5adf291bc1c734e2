from django.apps import AppConfig


class MautomationConfig(AppConfig):
    name = "saleor_mautomation"
    label = "mautomation"
    verbose_name = "Saleor marketing automation"
    default_auto_field = "django.db.models.BigAutoField"
