from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("households", views.HouseholdViewSet, basename="household")
router.register("people", views.PersonViewSet, basename="person")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("corrections", views.CorrectionViewSet, basename="correction")

urlpatterns = [
    path("id-check/", views.IdCheckView.as_view(), name="id-check"),
    *router.urls,
]
