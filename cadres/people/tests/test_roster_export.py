"""The roster export (`cadres export-roster` and the page): the template's two sheets, every
person, audited; 身份证号 masked unless a user with the right states a purpose."""

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cadres.audit.models import AuditAction, AuditEvent
from cadres.people.exports import SensitiveExportRefused, roster_export
from cadres.people.models import Person
from cadres.people.services import RosterRejected, roster_import
from cadres.people.spreadsheets import ROSTER_HEADERS, UNIT_HEADERS
from cadres.people.tests.factories import id_number, roster_row, roster_xlsx, unit_row
from cadres.people.tests.test_roster_import import sheets_of


@pytest.mark.django_db
def test_export_command_writes_the_template_with_every_person(tmp_path):
    # given
    roster_import(actor=None, file_name="in.xlsx", content=roster_xlsx(
        [
            roster_row(姓名="张三", 身份证号=id_number("1975.03", "男", serial=1)),
            roster_row(姓名="李四", 性别="女", 出生年月="1982.11.05",
                       身份证号=id_number("1982.11.05", "女", serial=2), 单位="平阳县/县教育局",
                       职务="局长", 职务层次="正科级", 是否班子成员="否", 在职学历="", 在职学位=""),
        ],
        [unit_row("平阳县", unit_type="县"), unit_row("平阳县/县教育局", unit_type="县直部门", staffing=40)],
    ))
    path = tmp_path / "out.xlsx"
    stdout = io.StringIO()

    # when
    call_command("export_roster", str(path), stdout=stdout)

    # then
    sheets = sheets_of(path.read_bytes())
    assert stdout.getvalue().strip() == f"已导出 2 人到 {path}（身份证号已遮盖）"
    assert sheets["干部名册"][0] == list(ROSTER_HEADERS)
    assert sheets["单位"][0] == list(UNIT_HEADERS)
    li_si = next(row for row in sheets["干部名册"] if row[0] == "李四")
    li_si_number = id_number("1982.11.05", "女", serial=2)
    assert dict(zip(ROSTER_HEADERS, li_si)) == {
        **dict.fromkeys(ROSTER_HEADERS, ""),
        **roster_row(姓名="李四", 性别="女", 出生年月="1982.11.05",
                     身份证号=li_si_number[:6] + "*" * 8 + li_si_number[-4:], 单位="平阳县/县教育局",
                     职务="局长", 职务层次="正科级", 是否班子成员="否", 在职学历="", 在职学位=""),
    }
    assert sorted(sheets["单位"][1:]) == [
        ["平阳县", "", "县", ""],
        ["平阳县/县卫生局", "平阳县", "", ""],
        ["平阳县/县教育局", "平阳县", "县直部门", 40.0],
    ]
    event = AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).get()
    assert event.changes == {
        "people": 2, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "masked": True,
    }


@pytest.mark.django_db
def test_export_command_as_a_user_writes_only_what_the_user_may_see(tmp_path):
    # given: a clerk of the eastern town, and a cadre in each town
    from cadres.accounts.testing import person_in, unit_tree, user_with_role

    units = unit_tree()
    person_in(units["east"], "东镇甲")
    person_in(units["west"], "西镇乙")
    user_with_role("unit_clerk", managed=[units["east"]], maintained=[units["east"]],
                   username="east-clerk")
    path = tmp_path / "out.xlsx"

    # when
    call_command("export_roster", str(path), user="east-clerk", stdout=io.StringIO())

    # then
    sheets = sheets_of(path.read_bytes())
    assert [row[0] for row in sheets["干部名册"][1:]] == ["东镇甲"]
    assert all(row[0].startswith("某县/东镇") for row in sheets["单位"][1:])
    assert AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).latest("id").actor_name == "east-clerk"


# Masking of 身份证号 --------------------------------------------------------------------------

FULL_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def full_id_numbers_in(content: bytes) -> list[str]:
    """Every full 18-character 身份证号 in any cell of any sheet."""
    from openpyxl import load_workbook

    found = []
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                found += FULL_ID_NUMBER.findall(str(value or ""))
    return found


@pytest.fixture
def east_cadres():
    from cadres.accounts.testing import person_in, unit_tree

    units = unit_tree()
    numbers = [id_number("1980.05", "男", serial=serial) for serial in (11, 12, 13)]
    for serial, number in enumerate(numbers):
        person_in(units["east"], f"东镇{serial}", id_number=number)
    return {**units, "numbers": numbers}


def export_as(user, purpose=""):
    from cadres.org.models import Unit

    return roster_export(actor=user, people=Person.objects.visible_to(user),
                         units=Unit.objects.visible_to(user), purpose=purpose)


