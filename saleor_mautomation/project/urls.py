from django.urls import include, path

from saleor_mautomation.demo.views import with_explorer
from saleor_mautomation.graphql.view import AppGraphQLView

urlpatterns = [
    # POSTs and every request outside demo mode go to the API view; in demo mode a browser's
    # GET gets the explorer (demo/views.py).
    path("graphql/", with_explorer(AppGraphQLView.as_view(graphiql=False)), name="graphql"),
    # The demo's pages: each answers 404 unless DEMO_MODE is on.
    path("demo/", include("saleor_mautomation.demo.urls")),
    path("", include("saleor_mautomation.api.urls")),
]
