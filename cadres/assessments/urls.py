"""The assessments pages (mounted at /assessments/)."""

from django.urls import path

from cadres.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:unit_id>/<int:year>/", views.unit_grades, name="unit_grades"),
    path("units/<int:unit_id>/<int:year>/import/", views.unit_grades_import, name="unit_grades_import"),
    path("units/<int:unit_id>/<int:year>/template.xlsx", views.unit_grades_template, name="unit_grades_template"),
    path("units/<int:unit_id>/<int:year>/quota/", views.quota_approve, name="quota_approve"),
    path("consequences/<int:year>/", views.consequence_list, name="consequences"),
    path("consequences/<int:year>/<int:person_id>/apply/", views.consequence_apply, name="consequence_apply"),
    path("performance/<int:year>/", views.performance, name="performance"),
    path("people/<int:person_id>/", views.profile, name="profile"),
    path("ranking/<int:year>/", views.ranking, name="ranking"),
]