@pytest.mark.django_db
def test_export_without_the_sensitive_export_right_has_no_full_id_number(east_cadres):
    # given: a clerk (no right to export sensitive fields)
    from cadres.accounts.testing import user_with_role

    clerk = user_with_role("unit_clerk", managed=[east_cadres["east"]], maintained=[east_cadres["east"]])
    # when
    content = export_as(clerk)
    # then
    assert full_id_numbers_in(content) == []
    masked = {number[:6] + "*" * 8 + number[-4:] for number in east_cadres["numbers"]}
    rows = sheets_of(content)["干部名册"]
    assert {row[ROSTER_HEADERS.index("身份证号")] for row in rows[1:]} == masked


@pytest.mark.django_db
def test_export_without_the_right_refuses_a_purpose_and_records_nothing(east_cadres):
    # given
    from cadres.accounts.testing import user_with_role

    clerk = user_with_role("unit_clerk", managed=[east_cadres["east"]])
    # when
    with pytest.raises(SensitiveExportRefused):
        export_as(clerk, purpose="想要完整号码")
    # then
    assert not AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).exists()


@pytest.mark.django_db
def test_export_with_the_right_and_a_purpose_has_full_numbers_and_audits_the_purpose(east_cadres):
    # given: a 干部科 officer, who holds the sensitive-export right
    from cadres.accounts.testing import user_with_role

    officer = user_with_role("cadre_office", managed=[east_cadres["county"]])
    # when
    content = export_as(officer, purpose="2026年度干部考察材料报送")
    # then
    assert sorted(full_id_numbers_in(content)) == sorted(east_cadres["numbers"])
    event = AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).get()
    assert event.actor == officer
    assert event.subject_id == ""
    assert event.changes["purpose"] == "2026年度干部考察材料报送"
    assert event.changes["masked"] is False


@pytest.mark.django_db
def test_export_with_the_right_but_no_purpose_is_masked(east_cadres):
    # given
    from cadres.accounts.testing import user_with_role

    officer = user_with_role("cadre_office", managed=[east_cadres["county"]])
    # when
    content = export_as(officer, purpose="   ")
    # then
    assert full_id_numbers_in(content) == []
    event = AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).get()
    assert event.changes["masked"] is True and "purpose" not in event.changes


@pytest.mark.django_db
def test_export_page_asks_a_purpose_for_full_numbers(client, east_cadres):
    # given
    from cadres.accounts.testing import sign_in, user_with_role

    officer = user_with_role("cadre_office", managed=[east_cadres["county"]])
    sign_in(client, officer)
    url = reverse("people:roster_export")
    # when
    without_purpose = client.post(url, {"full_id_numbers": "on", "purpose": ""})
    with_purpose = client.post(url, {"full_id_numbers": "on", "purpose": "干部考察"})
    masked = client.post(url, {"purpose": "勾选框未选时用途不起作用"})
    # then
    assert "导出完整身份证号须填写用途" in without_purpose.content.decode()
    assert sorted(full_id_numbers_in(with_purpose.content)) == sorted(east_cadres["numbers"])
    assert full_id_numbers_in(masked.content) == []
    purposes = [event.changes.get("purpose") for event in
                AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).order_by("id")]
    assert purposes == ["干部考察", None]


@pytest.mark.django_db
def test_export_page_of_a_clerk_offers_no_full_numbers(client, east_cadres):
    # given
    from cadres.accounts.testing import sign_in, user_with_role

    clerk = user_with_role("unit_clerk", managed=[east_cadres["east"]], maintained=[east_cadres["east"]])
    sign_in(client, clerk)
    url = reverse("people:roster_export")
    # when
    page = client.get(url).content.decode()
    sneaked = client.post(url, {"full_id_numbers": "on", "purpose": "绕过"})
    # then
    assert "您没有导出完整身份证号的权限" in page and 'name="purpose"' not in page
    assert full_id_numbers_in(sneaked.content) == []


