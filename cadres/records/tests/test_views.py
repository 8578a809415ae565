"""The pages: scope (404 outside the 信息维护 scope), bad input named in Chinese, delete only
after a confirmation, family only while the file's registered read is open, the card's tag."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cadres.accounts.testing import sign_in, user_with_role
from cadres.audit.models import AuditEvent
from cadres.people.models import Relative
from cadres.records import services
from cadres.records.models import AnnualAssessment, Award, ResumeEntry

pytestmark = pytest.mark.django_db


def open_file(client, person):
    """Register a read (查阅登记) of the person's file in the client's session."""
    response = client.post(reverse("accounts:dossier_open", args=[person.pk]),
                           {"purpose": "日常管理", "detail": "核对家庭成员"})
    assert response.status_code == 302


def text_of(response) -> str:
    """The page's text, tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# Scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["resume_create", "award_create", "assessment_create",
                                  "family_create"])
def test_adding_to_another_units_person_is_a_404(client, clerk, other_cadre, name):
    sign_in(client, clerk)
    url = reverse(f"records:{name}", args=[other_cadre.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"kind": "entry", "started_on": "1999.09", "text": "学习",
                                 "name": "嘉奖", "awarded_on": "2021-01-01", "year": "2022",
                                 "grade": "competent", "relation": "妻子"})
    assert response.status_code == 404
    assert not (ResumeEntry.objects.exists() or Award.objects.exists()
                or AnnualAssessment.objects.exists() or Relative.objects.exists())


def test_rows_of_another_units_person_are_a_404(client, clerk, other_cadre):
    award = services.award_create(actor=None, person=other_cadre, kind="reward", name="嘉奖",
                                  awarded_on=dt.date(2021, 1, 1))
    sign_in(client, clerk)
    for name in ("award_update", "award_delete"):
        url = reverse(f"records:{name}", args=[award.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "1", "kind": "reward", "name": "改",
                                 "awarded_on": "2021-01-01"}).status_code == 404
    assert Award.objects.get().name == "嘉奖"


def test_a_user_who_only_manages_the_unit_may_read_but_not_write(client, viewer, cadre):
    sign_in(client, viewer)
    page = client.get(reverse("records:person_records", args=[cadre.pk]))
    assert page.status_code == 200
    assert "新增简历" not in page.content.decode()
    assert client.get(reverse("records:resume_create", args=[cadre.pk])).status_code == 404


def test_a_role_without_the_change_code_is_refused(client, county, cadre):
    inspector = user_with_role("inspection", maintained=[county["water"]])
    sign_in(client, inspector)
    assert client.get(reverse("records:resume_create", args=[cadre.pk])).status_code == 403


# Input ---------------------------------------------------------------------------------------


def test_a_resume_entry_is_added_and_the_page_goes_back(client, clerk, cadre):
    sign_in(client, clerk)
    back = reverse("records:person_records", args=[cadre.pk])
    response = client.post(reverse("records:resume_create", args=[cadre.pk]), {
        "kind": "entry", "started_on": "1999.09", "ended_on": "2003.07",
        "text": "浙江大学水利工程专业学习", "notes": "", "next": back,
    })
    assert response.status_code == 302
    assert response["Location"] == f"{back}#records-resume"
    entry = ResumeEntry.objects.get()
    assert (entry.started_on, entry.ended_on) == (dt.date(1999, 9, 1), dt.date(2003, 7, 1))
    assert AuditEvent.objects.filter(action="resume_entry.created", subject_id=str(cadre.pk)).exists()
    page = text_of(client.get(back))
    assert "1999.09--2003.07 浙江大学水利工程专业学习" in page


