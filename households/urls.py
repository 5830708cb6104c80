from django.urls import path

from . import attachment_views, correction_views, views

app_name = "households"

urlpatterns = [
    path("new/", views.ApplicationNewView.as_view(), name="application_new"),
    path("id-check/", views.IdCheckView.as_view(), name="id_check"),
    path("household-lookup/", views.HouseholdLookupView.as_view(), name="household_lookup"),
    path("applications/", views.ApplicationListView.as_view(), name="application_list"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/move/<str:action>/", views.ApplicationMoveView.as_view(), name="application_move"),
    path(
        "applications/<int:pk>/documents/", views.ApplicationDocumentsView.as_view(), name="application_documents"
    ),
    path("applications/<int:pk>/receipt/", views.ApplicationReceiptView.as_view(), name="application_receipt"),
    path("people/<int:pk>/reveal-id/", views.PersonIdRevealView.as_view(), name="person_id_reveal"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("applications/<int:pk>/correct/", correction_views.CorrectionView.as_view(), name="application_correct"),
    path("corrections/", correction_views.CorrectionListView.as_view(), name="correction_list"),
    path("corrections/<int:pk>/", correction_views.CorrectionDetailView.as_view(), name="correction_detail"),
    path("corrections/<int:pk>/move/<str:move>/", correction_views.CorrectionMoveView.as_view(),
         name="correction_move"),
    path("corrections/<int:pk>/evidence/", correction_views.CorrectionEvidenceView.as_view(),
         name="correction_evidence"),
    path("approvals/", correction_views.ApprovalQueueView.as_view(), name="approval_queue"),
    path("approval-rules/", correction_views.ApprovalRulesView.as_view(), name="approval_rules"),
    path("applications/<int:pk>/attachments/", attachment_views.AttachmentAddView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", attachment_views.AttachmentFileView.as_view(), name="attachment_file"),
]
