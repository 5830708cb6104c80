from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import DeliverySummaryView, GuaranteeCaseViewSet, RetentionViewSet

router = DefaultRouter()
router.register("entitlements/retentions", RetentionViewSet, basename="retention")
router.register("entitlements/guarantees", GuaranteeCaseViewSet, basename="guarantee")

urlpatterns = [
    path("entitlements/delivery/", DeliverySummaryView.as_view(), name="entitlements-delivery"),
    *router.urls,
]