@pytest.mark.django_db
def test_export_command_masks_unless_a_purpose_is_given(tmp_path, east_cadres):
    # given
    from cadres.accounts.testing import user_with_role

    user_with_role("cadre_office", managed=[east_cadres["county"]], username="officer")
    user_with_role("unit_clerk", managed=[east_cadres["east"]], username="clerk")
    masked, full, system_full = tmp_path / "m.xlsx", tmp_path / "f.xlsx", tmp_path / "s.xlsx"
    # when
    call_command("export_roster", str(masked), user="officer", stdout=io.StringIO())
    call_command("export_roster", str(full), user="officer", purpose="换届考察", stdout=io.StringIO())
    call_command("export_roster", str(system_full), purpose="备份核对", stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有导出敏感信息的权限"):
        call_command("export_roster", str(tmp_path / "x.xlsx"), user="clerk", purpose="想看",
                     stdout=io.StringIO())
    # then
    assert full_id_numbers_in(masked.read_bytes()) == []
    assert sorted(full_id_numbers_in(full.read_bytes())) == sorted(east_cadres["numbers"])
    assert sorted(full_id_numbers_in(system_full.read_bytes())) == sorted(east_cadres["numbers"])
    assert not (tmp_path / "x.xlsx").exists()
    events = AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).order_by("id")
    assert [(e.actor_name, e.changes.get("purpose")) for e in events] == [
        ("officer", None), ("officer", "换届考察"), ("系统", "备份核对"),
    ]


@pytest.mark.django_db
def test_a_masked_export_imported_back_is_refused_and_keeps_the_real_numbers(tmp_path, east_cadres):
    # given
    path = tmp_path / "masked.xlsx"
    call_command("export_roster", str(path), stdout=io.StringIO())
    # when
    with pytest.raises(RosterRejected) as rejected:
        roster_import(actor=None, file_name="masked.xlsx", content=path.read_bytes())
    # then
    assert len(rejected.value.errors) == 3
    assert all("身份证号" in str(error) for error in rejected.value.errors)
    assert sorted(Person.objects.values_list("id_number", flat=True)) == sorted(east_cadres["numbers"])


# The columns chosen ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_chosen_column_export_of_a_clerk_is_masked_and_audited(client, east_cadres):
    # given: a clerk, without the right to export sensitive fields, sorting by 姓氏笔画 descending
    from cadres.accounts.testing import sign_in, user_with_role

    clerk = user_with_role("unit_clerk", managed=[east_cadres["east"]], maintained=[east_cadres["east"]])
    sign_in(client, clerk)
    url = reverse("people:roster_export") + "?sort=-name&cols=id_number"
    # when
    page = client.get(url).content.decode()
    response = client.post(url, {"layout": "columns", "columns": ["name", "id_number", "post_title"],
                                 "full_id_numbers": "on", "purpose": "绕过"})
    # then
    assert 'value="id_number" id="id_columns_' in page and "checked" in page
    sheets = sheets_of(response.content)
    assert list(sheets) == ["干部名册"]
    rows = sheets["干部名册"]
    assert rows[0][:3] == ["姓名", "身份证号", "职务"]
    assert [row[0] for row in rows[1:]] == ["东镇2", "东镇1", "东镇0"]  # the list's order
    masked = [number[:6] + "*" * 8 + number[-4:] for number in reversed(east_cadres["numbers"])]
    assert [row[1] for row in rows[1:]] == masked
    assert full_id_numbers_in(response.content) == []
    event = AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).get()
    assert event.actor == clerk and event.changes["masked"] is True
    assert event.changes["columns"] == ["姓名", "身份证号", "职务"] and "purpose" not in event.changes


@pytest.mark.django_db
def test_a_chosen_column_export_with_the_right_and_a_purpose_has_full_numbers(client, east_cadres):
    # given
    from cadres.accounts.testing import sign_in, user_with_role

    officer = user_with_role("cadre_office", managed=[east_cadres["county"]])
    sign_in(client, officer)
    url = reverse("people:roster_export")
    # when
    no_columns = client.post(url, {"layout": "columns"})
    response = client.post(url, {"layout": "columns", "columns": ["name", "id_number"],
                                 "full_id_numbers": "on", "purpose": "干部考察"})
    # then
    assert "导出列：请至少选择一列" in no_columns.content.decode()
    assert sorted(full_id_numbers_in(response.content)) == sorted(east_cadres["numbers"])
    event = AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).get()
    assert event.changes["purpose"] == "干部考察" and event.changes["columns"] == ["姓名", "身份证号"]


@pytest.mark.django_db
def test_a_large_chosen_column_export_passes_its_columns_to_the_job(client, east_cadres, settings):
    # given
    from cadres.accounts.testing import sign_in, user_with_role
    from cadres.jobs.models import Job

    settings.ROSTER_EXPORT_INLINE_MAX = 1
    officer = user_with_role("cadre_office", managed=[east_cadres["county"]])
    sign_in(client, officer)
    # when
    client.post(reverse("people:roster_export") + "?q=%E4%B8%9C&after=xyz",
                {"layout": "columns", "columns": ["name", "rank"]})
    # then
    job = Job.objects.get()
    assert job.parameters["query"] == "q=%E4%B8%9C&export_columns=name&export_columns=rank"
