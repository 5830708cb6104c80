from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.StatisticsView.as_view(), name="table"),
    path("people/", views.StatisticsPeopleView.as_view(), name="people"),
]
