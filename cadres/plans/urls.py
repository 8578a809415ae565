from django.urls import path
from django.views.generic import RedirectView

from cadres.plans import views

app_name = "plans"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plans:gaps", permanent=False)),
    path("gaps/", views.gaps, name="gaps"),
    path("forecast/", views.forecast, name="forecast"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/new/", views.target_create, name="target_create"),
    path("targets/<int:pk>/edit/", views.target_update, name="target_update"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("age-limits/", views.rule_set_list, name="rule_sets"),
    path("age-limits/<int:pk>/edit/", views.age_limit_update, name="age_limit_update"),
]
