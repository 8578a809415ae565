"""The URLconf. Every view must declare who may open it (a PAGE_POLICY entry in
cadres.accounts.permissions or a decorator of cadres.accounts.decorators): an undeclared view
is refused, and cadres/accounts/tests/test_policy.py fails on it."""

from django.urls import include, path

from cadres.accounts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("cadres.accounts.urls")),
    path("people/", include("cadres.people.urls")),
    path("records/", include("cadres.records.urls")),
    path("units/", include("cadres.org.urls")),
    path("analytics/", include("cadres.analytics.urls")),
    path("plans/", include("cadres.plans.urls")),
    path("audit/", include("cadres.audit.urls")),
    path("jobs/", include("cadres.jobs.urls")),
    path("appointment-forms/", include("cadres.appointment_forms.urls")),
    path("ballots/", include("cadres.ballots.urls")),
    path("cases/", include("cadres.cases.urls")),
    path("assessments/", include("cadres.assessments.urls")),
    path("reserves/", include("cadres.reserves.urls")),
    path("alerts/", include("cadres.alerts.urls")),
    path("supervision/", include("cadres.supervision.urls")),
    # The public 任前公示 notices and their comment form (no login).
    path("gongshi/", include(("cadres.cases.public_urls", "notices"))),
]
