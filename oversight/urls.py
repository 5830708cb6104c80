from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("assessment/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("assessment/<int:pk>/notice.pdf", views.SchemePdfView.as_view(), name="scheme_pdf"),
    path("assessment/<int:pk>/start/", views.SchemeStartView.as_view(), name="scheme_start"),
    path("revision/<int:pk>/", views.RevisionDetailView.as_view(), name="revision_detail"),
    path("revision/<int:pk>/move/<str:move>/", views.RevisionMoveView.as_view(), name="revision_move"),
    path("revision/<int:pk>/score/<int:item>/", views.RevisionScoreView.as_view(), name="revision_score"),
    path("revision/<int:pk>/recompute/", views.RevisionRecomputeView.as_view(), name="revision_recompute"),
    path("revision/<int:pk>/correct/", views.RevisionCorrectView.as_view(), name="revision_correct"),
    path("publicity/", views.PublicityView.as_view(), name="publicity"),
    path("funding/", views.FundingView.as_view(), name="funding"),
    path("problems/", views.ProblemListView.as_view(), name="problem_list"),
    path("problems/new/", views.ProblemNewView.as_view(), name="problem_new"),
    path("problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("problems/<int:pk>/move/<str:move>/", views.ProblemMoveView.as_view(), name="problem_move"),
    path("inspections/", views.InspectionListView.as_view(), name="inspections"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/move/<str:move>/", views.FindingMoveView.as_view(), name="finding_move"),
]
