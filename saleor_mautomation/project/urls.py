from django.urls import include, path

from saleor_mautomation.graphql.view import AppGraphQLView

urlpatterns = [
    path("graphql/", AppGraphQLView.as_view(graphiql=False), name="graphql"),
    path("", include("saleor_mautomation.api.urls")),
]
