from django.urls import path

from cadres.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_tree_page, name="unit_tree"),
    path("new/", views.unit_create, name="unit_create"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("<int:pk>/move/", views.unit_move, name="unit_move"),
    path("<int:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("<int:pk>/abolish/", views.unit_abolish, name="unit_abolish"),
    path("<int:pk>/sort-order/", views.unit_reorder, name="unit_reorder"),
    path("<int:pk>/quota/", views.unit_quota, name="unit_quota"),
    path("<int:pk>/industries/", views.unit_industries, name="unit_industries"),
]
