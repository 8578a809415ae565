from django.urls import path

from cadres.people import import_views, person_views, views

app_name = "people"
urlpatterns = [
    # The roster: list, search, export (views).
    path("", views.roster, name="roster"),
    path("export/", views.roster_export_download, name="roster_export"),
    # The roster import (import_views).
    path("import/", import_views.roster_import_upload, name="roster_import"),
    path("import/confirm/", import_views.roster_import_confirm, name="roster_import_confirm"),
    # One cadre's file (person_views).
    path("<int:pk>/", person_views.person_detail, name="person_detail"),
]
