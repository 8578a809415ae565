import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditAction, AuditEvent
from cadres.audit.services import record, record_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return unit_tree()


@pytest.fixture
def supervisor(units):
    return user_with_role("supervision", managed=[units["county"]], username="jiandu")


@pytest.fixture
def admin(units):
    return user_with_role("admin", username="xitong")


def _labels(response) -> list[str]:
    """Who or what each listed entry is about, leaving out the creations `person_in` writes."""
    return [entry.about for entry in response.context["entries"]
            if entry.event.action != AuditAction.PERSON_CREATED]


def _two_post_changes(person, units, officer):
    """A roster import changes the cadre's post, then a form change by 文号 changes it again."""
    imported = record(actor=officer, action=AuditAction.ROSTER_IMPORTED,
                      target_label="2024年名册.xlsx",
                      changes={"file_name": "2024年名册.xlsx", "sha256": "ab" * 32, "rows": 1})
    record_many(actor=officer, action=AuditAction.PERSON_UPDATED, batch=imported, items=[
        (person, {"post_title": ["党委委员", "党委副书记"], "rank": ["0142", "0141"]}),
    ])
    record(actor=officer, action=AuditAction.PERSON_UPDATED, target=person, changes={
        "post_title": ["党委副书记", "党委书记"],
        "unit_id": [units["east"].pk, units["west"].pk],
        "is_team_member": [False, True],
        "post_started_on": ["2020-03-01", "2025-07-01"],
        "document": "县委干〔2025〕3号",
    })


def test_supervisor_sees_the_record_filtered_by_person(client, units, supervisor):
    # given
    east_person = person_in(units["east"], "东镇甲")
    west_person = person_in(units["west"], "西镇乙")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=east_person)
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=west_person)
    sign_in(client, supervisor)
    # when
    response = client.get(reverse("audit:event_list"), {"person": east_person.pk})
    # then
    assert response.status_code == 200
    assert _labels(response) == ["东镇甲"]


def test_the_page_filtered_by_a_person_lists_both_post_changes_in_words(
        client, units, supervisor):
    # given
    person = person_in(units["east"], "王五")
    other = person_in(units["east"], "赵六")
    _two_post_changes(person, units, supervisor)
    record(actor=supervisor, action=AuditAction.PERSON_UPDATED, target=other,
           changes={"post_title": ["科员", "副主任"]})
    sign_in(client, supervisor)
    # when
    response = client.get(reverse("audit:event_list"), {"person": person.pk})
    # then
    html = response.content.decode()
    assert _labels(response) == ["王五", "王五"]
    assert "党委委员" in html and "党委副书记" in html and "党委书记" in html
    assert "副科级" in html and "正科级" in html
    assert "某县/东镇" in html and "某县/西镇" in html
    assert "2020.03" in html and "2025.07" in html
    assert "名册导入：2024年名册.xlsx" in html
    assert "文号：县委干〔2025〕3号" in html
    assert "职务" in html and "班子成员" in html
    assert "副主任" not in html
    # no raw keys or Python literals
    for raw in ("{'", "post_title", "unit_id", "None", "[", "0142"):
        assert raw not in html.split("<table", 1)[1], raw


def test_an_old_style_import_is_found_by_the_person_it_changed(client, units, admin):
    # given: an import written before per-person rows, with every diff in one event
    person = person_in(units["east"], "孙七")
    other = person_in(units["west"], "周八")
    record(actor=admin, action=AuditAction.ROSTER_IMPORTED, target_label="旧名册.xlsx", changes={
        "file_name": "旧名册.xlsx", "rows": 2, "created": 0, "updated": 2,
        "changes": {str(person.pk): {"post_title": ["科员", "副镇长"]},
                    str(other.pk): {"post_title": ["科员", "西镇长"]}},
    })
    sign_in(client, admin)
    # when
    filtered = client.get(reverse("audit:event_list"), {"person": person.pk})
    unfiltered = client.get(reverse("audit:event_list"))
    # then
    html = filtered.content.decode()
    assert _labels(filtered) == ["旧名册.xlsx"]
    assert "科员" in html and "副镇长" in html
    assert "西镇长" not in html
    assert "名册导入：旧名册.xlsx" in html
    imported = [entry for entry in unfiltered.context["entries"] if entry.about == "旧名册.xlsx"]
    # (PostgreSQL's jsonb keeps keys in its own order)
    assert sorted(imported[0].text.split("；")) == sorted(
        ["文件名：旧名册.xlsx", "行数：2", "新增人数：0", "更新人数：2", "人员变更：2 人"])
    assert "{'" not in unfiltered.content.decode()


def test_filter_by_unit_includes_people_below_it(client, units, supervisor):
    # given
    office_person = person_in(units["east_office"], "办公室丙")
    west_person = person_in(units["west"], "西镇乙")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=office_person)
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=west_person)
    record(actor=None, action=AuditAction.UNIT_UPDATED, target=units["east"])
    subject_only = person_in(units["east"], "新式丁")
    record(actor=None, action="post.started", target_label="任职", subject=subject_only)
    sign_in(client, supervisor)
    # when
    response = client.get(reverse("audit:event_list"), {"unit": units["east"].pk})
    # then
    assert sorted(_labels(response)) == ["办公室丙", "新式丁", "某县/东镇"]


