"""The API under /api/v1/: each app contributes its own router in ``<app>/api/urls.py``."""

from django.urls import include, path

from .signin import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("households.api.urls")),
    path("", include("quotas.api.urls")),
    path("", include("entitlements.api.urls")),
    path("", include("reports.api_urls")),
]
