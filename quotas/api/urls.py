from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("targets", views.TargetViewSet, basename="target")

urlpatterns = [
    path("progress/", views.CityProgressView.as_view(), name="progress-city"),
    path("progress/county/<str:code>/", views.CountyProgressView.as_view(), name="progress-county"),
    *router.urls,
]
