"""A case-wide check that asks for a reason (等额考察 in an individual case) takes it on the case
page; with it the check passes and the reason is shown and audited."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres.accounts.testing import sign_in
from cadres.audit.models import AuditEvent
from cadres.cases import rules, services
from cadres.cases.models import NomineeStage

pytestmark = pytest.mark.django_db


def test_an_equal_number_of_candidates_is_explained_on_the_case(client, officer, east_clerk, county, team):
    case = services.case_create(actor=officer, title="县水利局副局长人选", unit=county["water"],
                                started_on=dt.date(2026, 6, 1),
                                posts=[{"unit": county["water"], "title": "副局长", "rank": "0142"}])
    services.nominee_add(actor=officer, case=case, person=team["candidate"], post=case.posts.get(),
                         stage=NomineeStage.CANDIDATE)
    on = dt.date(2026, 7, 1)

    def equal_check():
        return next(result for result in rules.case_checks(case, on) if result.code == "competitive_candidates")

    assert equal_check().outcome == rules.NEEDS_REASON
    sign_in(client, officer)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert reverse("cases:case_explain", args=[case.pk]) in page

    sign_in(client, east_clerk)
    assert client.post(reverse("cases:case_explain", args=[case.pk]),
                       {"code": "competitive_candidates", "reason": "x"}).status_code == 403
    sign_in(client, officer)
    client.post(reverse("cases:case_explain", args=[case.pk]),
                {"code": "competitive_candidates", "reason": "个别提拔，推荐意见集中"})

    case.refresh_from_db()
    assert equal_check().outcome == rules.PASS
    assert "个别提拔，推荐意见集中" in equal_check().message
    assert AuditEvent.objects.filter(action="case.check_explained", subject_id=str(case.pk)).count() == 1
