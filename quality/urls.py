from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("findings/<int:pk>/override/", views.FindingOverrideView.as_view(), name="finding_override"),
    path("duplicates/", views.DuplicateListView.as_view(), name="duplicates"),
    path("duplicates/<int:pk>/", views.DuplicateDetailView.as_view(), name="duplicate_detail"),
]
