from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletins/<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("bulletins/<int:pk>/pdf/", views.BulletinPdfView.as_view(), name="bulletin_pdf"),
    path("bulletins/request/", views.BulletinRequestView.as_view(), name="bulletin_request"),
]