def test_filter_by_user_action_and_date(client, units, supervisor):
    # given
    person = person_in(units["east"], "东镇甲")
    clerk = user_with_role("unit_clerk", maintained=[units["east"]], username="clerk")
    old = record(actor=clerk, action=AuditAction.PERSON_UPDATED, target=person,
                 target_label="旧的")
    AuditEvent.objects.filter(pk=old.pk).update(
        occurred_at=timezone.now() - dt.timedelta(days=10))
    record(actor=clerk, action=AuditAction.PERSON_UPDATED, target=person, target_label="新的")
    record(actor=clerk, action=AuditAction.PERSON_CREATED, target=person, target_label="新增的")
    record(actor=supervisor, action=AuditAction.PERSON_UPDATED, target=person,
           target_label="别人的")
    sign_in(client, supervisor)
    today = timezone.localdate()
    # when
    response = client.get(reverse("audit:event_list"), {
        "user": clerk.pk, "action": AuditAction.PERSON_UPDATED,
        "date_from": (today - dt.timedelta(days=1)).isoformat(), "date_to": today.isoformat(),
    })
    # then
    assert [entry.event.target_label for entry in response.context["entries"]] == ["新的"]


def test_the_action_column_does_not_wrap(client, units, admin):
    # given
    record(actor=admin, action=AuditAction.LOGIN_LOCKED, target=admin)
    sign_in(client, admin)
    # when
    response = client.get(reverse("audit:event_list"))
    # then: the column carries the class the app's stylesheet keeps on one line
    html = response.content.decode()
    assert '<td class="audit-action">登录失败次数过多，暂时锁定</td>' in html
    assert "audit/audit.css" in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("audit/audit.css"), encoding="utf-8").read()
    assert ".audit-table .audit-action { white-space: nowrap;" in css


# -- 校验 -------------------------------------------------------------------------------------


def test_verify_shows_an_intact_chain_with_its_count(client, units, admin):
    # given
    for i in range(3):
        record(actor=None, action=AuditAction.UNIT_UPDATED, target=units["east"], changes={"n": i})
    sign_in(client, admin)
    count = AuditEvent.objects.count()
    # when
    response = client.post(reverse("audit:event_verify"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert f"审计记录完整：共 {count} 条" in html
    assert AuditEvent.objects.count() == count  # a read: no event of its own


def test_verify_names_the_edited_entry(client, units, admin):
    # given
    person = person_in(units["east"], "王五")
    _two_post_changes(person, units, admin)
    edited = AuditEvent.objects.filter(subject_id=str(person.pk)).order_by("id").first()
    AuditEvent.objects.filter(pk=edited.pk).update(
        changes={"post_title": ["党委委员", "党委书记"]})
    sign_in(client, admin)
    # when
    response = client.post(reverse("audit:event_verify") + f"?person={person.pk}")
    # then
    html = response.content.decode()
    assert "完整" not in html.split("<form method=\"get\"", 1)[0]
    assert f"第一条异常记录 编号 {edited.pk}" in html
    assert "该条记录被修改" in html
    assert response.context["person"] == person


def test_verify_is_refused_without_audit_rights(client, units):
    # given
    officer = user_with_role("cadre_office", managed=[units["county"]])
    sign_in(client, officer)
    before = AuditEvent.objects.count()
    # when
    response = client.post(reverse("audit:event_verify"))
    # then
    assert response.status_code == 403
    assert list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True)) == [
        AuditAction.PERMISSION_DENIED]


def test_verify_is_a_post(client, admin):
    sign_in(client, admin)
    assert client.get(reverse("audit:event_verify")).status_code == 405


# -- scope ------------------------------------------------------------------------------------


def test_a_supervisor_sees_entries_about_their_scope_and_their_own(client, units):
    # given: a supervision officer over the east township
    east_supervisor = user_with_role("supervision", managed=[units["east"]], username="dong")
    admin = user_with_role("admin", username="xitong")
    east_person = person_in(units["east_office"], "东镇甲")
    west_person = person_in(units["west"], "西镇乙")
    record(actor=admin, action=AuditAction.PERSON_UPDATED, target=east_person)
    record(actor=admin, action=AuditAction.PERSON_UPDATED, target=west_person)
    record(actor=admin, action="post.started", target_label="任职", subject=east_person)
    record(actor=admin, action="post.started", target_label="任职", subject=west_person)
    record(actor=admin, action=AuditAction.UNIT_UPDATED, target=units["east"])
    record(actor=admin, action=AuditAction.UNIT_UPDATED, target=units["west"])
    record(actor=admin, action=AuditAction.GRANT_CREATED, target=admin)
    record(actor=admin, action=AuditAction.ROSTER_IMPORTED, target_label="全县名册.xlsx")
    record(actor=east_supervisor, action=AuditAction.ROSTER_EXPORTED, target_label="我的导出")
    sign_in(client, east_supervisor)
    # when
    response = client.get(reverse("audit:event_list"))
    # then
    labels = _labels(response)
    assert sorted(labels) == sorted(["东镇甲", "东镇甲", "某县/东镇", "我的导出"]
                                    + [label for label in labels if label == "dong"])
    assert "西镇乙" not in labels and "某县/西镇" not in labels
    assert "全县名册.xlsx" not in labels and "xitong" not in labels


