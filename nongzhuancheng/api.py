"""The API under /api/v1/: each app contributes its own router in ``<app>/api/urls.py``."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .scoping import actions_of, role_of
from .signin import TokenView


class MeView(APIView):
    """Who the caller is: user name, role and the policy's actions (no scoped rows)."""

    permission_classes = [permissions.IsAuthenticated]
    shows_no_scoped_rows = True

    @extend_schema(summary="当前用户", responses=inline_serializer("Me", {
        "username": serializers.CharField(), "role": serializers.CharField(allow_null=True),
        "actions": serializers.ListField(child=serializers.CharField()),
    }))
    def get(self, request):
        user = request.user
        return Response({"username": user.get_username(), "role": role_of(user),
                         "actions": sorted(actions_of(user))})


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("households.api.urls")),
    path("", include("quotas.api.urls")),
    path("", include("entitlements.api.urls")),
    path("", include("reports.api_urls")),
]
