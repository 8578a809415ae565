"""`cadres export-roster`: the template's two sheets, every person, audited."""

import hashlib
import io

import pytest
from django.core.management import call_command

from cadres.audit.models import AuditAction, AuditEvent
from cadres.people.services import roster_import
from cadres.people.spreadsheets import ROSTER_HEADERS, UNIT_HEADERS
from cadres.people.tests.factories import id_number, roster_row, roster_xlsx, unit_row
from cadres.people.tests.test_roster_import import sheets_of


@pytest.mark.django_db
def test_export_command_writes_the_template_with_every_person(tmp_path):
    # given
    roster_import(actor=None, file_name="in.xlsx", content=roster_xlsx(
        [
            roster_row(姓名="张三", 身份证号=id_number("1975.03", "男", serial=1)),
            roster_row(姓名="李四", 性别="女", 出生年月="1982.11.05", 身份证号=id_number("1982.11.05", "女", serial=2),
                       单位="平阳县/县教育局", 职务="局长", 职务层次="正科级", 是否班子成员="否", 在职学历="", 在职学位=""),
        ],
        [unit_row("平阳县", unit_type="县"), unit_row("平阳县/县教育局", unit_type="县直部门", staffing=40)],
    ))
    path = tmp_path / "out.xlsx"
    stdout = io.StringIO()

    # when
    call_command("export_roster", str(path), stdout=stdout)

    # then
    sheets = sheets_of(path.read_bytes())
    assert stdout.getvalue().strip() == f"已导出 2 人到 {path}"
    assert sheets["干部名册"][0] == list(ROSTER_HEADERS)
    assert sheets["单位"][0] == list(UNIT_HEADERS)
    li_si = next(row for row in sheets["干部名册"] if row[0] == "李四")
    assert dict(zip(ROSTER_HEADERS, li_si)) == {
        **roster_row(姓名="李四", 性别="女", 出生年月="1982.11.05", 身份证号=id_number("1982.11.05", "女", serial=2),
                     单位="平阳县/县教育局", 职务="局长", 职务层次="正科级", 是否班子成员="否", 在职学历="", 在职学位=""),
    }
    assert sorted(sheets["单位"][1:]) == [
        ["平阳县", "", "县", ""],
        ["平阳县/县卫生局", "平阳县", "", ""],
        ["平阳县/县教育局", "平阳县", "县直部门", 40.0],
    ]
    event = AuditEvent.objects.filter(action=AuditAction.ROSTER_EXPORTED).get()
    assert event.changes == {"people": 2, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


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
