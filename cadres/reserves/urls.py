"""The reserves pages."""

from django.urls import URLPattern

app_name = "reserves"

urlpatterns: list[URLPattern] = []