def test_a_next_pointing_elsewhere_is_ignored(client, clerk, cadre):
    sign_in(client, clerk)
    response = client.post(reverse("records:assessment_create", args=[cadre.pk]), {
        "year": "2022", "grade": "competent", "next": "https://example.com/",
    })
    assert response["Location"] == reverse("records:person_records", args=[cadre.pk]) + "#records-assessment"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("resume_create", {"kind": "entry", "started_on": "2003.13", "text": "学习"},
     "起始年月“2003.13”不是有效的年月，请写成如 2003.07"),
    ("resume_create", {"kind": "entry", "started_on": "2003.09", "ended_on": "2003.07",
                       "text": "学习"}, "截止年月不能早于起始年月"),
    ("resume_create", {"kind": "entry", "started_on": "2003.09"}, "请填写经历内容"),
    ("award_create", {"kind": "", "name": "嘉奖", "awarded_on": "2021-01-01"}, "请选择类别"),
    ("award_create", {"kind": "reward", "name": "嘉奖", "awarded_on": "2021-01-01",
                      "effect_ends_on": "2022-01-01"}, "只有处分才有影响期"),
    ("assessment_create", {"year": "22", "grade": "competent"}, "年度应在 1950 至"),
    ("assessment_create", {"year": "2023", "grade": ""}, "请选择考核结果"),
])
def test_bad_input_is_named_in_chinese(client, clerk, cadre, name, data, message):
    sign_in(client, clerk)
    response = client.post(reverse(f"records:{name}", args=[cadre.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not (ResumeEntry.objects.exists() or Award.objects.exists()
                or AnnualAssessment.objects.exists())


def test_a_second_assessment_of_a_year_is_refused_by_year(client, clerk, cadre):
    services.assessment_create(actor=None, person=cadre, year=2022, grade="competent")
    sign_in(client, clerk)
    response = client.post(reverse("records:assessment_create", args=[cadre.pk]),
                           {"year": "2022", "grade": "excellent"})
    assert "2022年度的考核结果已录入，请修改原有记录" in response.content.decode()
    assert AnnualAssessment.objects.get().grade == "competent"


def test_the_edit_form_shows_months_as_months(client, clerk, cadre):
    entry = services.resume_entry_create(actor=None, person=cadre, started_on=dt.date(1999, 9, 1),
                                         text="学习")
    sign_in(client, clerk)
    html = client.get(reverse("records:resume_update", args=[entry.pk])).content.decode()
    assert 'value="1999.09"' in html
    assert "---------" not in html


# Delete --------------------------------------------------------------------------------------


def test_delete_asks_for_a_confirmation_first(client, clerk, cadre):
    award = services.award_create(actor=None, person=cadre, kind="sanction", name="警告",
                                  awarded_on=dt.date(2021, 3, 1), effect_ends_on=dt.date(2021, 8, 31))
    sign_in(client, clerk)
    url = reverse("records:award_delete", args=[award.pk])
    # a GET, and a POST without the confirmation, show the confirmation page and delete nothing
    for response in (client.get(url), client.post(url, {})):
        html = text_of(response)
        assert response.status_code == 200
        assert "确认删除" in html and "警告" in html and "2021.08.31" in html
    assert Award.objects.exists()
    # the confirmed POST deletes
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert not Award.objects.exists()
    assert AuditEvent.objects.filter(action="award.deleted", subject_id=str(cadre.pk)).exists()


# Family --------------------------------------------------------------------------------------


def test_family_is_hidden_until_the_file_is_opened_by_a_registered_read(client, cadre_officer, cadre):
    services.relative_create(actor=None, person=cadre, relation="妻子", name="李秀兰",
                             birth_date=dt.date(1982, 3, 1))
    sign_in(client, cadre_officer)
    page_url = reverse("records:person_records", args=[cadre.pk])
    # before the registered read: no name, no add link; the family pages send to 查阅登记
    html = client.get(page_url).content.decode()
    assert "李秀兰" not in html and "新增家庭成员" not in html
    assert "登记查阅家庭成员" in html
    response = client.get(reverse("records:family_create", args=[cadre.pk]))
    assert response["Location"] == reverse("accounts:dossier_open", args=[cadre.pk])
    relative = Relative.objects.get()
    assert client.post(reverse("records:family_delete", args=[relative.pk]),
                       {"confirm": "1"}).status_code == 302
    assert Relative.objects.exists()
    # after it: shown and editable
    open_file(client, cadre)
    html = client.get(page_url).content.decode()
    assert "李秀兰" in html and "1982.03" in html and "新增家庭成员" in html
    response = client.post(reverse("records:family_create", args=[cadre.pk]), {
        "relation": "儿子", "name": "王小川", "birth_date": "2008.10", "political_status": "03",
        "work_unit_and_post": "青岚县中学学生", "id_number": "",
    })
    assert response.status_code == 302
    assert list(Relative.objects.values_list("name", "sort_order")) == [("李秀兰", 1), ("王小川", 2)]


def test_family_pages_are_a_404_for_a_user_who_may_not_open_the_file(client, clerk, cadre):
    relative = services.relative_create(actor=None, person=cadre, relation="妻子", name="李秀兰")
    sign_in(client, clerk)
    assert client.get(reverse("records:family_create", args=[cadre.pk])).status_code == 404
    assert client.get(reverse("records:family_update", args=[relative.pk])).status_code == 404


def test_a_bad_id_number_of_a_relative_is_named(client, cadre_officer, cadre):
    sign_in(client, cadre_officer)
    open_file(client, cadre)
    response = client.post(reverse("records:family_create", args=[cadre.pk]),
                           {"relation": "妻子", "name": "李秀兰", "id_number": "330326198203010027"})
    assert "身份证号“330326198203010027”无效：校验码错误" in response.content.decode()
    assert not Relative.objects.exists()


def test_a_relatives_business_is_recorded_with_its_industry_and_shown_after_the_registered_read(
    client, cadre_officer, cadre
):
    sign_in(client, cadre_officer)
    open_file(client, cadre)
    url = reverse("records:family_create", args=[cadre.pk])
    # an industry without the business is refused, naming the field
    missing = client.post(url, {"relation": "妻子", "name": "李秀兰", "business_industry": "E"})
    assert not Relative.objects.exists()
    saved = client.post(url, {"relation": "妻子", "name": "李秀兰", "business": "青岚建工有限公司",
                              "business_industry": "E"})
    html = client.get(reverse("records:person_records", args=[cadre.pk])).content.decode()

    assert "选择了企业所属行业，请填写经商办企业情况" in missing.content.decode()
    assert saved.status_code == 302
    assert Relative.objects.get().business_industry == "E"
    assert "经商办企业：青岚建工有限公司（建筑业）" in html
    created = AuditEvent.objects.get(action="relative.created")
    assert created.changes["business"] == [None, "青岚建工有限公司"]


# The card's tag ------------------------------------------------------------------------------


def test_the_card_tag_renders_the_sections_with_the_cards_rules(client, cadre_officer, cadre):
    services.relative_create(actor=None, person=cadre, relation="妻子", name="李秀兰")
    services.assessment_create(actor=None, person=cadre, year=2022, grade="competent")
    services.assessment_create(actor=None, person=cadre, year=2023, grade="competent")
    sign_in(client, cadre_officer)
    request = RequestFactory().get(f"/people/{cadre.pk}/")
    request.user, request.session = cadre_officer, client.session
    template = Template("{% load records_tags %}{% person_records person %}")

    hidden = template.render(Context({"request": request, "person": cadre, "shows_sensitive": False,
                                      "may_change": False}))
    shown = template.render(Context({"request": request, "person": cadre, "shows_sensitive": True,
                                     "may_change": True}))

    assert "李秀兰" not in hidden and "新增简历" not in hidden
    assert "李秀兰" in shown and "新增简历" in shown and "新增家庭成员" in shown
    assert "2022、2023年年度考核均为称职。" in shown
    assert "2003.07--" in shown and "青岚县水利局科员" in shown
    assert f"?next=/people/{cadre.pk}/" in shown.replace("%2F", "/")
