"""The page: supervision.view or a 403, the user's scope (outside it a 404), counts and badges,
recording a row, marking checked rows 已报告, and the 新任报告 list."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres.accounts.testing import sign_in
from cadres.audit.models import AuditEvent
from cadres.supervision.models import PersonalMattersReport, ReportKind
from cadres.supervision.tests.conftest import cadre

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 2, 10)  # after the deadline of the yearly report on 2025
PAGE = reverse("supervision:personal_matters")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def test_without_the_code_a_403(client, county, clerk):
    person = cadre(county["east"], "东坑")
    sign_in(client, clerk)
    assert client.get(PAGE).status_code == 403
    assert client.post(reverse("supervision:report_record", args=[person.pk]),
                       {"year": 2025, "kind": "annual", "submitted_on": "2026-01-20"}).status_code == 403
    assert client.post(reverse("supervision:reports_mark"),
                       {"year": 2025, "submitted_on": "2026-01-20", "people": [person.pk]}).status_code == 403
    assert not PersonalMattersReport.objects.exists()


def test_the_page_shows_the_scope_with_counts_and_badges(client, county, monitor):
    done = cadre(county["east"], "已报")
    late = cadre(county["east"], "未报")
    cadre(county["east"], "正科", rank="0141")
    cadre(county["water"], "水利")
    PersonalMattersReport.objects.create(person=done, year=2025, kind=ReportKind.ANNUAL, submitted_on=D(2026, 1, 20))
    sign_in(client, monitor)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    counts = response.context["counts"]
    assert (counts.required, counts.reported, counts.missing, counts.overdue) == (2, 1, 1, 1)
    assert "2025年度个人有关事项报告" in html and "2026.01.31前" in html
    assert "2026.01.20" in html and "逾期" in html
    assert "正科" not in html and "水利" not in html
    assert f'name="people" value="{late.pk}"' in html and f'name="people" value="{done.pk}"' not in html
    # the year before: nobody has reported, everyone overdue
    earlier = client.get(PAGE, {"year": 2024}).context["counts"]
    assert (earlier.required, earlier.reported, earlier.overdue) == (2, 0, 2)


def test_before_the_deadline_missing_is_not_overdue(client, county, monitor, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2026, 1, 31))
    cadre(county["east"], "未报")
    sign_in(client, monitor)
    response = client.get(PAGE)
    counts = response.context["counts"]
    assert (counts.required, counts.missing, counts.overdue) == (1, 1, 0)
    assert "未报告" in response.content.decode()


def test_a_row_is_recorded_and_outside_the_scope_is_a_404(client, county, monitor):
    east = cadre(county["east"], "东坑")
    water = cadre(county["water"], "水利")
    sign_in(client, monitor)
    outside = client.post(reverse("supervision:report_record", args=[water.pk]),
                          {"year": 2025, "kind": "annual", "submitted_on": "2026-01-20"})
    assert outside.status_code == 404
    bad = client.post(reverse("supervision:report_record", args=[east.pk]),
                      {"year": 2025, "kind": "annual", "submitted_on": "2025-12-20"}, follow=True)
    assert "2025年度集中报告的报告日期应在2026年以后" in bad.content.decode()
    ok = client.post(reverse("supervision:report_record", args=[east.pk]),
                     {"year": 2025, "kind": "annual", "submitted_on": "2026-01-20"})
    assert ok.status_code == 302 and ok["Location"] == f"{reverse('supervision:personal_matters')}?year=2025"
    report = PersonalMattersReport.objects.get()
    assert (report.person, report.submitted_on) == (east, D(2026, 1, 20))
    water_report = PersonalMattersReport.objects.create(person=water, year=2025, kind=ReportKind.ANNUAL,
                                                        submitted_on=D(2026, 1, 20))
    assert client.post(reverse("supervision:report_delete", args=[water_report.pk])).status_code == 404
    assert client.post(reverse("supervision:report_delete", args=[report.pk])).status_code == 302
    assert list(PersonalMattersReport.objects.all()) == [water_report]


def test_checked_rows_are_marked_reported_at_once(client, county, monitor):
    people = [cadre(county["east"], f"东坑{index}") for index in range(3)]
    water = cadre(county["water"], "水利")
    sign_in(client, monitor)
    refused = client.post(reverse("supervision:reports_mark"),
                          {"year": 2025, "submitted_on": "2026-01-28", "people": [people[0].pk, water.pk]})
    assert refused.status_code == 404 and not PersonalMattersReport.objects.exists()
    marked = client.post(reverse("supervision:reports_mark"),
                         {"year": 2025, "submitted_on": "2026-01-28", "people": [p.pk for p in people[:2]]},
                         follow=True)
    assert "已标记2人已报告2025年度个人有关事项" in marked.content.decode()
    assert set(PersonalMattersReport.objects.values_list("person_id", flat=True)) == {p.pk for p in people[:2]}
    assert AuditEvent.objects.filter(action="supervision.report_recorded").count() == 2
    counts = marked.context["counts"]
    assert (counts.required, counts.reported, counts.overdue) == (3, 2, 1)
    empty = client.post(reverse("supervision:reports_mark"), {"year": 2025, "submitted_on": "2026-01-28"},
                        follow=True)
    assert "请勾选要标记的干部" in empty.content.decode()


def test_a_viewer_reads_without_forms_and_may_not_write(client, county, viewer):
    east = cadre(county["east"], "东坑")
    cadre(county["water"], "水利")
    sign_in(client, viewer)
    response = client.get(PAGE)
    html = response.content.decode()
    assert response.context["counts"].required == 2
    assert 'id="mark-form"' not in html
    assert "/supervision/personal-matters/record/" not in html
    assert client.post(reverse("supervision:report_record", args=[east.pk]),
                       {"year": 2025, "kind": "annual", "submitted_on": "2026-01-20"}).status_code == 403


def test_new_appointees_are_listed_and_their_report_recorded(client, county, monitor):
    fresh = cadre(county["east"], "新任", started=D(2026, 2, 1))
    sign_in(client, monitor)
    html = client.get(PAGE).content.decode()
    assert 'class="appointee-row"' in html and "2026.03.03" in html
    response = client.post(reverse("supervision:report_record", args=[fresh.pk]),
                           {"year": 2026, "kind": "new", "submitted_on": "2026-02-09", "round": 2025})
    assert response.status_code == 302 and response["Location"].endswith("?year=2025")
    assert PersonalMattersReport.objects.get().kind == ReportKind.NEW
    assert 'class="appointee-row"' not in client.get(PAGE).content.decode()
