"""The reserves pages."""

from django.urls import path

from cadres.reserves import views

app_name = "reserves"

urlpatterns = [
    path("", views.pool_list, name="pool_list"),
    path("new/", views.pool_create, name="pool_create"),
    path("<int:pk>/", views.pool_detail, name="pool"),
    path("<int:pk>/edit/", views.pool_edit, name="pool_edit"),
    path("<int:pk>/targets/", views.targets_edit, name="targets_edit"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("members/<int:pk>/review/", views.member_review, name="member_review"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/used/", views.member_used, name="member_used"),
    path("matching/", views.matching_page, name="matching"),
    path("training/<int:person_pk>/", views.training_list, name="training_list"),
    path("training/<int:person_pk>/add/", views.training_create, name="training_create"),
    path("training/item/<int:pk>/edit/", views.training_update, name="training_update"),
    path("training/item/<int:pk>/delete/", views.training_delete, name="training_delete"),
]
