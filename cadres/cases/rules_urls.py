"""The rule and calendar pages (app namespace "cases", under /cases/)."""

from django.urls import URLPattern, path

from cadres.cases import rules_views

urlpatterns: list[URLPattern] = [
    path("rules/", rules_views.rule_list, name="rule_list"),
    path("rules/<int:pk>/edit/", rules_views.rule_update, name="rule_update"),
    path("calendar/", rules_views.calendar, name="calendar"),
    path("calendar/load/", rules_views.calendar_load, name="calendar_load"),
]
