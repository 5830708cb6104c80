from django.urls import path

from . import export_views, import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.start, name="start"),
    path("template.xlsx", import_views.template, name="template"),
    path("jobs/<int:pk>/", import_views.job_detail, name="job"),
    path("jobs/<int:pk>/status.json", import_views.job_status, name="job_status"),
    path("jobs/<int:pk>/run/", import_views.job_run, name="job_run"),
    path("jobs/<int:pk>/cancel/", import_views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/errors.xlsx", import_views.job_errors, name="job_errors"),
    path("export/applications/", export_views.export_applications, name="export_applications"),
    path("export/people/", export_views.export_people, name="export_people"),
    path("exports/<int:pk>/", export_views.export_job_detail, name="export_job"),
    path("exports/<int:pk>/status.json", export_views.export_job_status, name="export_job_status"),
    path("exports/<int:pk>/file/", export_views.export_job_download, name="export_job_download"),
]
