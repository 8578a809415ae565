"""The pages: read with assessments.view in the view scope, write with assessments.manage in the
信息维护 scope; outside the scope a 404, without the code a 403."""

from django.urls import reverse

from cadres.accounts.testing import sign_in, user_with_role
from cadres.assessments.tests.conftest import YEAR, staff
from cadres.records.models import AnnualAssessment


def _url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def test_entry_page_saves_and_refuses_above_the_quota(client, county, officer_east):
    people = staff(county["east"], 5)
    sign_in(client, officer_east)
    page = client.get(_url("unit_grades", county["east"].pk, YEAR))
    assert page.status_code == 200
    body = page.content.decode()
    assert "干部1的考核结果" in body and "优秀0人，占参加考核人数0人的0%，未超过20%" in body
    data = {f"grade-{p.pk}": "competent" for p in people}
    data[f"grade-{people[0].pk}"] = "excellent"
    data[f"grade-{people[1].pk}"] = "excellent"
    refused = client.post(_url("unit_grades", county["east"].pk, YEAR), data)
    assert refused.status_code == 400
    assert "优秀2人，占参加考核人数5人的40%，超过20%" in refused.content.decode()
    assert not AnnualAssessment.objects.exists()
    data[f"grade-{people[1].pk}"] = "competent"
    saved = client.post(_url("unit_grades", county["east"].pk, YEAR), data)
    assert saved.status_code == 302 and AnnualAssessment.objects.count() == 5


def test_someone_since_moved_out_of_the_scope_is_shown_but_kept_by_his_new_unit(client, county):
    # given: an officer who views the county and maintains the east township; one of its
    # people at the end of the year has since moved to the west township
    import datetime as dt

    from cadres.org import services as org_services
    from cadres.org.models import PostSource

    officer = user_with_role("cadre_office", managed=[county["top"]], maintained=[county["east"]])
    people = staff(county["east"], 5)
    moved = people[0]
    org_services.post_start(actor=None, person=moved, unit=county["west"], title="副镇长",
                            rank="0142", started_on=dt.date(YEAR + 1, 3, 1), source=PostSource.FORM)
    sign_in(client, officer)

    # when: the page is read
    body = client.get(_url("unit_grades", county["east"].pk, YEAR)).content.decode()

    # then: his row is there without a grade field, saying who keeps it (his stored grade kept
    # for the page's live 优秀 share); the others have one; the import template leaves him out
    assert f'name="grade-{moved.pk}"' not in body and "（现在西岭镇，由现单位录入）" in body
    assert 'data-fixed-grade=""' in body
    assert all(f'name="grade-{person.pk}"' in body for person in people[1:])
    from io import BytesIO

    from openpyxl import load_workbook

    from cadres.assessments import imports
    template = imports.grades_template(actor=officer, unit=county["east"], year=YEAR)
    names = {row[0] for row in load_workbook(BytesIO(template)).active.iter_rows(values_only=True)}
    assert moved.name not in names and people[1].name in names

    # when: a crafted form grades him too, then one without him
    data = {f"grade-{person.pk}": "competent" for person in people}
    data[f"grade-{moved.pk}"] = "incompetent"
    refused = client.post(_url("unit_grades", county["east"].pk, YEAR), data)
    del data[f"grade-{moved.pk}"]
    saved = client.post(_url("unit_grades", county["east"].pk, YEAR), data)

    # then: the first is refused as a whole, naming him and his unit; the second saves the rest
    assert refused.status_code == 400
    refused_body = refused.content.decode()
    assert f"{moved.name}（现在西岭镇）不在您的信息维护范围内，其考核结果请由现单位录入" in refused_body
    assert "不称职（现在西岭镇" not in refused_body  # the refused value is not shown as his
    assert saved.status_code == 302
    assert set(AnnualAssessment.objects.values_list("person_id", flat=True)) == {
        person.pk for person in people[1:]}


def test_quota_approval_page(client, county, officer_east):
    sign_in(client, officer_east)
    over = client.post(_url("quota_approve", county["east"].pk, YEAR),
                       {"percent": "30", "document": "青组〔2024〕3号", "approved_on": "2024-01-10"})
    assert over.status_code == 400 and "优秀比例上限30%超过批准上限25%" in over.content.decode()
    ok = client.post(_url("quota_approve", county["east"].pk, YEAR),
                     {"percent": "25", "document": "青组〔2024〕3号", "approved_on": "2024-01-10"})
    assert ok.status_code == 302
    assert "已经主管部门批准提高至25%" in client.get(_url("unit_grades", county["east"].pk, YEAR)).content.decode()


