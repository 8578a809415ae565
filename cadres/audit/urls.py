from django.urls import path

from cadres.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export/", views.event_export, name="event_export"),
    path("verify/", views.event_verify, name="event_verify"),
]