def test_a_supervisor_over_every_unit_sees_every_person_but_not_other_accounts(
        client, units, supervisor):
    # given: the supervisor's scope is the county, the top of the tree
    admin = user_with_role("admin", username="xitong")
    east_person = person_in(units["east_office"], "东镇甲")
    west_person = person_in(units["west"], "西镇乙")
    record(actor=admin, action=AuditAction.PERSON_UPDATED, target=east_person)
    record(actor=admin, action="post.started", target_label="任职", subject=west_person)
    record(actor=admin, action=AuditAction.UNIT_UPDATED, target=units["west"])
    record(actor=admin, action=AuditAction.GRANT_CREATED, target=admin)
    record(actor=admin, action=AuditAction.ROSTER_IMPORTED, target_label="全县名册.xlsx")
    sign_in(client, supervisor)
    # when
    response = client.get(reverse("audit:event_list"))
    # then
    labels = [label for label in _labels(response) if label != "jiandu"]
    assert sorted(labels) == ["东镇甲", "某县/西镇", "西镇乙"]


def test_the_system_administrator_sees_every_entry(client, units, admin):
    # given
    west_person = person_in(units["west"], "西镇乙")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=west_person)
    record(actor=None, action=AuditAction.ROSTER_IMPORTED, target_label="全县名册.xlsx")
    sign_in(client, admin)
    # when
    response = client.get(reverse("audit:event_list"))
    # then
    assert response.context["page"].paginator.count == AuditEvent.objects.count()
    assert {"西镇乙", "全县名册.xlsx"} <= set(_labels(response))


def test_a_supervisor_cannot_filter_by_a_person_outside_the_scope(client, units):
    # given
    east_supervisor = user_with_role("supervision", managed=[units["east"]])
    west_person = person_in(units["west"], "西镇乙")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=west_person)
    sign_in(client, east_supervisor)
    # when
    response = client.get(reverse("audit:event_list"), {"person": west_person.pk})
    # then
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert "不在您的查看范围内" in html
    assert "西镇乙" not in html


def test_export_writes_the_scoped_events_in_words_and_is_audited(client, units):
    # given
    east_supervisor = user_with_role("supervision", managed=[units["east"]], username="dong")
    east_person = person_in(units["east"], "东镇甲")
    west_person = person_in(units["west"], "西镇乙")
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=east_person,
           changes={"rank": ["0142", "0141"], "id_number": ["330381198005016619", ""]})
    record(actor=None, action=AuditAction.PERSON_UPDATED, target=west_person,
           changes={"rank": ["0142", "0141"]})
    sign_in(client, east_supervisor)
    # when
    response = client.get(reverse("audit:event_export"), {"action": "person.updated"})
    # then
    assert response.status_code == 200
    # saved under a Chinese name (RFC 6266 filename*): 审计记录-YYYYMMDD.xlsx
    assert "filename*=utf-8''%E5%AE%A1%E8%AE%A1%E8%AE%B0%E5%BD%95-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("编号", "时间", "操作人", "操作", "对象类型", "对象", "内容")
    assert len(rows) == 2
    assert rows[1][3:6] == ("修改干部信息", "干部", "东镇甲")
    assert "职务层次：副科级 → 正科级" in rows[1][6]
    assert "330381********6619" in rows[1][6] and "198005" not in rows[1][6]
    exported = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPORTED)
    assert exported.actor == east_supervisor
    assert exported.changes["count"] == 1


def test_export_writes_formula_text_as_text(client, units, admin):
    # given
    record(actor=None, action=AuditAction.UNIT_UPDATED, target_label="=HYPERLINK(\"x\")")
    sign_in(client, admin)
    # when
    response = client.get(reverse("audit:event_export"), {"action": "unit.updated"})
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    about = list(sheet.iter_rows())[1][5]
    assert about.value == "=HYPERLINK(\"x\")"
    assert about.data_type == "s"  # text, not a formula


@pytest.mark.parametrize("role_code", ["cadre_office", "unit_clerk", "leader", "committee"])
def test_other_roles_are_refused_and_only_the_refusal_is_recorded(client, units, role_code):
    # given
    user = user_with_role(role_code, managed=[units["county"]])
    sign_in(client, user)
    before = AuditEvent.objects.count()
    # when
    page = client.get(reverse("audit:event_list"))
    export = client.get(reverse("audit:event_export"))
    # then
    assert (page.status_code, export.status_code) == (403, 403)
    new = list(AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:])
    assert [event.action for event in new] == [AuditAction.PERMISSION_DENIED] * 2
