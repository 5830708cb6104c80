from csp.decorators import csp_replace
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from . import signin, views  # noqa: F401
from .audit_views import AccessLogView
from .health import LiveView, ReadyView
from .metrics import MetricsView

SIGNED_IN = [IsAuthenticated]
_docs_csp = csp_replace({"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/live/", LiveView.as_view(), name="health_live"),
    path("health/", ReadyView.as_view(), name="health"),
    path("metrics", MetricsView.as_view(), name="metrics"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/code/", signin.VerifyView.as_view(), name="otp_verify"),
    path("accounts/code/enrol/", signin.EnrolView.as_view(), name="otp_enrol"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("access-log/", AccessLogView.as_view(), name="access_log"),
    path("help/", views.HelpView.as_view(), name="help"),
    path("help/<str:role>/", views.HelpView.as_view(), name="help_role"),
    path("households/import/", include("households.import_urls")),
    path("households/", include("households.urls")),
    path("progress/", include("quotas.urls")),
    path("entitlements/", include("entitlements.urls")),
    path("statistics/", include("insights.urls")),
    path("quality/", include("quality.urls")),
    path("reports/", include("reports.urls")),
    path("oversight/", include("oversight.urls")),
    path("public/", include("public.urls")),
    path("api/v1/", include("nongzhuancheng.api")),
    path("api/v1/", include("oversight.api.urls")),
    # the schema and its browsers only behind sign-in (they describe every endpoint and field); the
    # documentation pages style themselves inline (their scripts are files). No ReDoc: its page loads
    # Google's fonts and runs an inline script; Swagger UI (from the sidecar's files) is the one browser
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=SIGNED_IN), name="schema"),
    path("api/docs/", _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=SIGNED_IN)),
         name="swagger-ui"),
]

handler400 = "nongzhuancheng.errors.bad_request"
handler403 = "nongzhuancheng.errors.permission_denied"
handler404 = "nongzhuancheng.errors.page_not_found"
handler500 = "nongzhuancheng.errors.server_error"
