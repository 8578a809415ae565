from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="people:roster", permanent=False)),
    path("accounts/", include("cadres.accounts.urls")),
    path("people/", include("cadres.people.urls")),
    path("units/", include("cadres.org.urls")),
    path("analytics/", include("cadres.analytics.urls")),
    path("plans/", include("cadres.plans.urls")),
    path("audit/", include("cadres.audit.urls")),
]
