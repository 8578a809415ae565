"""The warning pages and the exchange plans, under /alerts/."""

from django.urls import URLPattern

from cadres.alerts import exchange_urls

app_name = "alerts"

urlpatterns: list[URLPattern] = [
    *exchange_urls.urlpatterns,
]
