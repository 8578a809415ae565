"""The warning pages and the exchange plans, under /alerts/."""

from django.urls import URLPattern, path

from cadres.alerts import exchange_urls, views

app_name = "alerts"

urlpatterns: list[URLPattern] = [
    path("", views.warning_list, name="warning_list"),
    path("export.xlsx", views.warning_export, name="warning_export"),
    path("digests/", views.digest_list, name="digest_list"),
    path("digests/new/", views.digest_create, name="digest_create"),
    path("digests/<int:pk>/", views.digest_detail, name="digest_detail"),
    *exchange_urls.urlpatterns,
]
