"""The API under /api/v1/: each app contributes its own router in ``<app>/api/urls.py``."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include("households.api.urls")),
    path("", include("quotas.api.urls")),
    path("", include("entitlements.api.urls")),
    path("", include("reports.api_urls")),
]
