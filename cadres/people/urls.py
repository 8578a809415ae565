from django.urls import path

from cadres.people import views

app_name = "people"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("export/", views.roster_export_download, name="roster_export"),
    path("import/", views.roster_import_upload, name="roster_import"),
    path("import/confirm/", views.roster_import_confirm, name="roster_import_confirm"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
]