def test_scope_404_and_code_403(client, county, officer_east, clerk, county_viewer):
    (west,) = staff(county["west"], 1, prefix="西")
    sign_in(client, officer_east)
    assert client.get(_url("unit_grades", county["west"].pk, YEAR)).status_code == 404
    assert client.get(_url("profile", west.pk)).status_code == 404
    assert client.post(_url("unit_grades_import", county["west"].pk, YEAR)).status_code == 404
    assert client.post(_url("consequence_apply", YEAR, west.pk), {"awarded_on": "2024-01-01"}).status_code == 404
    # the viewer reads but may not write: the entry page has no selects, a POST is refused
    sign_in(client, county_viewer)
    page = client.get(_url("unit_grades", county["west"].pk, YEAR))
    assert page.status_code == 200 and "grade-" not in page.content.decode()
    refused = client.post(_url("unit_grades", county["west"].pk, YEAR), {f"grade-{west.pk}": "competent"})
    assert refused.status_code == 404
    assert client.get(_url("profile", west.pk)).status_code == 200
    # no assessment code at all: 403
    sign_in(client, clerk)
    assert client.get(_url("index")).status_code == 403
    assert client.get(_url("unit_grades", county["east"].pk, YEAR)).status_code == 403
    leader = user_with_role("leader", managed=[county["top"]])
    sign_in(client, leader)
    assert client.get(_url("ranking", YEAR)).status_code == 200
    assert client.post(_url("quota_approve", county["east"].pk, YEAR), {}).status_code == 403
    assert not AnnualAssessment.objects.exists()


def test_import_page_shows_row_errors(client, county, officer_east):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cadres.core.spreadsheets import write_xlsx

    (person,) = staff(county["east"], 1)
    content = write_xlsx([("年度考核", ["姓名", "身份证号", "年度", "考核结果"],
                           [[person.name, person.id_number, YEAR, "良好"]])])
    sign_in(client, officer_east)
    response = client.post(_url("unit_grades_import", county["east"].pk, YEAR),
                           {"file": SimpleUploadedFile("a.xlsx", content)})
    assert response.status_code == 400
    assert "第2行 考核结果 “良好” 不是有效的等次" in response.content.decode()
    template = client.get(_url("unit_grades_template", county["east"].pk, YEAR))
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_other_pages_render(client, county, officer_east):
    from decimal import Decimal

    from cadres.assessments import services
    from cadres.records import services as records_services

    (person,) = staff(county["east"], 1)
    for year in (2021, 2022, 2023):
        records_services.assessment_create(actor=None, person=person, year=year, grade="excellent")
    services.scores_enter(actor=None, year=YEAR, group="乡镇", scores={county["east"]: (Decimal("90"), False)})
    sign_in(client, officer_east)
    page = client.get(_url("consequences", YEAR)).content.decode()
    assert "2021—2023年度连续3年年度考核为优秀，记三等功，并给予1500元奖励" in page and ">落实<" in page
    applied = client.post(_url("consequence_apply", YEAR, person.pk), {"awarded_on": "2024-02-01"})
    assert applied.status_code == 302
    assert "已落实" in client.get(_url("consequences", YEAR)).content.decode()
    performance = client.get(_url("performance", YEAR) + "?group=乡镇").content.decode()
    assert "一等奖" in performance and "东坑镇" in performance
    saved = client.post(_url("performance", YEAR) + "?group=乡镇", {f"score-{county['east'].pk}": "abc"})
    assert saved.status_code == 400 and "东坑镇 得分 “abc” 不是有效的数字" in saved.content.decode()
    posted = client.post(_url("profile", person.pk), {"period": "2023", "source": "overall", "score": "91"})
    assert posted.status_code == 302
    assert client.get(_url("ranking", YEAR) + "?unit_type=乡镇").content.decode().count(person.name) >= 1
    empty = client.post(_url("profile", person.pk), {"period": "2023", "source": "overall"})
    assert empty.status_code == 400 and "请填写得分或评价意见" in empty.content.decode()
    assert client.get(_url("index")).status_code == 200
