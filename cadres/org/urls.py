from django.urls import path

from cadres.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_tree_page, name="unit_tree"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
]
