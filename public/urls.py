from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    # open to everyone, no sign-in
    path("", views.GuideView.as_view(), name="guide"),
    path("stations/", views.StationsView.as_view(), name="stations"),
    path("lookup/", views.LookupView.as_view(), name="lookup"),
    path("ask/", views.AskView.as_view(), name="ask"),
    path("ask/<str:reference>/", views.AskAnswerView.as_view(), name="ask_answer"),
    path("prefill/", views.PrefillView.as_view(), name="prefill"),
    # the offices
    path("office/", views.OfficeIndexView.as_view(), name="office"),
    path("office/grievances/", views.GrievanceListView.as_view(), name="grievance_list"),
    path("office/grievances/<int:pk>/", views.GrievanceAnswerView.as_view(), name="grievance_answer"),
    path("office/applications/<int:pk>/notices/", views.ApplicationNoticesView.as_view(), name="application_notices"),
    path("office/guide/", views.GuideEditListView.as_view(), name="guide_edit_list"),
    path("office/guide/<int:pk>/", views.GuideEditView.as_view(), name="guide_edit"),
    path("office/prefills/", views.PrefillFindView.as_view(), name="prefill_find"),
    path("office/prefills/<int:pk>/", views.PrefillReceiveView.as_view(), name="prefill_receive"),
]
