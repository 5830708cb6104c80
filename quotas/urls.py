from django.urls import path

from . import views

app_name = "quotas"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("county/<str:code>/", views.CountyView.as_view(), name="county"),
    path("station/<str:code>/", views.StationView.as_view(), name="station"),
    path("multi-year/", views.MultiYearView.as_view(), name="multi_year"),
    path("targets/", views.TargetListView.as_view(), name="targets"),
]
