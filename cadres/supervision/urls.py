"""The supervision pages (mounted at /supervision/)."""

from django.urls import path

from cadres.supervision import views

app_name = "supervision"

urlpatterns = [
    path("personal-matters/", views.personal_matters, name="personal_matters"),
    path("personal-matters/record/<int:person_id>/", views.report_record, name="report_record"),
    path("personal-matters/mark/", views.reports_mark, name="reports_mark"),
    path("personal-matters/reports/<int:report_id>/delete/", views.report_delete, name="report_delete"),
]
