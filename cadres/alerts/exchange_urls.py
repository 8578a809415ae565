"""The avoidance and tenure pages and the exchange-plan pages (part of alerts.urls)."""

from django.urls import URLPattern, path

from cadres.alerts import exchange_views as views

urlpatterns: list[URLPattern] = [
    path("avoidance/", views.avoidance_list, name="avoidance"),
    path("tenure/", views.tenure_list, name="tenure"),
    path("exchange/", views.plan_list, name="exchange_list"),
    path("exchange/create/", views.plan_create, name="exchange_create"),
    path("exchange/<int:pk>/", views.plan_detail, name="exchange_detail"),
    path("exchange/<int:pk>/moves/add/", views.move_add, name="exchange_move_add"),
    path("exchange/moves/<int:pk>/remove/", views.move_remove, name="exchange_move_remove"),
    path("exchange/<int:pk>/commit/", views.plan_commit, name="exchange_commit"),
    path("exchange/<int:pk>/discard/", views.plan_discard, name="exchange_discard"),
]
