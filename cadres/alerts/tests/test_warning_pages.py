"""The warnings page: alerts.view or a 403, the user's scope, grouped by kind with counts and
filters, the rule in a <details>, the 新增 badge against the previous digest, the audited
export, and the digests (one's own only)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres.accounts.testing import sign_in
from cadres.alerts.digest import digest_make
from cadres.alerts.models import WarningDigest
from cadres.audit.models import AuditEvent
from cadres.records.models import Award, AwardKind

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def sanction(person, days, name="党内警告"):
    return Award.objects.create(person=person, kind=AwardKind.SANCTION, name=name,
                                awarded_on=TODAY - dt.timedelta(days=300),
                                effect_ends_on=TODAY + dt.timedelta(days=days))


def test_without_alerts_view_the_page_is_a_403(client, clerk):
    sign_in(client, clerk)
    for name in ("alerts:warning_list", "alerts:warning_export", "alerts:digest_list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("alerts:digest_create")).status_code == 403
    assert not WarningDigest.objects.exists()


def test_the_page_groups_by_kind_with_counts_rule_text_and_links(client, officer, water_cadre, east_cadre):
    sanction(water_cadre, 5)
    sanction(east_cadre, 40)  # beyond 30 days
    sign_in(client, officer)
    response = client.get(reverse("alerts:warning_list"))
    assert response.status_code == 200
    html = response.content.decode()
    group = response.context["page"].groups
    counts = {g.kind: g.count for g in group}
    assert counts["sanction_ending"] == 1
    assert f'href="/people/{water_cadre.pk}/"' in html
    assert "王建国受“党内警告”处分，影响期至" in html
    assert "<summary>处分影响期届满</summary>" in html and "处分影响期即将届满的，提示按规定使用。" in html
    assert "个人有关事项报告尚未建立台账" not in html
    assert "赵东坑" not in html
    assert "以下类别没有预警：到龄、试用期满" in html  # the kinds checked without a warning
    assert 'id="warnings-probation"' not in html


def test_an_officer_of_one_unit_sees_only_its_warnings(client, water_officer, water_cadre, east_cadre):
    sanction(water_cadre, 5)
    sanction(east_cadre, 5)
    sign_in(client, water_officer)
    html = client.get(reverse("alerts:warning_list")).content.decode()
    assert "王建国" in html and "赵东坑" not in html


def test_filters_by_kind_and_unit(client, officer, county, water_cadre, east_cadre):
    sanction(water_cadre, 5)
    sanction(east_cadre, 5)
    sign_in(client, officer)
    page = client.get(reverse("alerts:warning_list"), {"unit": county["east"].pk}).context["page"]
    people = {row.finding.person_id for group in page.groups for row in group.rows}
    assert people == {east_cadre.pk}
    page = client.get(reverse("alerts:warning_list"), {"kind": "probation"}).context["page"]
    assert [group.kind for group in page.groups] == ["probation"] and page.total == 0


def test_a_unit_outside_the_scope_is_refused_by_the_form(client, water_officer, county):
    sign_in(client, water_officer)
    response = client.get(reverse("alerts:warning_list"), {"unit": county["east"].pk})
    assert response.context["page"] is None
    assert "选择一个有效的选项" in response.content.decode()


def test_new_badge_marks_what_the_previous_digest_did_not_have(client, officer, water_cadre, east_cadre):
    sanction(water_cadre, 5)
    digest_make(user=officer, on=TODAY - dt.timedelta(days=1))
    sanction(east_cadre, 5)
    sign_in(client, officer)
    response = client.get(reverse("alerts:warning_list"))
    rows = {row.finding.person_id: row.is_new for g in response.context["page"].groups for row in g.rows}
    assert rows == {water_cadre.pk: False, east_cadre.pk: True}
    assert response.content.decode().count('<span class="badge badge-bad">新增</span>') == 1


def test_export_is_an_xlsx_of_the_rows_and_is_audited(client, officer, water_cadre):
    sanction(water_cadre, 5)
    sign_in(client, officer)
    response = client.get(reverse("alerts:warning_export"), {"kind": "sanction_ending"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("预警类别", "干部", "单位", "预警内容")
    assert rows[1][0] == "处分影响期届满" and rows[1][1] == "王建国" and rows[1][2] == "青岚县/县水利局"
    assert rows[1][4] == f"{(TODAY + dt.timedelta(days=5)):%Y.%m.%d}"
    event = AuditEvent.objects.filter(action="alerts.exported").get()
    assert event.changes["count"] == 1 and event.changes["filters"] == {"kind": "sanction_ending"}


def test_the_button_makes_todays_digest_and_shows_it(client, officer, water_cadre):
    sanction(water_cadre, 5)
    sign_in(client, officer)
    response = client.post(reverse("alerts:digest_create"), follow=True)
    digest = WarningDigest.objects.get(user=officer, day=TODAY)
    assert response.redirect_chain[-1][0] == reverse("alerts:digest_detail", args=[digest.pk])
    html = response.content.decode()
    assert "已生成今日预警：1条，新增1条" in html and "处分影响期届满" in html
    assert f"{(TODAY + dt.timedelta(days=5)):%Y.%m.%d}" in html
    assert AuditEvent.objects.filter(action="alerts.digest_made").get().actor_id == officer.pk


def test_another_users_digest_is_a_404(client, officer, water_officer):
    theirs = digest_make(user=water_officer, on=TODAY)
    sign_in(client, officer)
    assert client.get(reverse("alerts:digest_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("alerts:digest_list")).status_code == 200


SCREENSHOTS = __import__("pathlib").Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_warnings_page_in_the_browser(signed_in_page, live_server, county, water_cadre, east_cadre):
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from cadres.accounts.testing import person_in
    from cadres.cases.models import NomineeStage, SelectionCase

    # given: a sanction ending in 5 days, one known from yesterday's digest, a probation
    # ending in 20 days and a 副科级 reaching 55 within the year
    sanction(east_cadre, 8, name="政务警告")
    digest_make(user=get_user_model().objects.get(username="officer"), on=TODAY - dt.timedelta(days=1))
    sanction(water_cadre, 5)
    case = SelectionCase.objects.create(number="2026-001", title="选任县水利局副局长", unit=county["water"],
                                        started_on=TODAY - dt.timedelta(days=400))
    case.nominees.create(person=water_cadre, stage=NomineeStage.APPOINTED,
                         appointed_on=TODAY - dt.timedelta(days=345),
                         probation_ends_on=TODAY + dt.timedelta(days=20))
    born = TODAY.replace(day=1, year=TODAY.year - 55)
    person_in(county["east"], "钱到龄", post_title="副镇长", rank="0142",
              birth_date=born.replace(month=born.month % 12 + 1, year=born.year + (born.month == 12)))
    page = signed_in_page
    # when
    page.goto(live_server.url + reverse("alerts:warning_list"))
    # then
    expect(page.locator("h1")).to_have_text("预警")
    sanctions = page.locator("#warnings-sanction_ending")
    expect(sanctions.locator("tr.warning-row")).to_have_count(2)
    expect(sanctions.locator("tr.warning-row").first).to_contain_text("新增")
    expect(sanctions.locator("tr.warning-row").nth(1)).not_to_contain_text("新增")
    expect(page.locator("#warnings-probation")).to_contain_text("试用期于")
    expect(page.locator("#warnings-age_limit")).to_contain_text("钱到龄")
    expect(page.locator("#warnings-personal_matters")).to_have_count(0)
    rule = sanctions.locator("details").first
    rule.locator("summary").click()
    expect(rule).to_contain_text("处分影响期即将届满的")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "alerts-warnings.png"), full_page=True)

    # when: the kind filter
    page.get_by_label("预警类别").select_option(label="试用期满")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("section.warning-group")).to_have_count(1)

    # when: today's digest
    page.get_by_role("button", name="生成今日预警").click()
    expect(page.locator(".message-success")).to_contain_text("已生成今日预警：4条，新增3条")
    expect(page.locator("#digest-items tbody tr")).to_have_count(4)
    page.screenshot(path=str(SCREENSHOTS / "alerts-digest.png"), full_page=True)


def test_a_long_kind_shows_its_first_rows_and_counts_the_rest(client, officer, water_cadre, east_cadre,
                                                              monkeypatch):
    from cadres.alerts import selectors

    monkeypatch.setattr(selectors, "SHOWN_ROWS", 1)
    sanction(water_cadre, 5)
    sanction(east_cadre, 6)
    sign_in(client, officer)
    html = client.get(reverse("alerts:warning_list")).content.decode()
    assert html.count('class="warning-row"') == 1
    assert "另有1条未列出，请按单位筛选或导出Excel查看全部。" in html
