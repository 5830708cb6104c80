from django.urls import path

from . import views

app_name = "entitlements"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("person/<int:person_pk>/", views.PersonView.as_view(), name="person"),
    path("delivery/", views.DeliveryView.as_view(), name="delivery"),
    path("transitions/", views.TransitionsView.as_view(), name="transitions"),
    path("case/<int:pk>/move/", views.CaseMoveView.as_view(), name="case_move"),
    path("retention/<int:pk>/move/", views.RetentionMoveView.as_view(), name="retention_move"),
    path("retention/<int:pk>/record/", views.RetentionRecordView.as_view(), name="retention_record"),
]
