from django.urls import path

from cadres.records import views

app_name = "records"
urlpatterns = [
    path("<int:person_pk>/", views.person_records, name="person_records"),
    path("<int:person_pk>/resume/add/", views.resume_create, name="resume_create"),
    path("resume/<int:pk>/edit/", views.resume_update, name="resume_update"),
    path("resume/<int:pk>/delete/", views.resume_delete, name="resume_delete"),
    path("<int:person_pk>/awards/add/", views.award_create, name="award_create"),
    path("awards/<int:pk>/edit/", views.award_update, name="award_update"),
    path("awards/<int:pk>/delete/", views.award_delete, name="award_delete"),
    path("<int:person_pk>/assessments/add/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/edit/", views.assessment_update, name="assessment_update"),
    path("assessments/<int:pk>/delete/", views.assessment_delete, name="assessment_delete"),
    path("<int:person_pk>/family/add/", views.family_create, name="family_create"),
    path("family/<int:pk>/edit/", views.family_update, name="family_update"),
    path("family/<int:pk>/delete/", views.family_delete, name="family_delete"),
]
