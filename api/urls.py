from django.http import HttpRequest, JsonResponse
from django.urls import path

from . import views
from .v1 import api

app_name = "api"


def schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3 schema of the current version (also at /api/v1/openapi.json)."""
    return JsonResponse(api.get_openapi_schema(path_params={}), json_dumps_params={"indent": 1})


urlpatterns = [
    path("api/schema/", schema, name="schema"),
    path("api/docs/", views.docs, name="docs"),
    path("accounts/tokens/", views.token_list, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
