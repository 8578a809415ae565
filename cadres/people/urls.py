from django.urls import path

from cadres.people import import_views, person_views, views

app_name = "people"
urlpatterns = [
    # The roster: list, search, export (views).
    path("", views.roster, name="roster"),
    path("count/", views.roster_count_view, name="roster_count"),
    path("export/", views.roster_export_download, name="roster_export"),
    path("queries/", views.saved_queries, name="saved_queries"),
    path("queries/save/", views.saved_query_save, name="saved_query_save"),
    path("queries/<int:pk>/", views.saved_query_run, name="saved_query_run"),
    path("queries/<int:pk>/delete/", views.saved_query_delete_confirm, name="saved_query_delete"),
    # The roster import (import_views).
    path("import/", import_views.roster_import_upload, name="roster_import"),
    path("import/confirm/", import_views.roster_import_confirm, name="roster_import_confirm"),
    path("import/<int:pk>/changes/", import_views.roster_import_changes, name="roster_import_changes"),
    path("import/template/", import_views.roster_template_download, name="roster_template"),
    # One cadre's file (person_views).
    path("new/", person_views.person_create, name="person_create"),
    path("<int:pk>/", person_views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", person_views.person_edit, name="person_edit"),
    path("<int:pk>/photo/", person_views.person_photo, name="person_photo"),
    path("<int:pk>/photo/upload/", person_views.person_photo_upload, name="person_photo_upload"),
    path("<int:pk>/photo/remove/", person_views.person_photo_remove, name="person_photo_remove"),
    path("<int:pk>/posts/new/", person_views.person_post_start, name="person_post_start"),
    path("<int:pk>/posts/<int:post_pk>/end/", person_views.person_post_end, name="person_post_end"),
    path("<int:pk>/posts/<int:post_pk>/rank/", person_views.person_post_rank, name="person_post_rank"),
    path("<int:pk>/posts/<int:post_pk>/main/", person_views.person_post_main, name="person_post_main"),
]
