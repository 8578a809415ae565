"""The exchange-plan pages (part of alerts.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
