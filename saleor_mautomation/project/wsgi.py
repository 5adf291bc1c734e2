import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_mautomation.project.settings")

django_application = get_wsgi_application()  # sets Django up: imported after it

from saleor_mautomation.api.wsgi import WebhookIntake  # noqa: E402

application = WebhookIntake(django_application)
