"""LRMX into the records (services.lrmx_import) and out of them (services.lrmx_export): the round
trip, matching, scope, dry run, refused files and the audit."""

import hashlib
import io
import re

import pytest
from PIL import Image, ImageChops

from cadres.accounts.testing import user_with_role
from cadres.appointment_forms import services
from cadres.appointment_forms.lrmx import lrmx_read, lrmx_write
from cadres.appointment_forms.services import NEW, REFUSED, UNCHANGED, UPDATED, lrmx_export, lrmx_import
from cadres.appointment_forms.tests.lrmx_records import FIXTURES, UNIT_PATH, full_record, month, unit_at
from cadres.audit.models import AuditEvent
from cadres.org.models import Assignment, Unit
from cadres.people.models import Person, Relative
from cadres.people.services import ID_NUMBER_OUT_OF_SCOPE
from cadres.people.tests.factories import id_number
from cadres.records.models import AnnualAssessment, Award, ResumeEntry, ResumeEntryKind

pytestmark = pytest.mark.django_db


def fixture(name: str) -> tuple[str, bytes]:
    return name, (FIXTURES / name).read_bytes()


def elements(content: bytes) -> dict[str, str]:
    text = content.decode()
    return dict(re.findall(r"^  <(\w+)>(.*?)</\1>$", text, flags=re.MULTILINE | re.DOTALL))


def state() -> tuple[int, ...]:
    """Everything an import may write, counted."""
    return (Person.objects.count(), Unit.objects.count(), Assignment.objects.count(),
            Relative.objects.count(), ResumeEntry.objects.count(), AnnualAssessment.objects.count(),
            Award.objects.count(), AuditEvent.objects.count(),
            sum(1 for person in Person.objects.all() if person.photo))


# --- round trip --------------------------------------------------------------------------------


def test_round_trip_into_the_same_record_changes_nothing_and_exports_the_same_file():
    person = full_record()
    first = lrmx_export(actor=None, person=person, purpose="测试")
    events = AuditEvent.objects.count()
    report = lrmx_import(actor=None, files=[("张三.lrmx", first)], unit_path=None, dry_run=False)
    [result] = report.files
    assert (result.status, result.changes, result.notes, result.person_id) == (UNCHANGED, [], [], person.pk)
    # Only the file's own event was written.
    assert AuditEvent.objects.count() == events + 1
    second = lrmx_export(actor=None, person=Person.objects.get(pk=person.pk), purpose="测试")
    assert second == first
    # Every field of the record is in the file.
    values = elements(first)
    assert values["RuDangShiJian"] == "199706" and values["ShenFenZheng"] == person.id_number
    assert "1999.01--1999.06在县委党校中青班学习" in values["JianLi"]
    assert "（其间：2010.09--2012.07在浙江大学公共管理专业在职研究生学习）" in values["JianLi"]
    assert values["JiangChengQingKuang"].startswith("2018.06 优秀共产党员")
    assert values["NianDuKaoHeJieGuo"] == "2021年年度考核为优秀，2022、2023年年度考核均为称职。"
    assert "原青岚县农机站职工（已去世）" in values["JiaTingChengYuan"]
    assert values["ZhaoPian"]


def test_round_trip_into_a_new_record_keeps_every_field_but_the_awards_text():
    person = full_record()
    first = lrmx_export(actor=None, person=person, purpose="测试")
    Person.objects.filter(pk=person.pk).delete()
    report = lrmx_import(actor=None, files=[("张三.lrmx", first)], unit_path=UNIT_PATH, dry_run=False,
                         rank="正科级")
    [result] = report.files
    assert result.status == NEW, result.error
    assert any("奖惩情况为文字" in note for note in result.notes)
    created = Person.objects.get(pk=result.person_id)
    second = lrmx_export(actor=None, person=created, purpose="测试")
    before, after = elements(first), elements(second)
    # 奖惩 are not turned into records from text (kind and approving body cannot be told apart).
    assert after.pop("JiangChengQingKuang") == "无"
    before.pop("JiangChengQingKuang")
    # The photo is stored as the card stores every photo (300×375 JPEG, re-encoded): the same
    # picture, not the same bytes.
    photos = [Image.open(io.BytesIO(lrmx_read(content, file_name="x").photo)).convert("RGB")
              for content in (first, second)]
    assert photos[0].size == photos[1].size
    assert max(ImageChops.difference(*photos).getextrema(), key=lambda band: band[1])[1] < 40
    before.pop("ZhaoPian"), after.pop("ZhaoPian")
    assert after == before


def test_export_is_audited_with_the_purpose():
    person = full_record()
    lrmx_export(actor=None, person=person, purpose="报送市委组织部")
    event = AuditEvent.objects.filter(action=services.AppointmentFormAction.LRMX_EXPORTED).get()
    assert (str(event.subject_id), event.changes["purpose"]) == (str(person.pk), "报送市委组织部")


# --- a received file ---------------------------------------------------------------------------


def test_a_received_file_creates_the_person_in_the_unit_with_every_part_of_the_file():
    report = lrmx_import(actor=None, files=[fixture("full_bom_crlf.lrmx")], unit_path="青岚县/青岚县水利局",
                         dry_run=False)
    [result] = report.files
    assert result.status == NEW, result.error
    person = Person.objects.get(pk=result.person_id)
    assert person.unit.path == "青岚县/青岚县水利局"
    assert (person.post_title, person.rank, person.post_started_on) == ("局长", "0150", month(2015, 3))
    assert any("暂记为“科员”" in note for note in result.notes)
    assert (person.name, person.sex, person.ethnicity, person.birth_date) == ("张三", "1", "01", month(1975, 3))
    assert (person.political_status, person.party_joined_on, person.work_started_on) == (
        "01", month(1997, 6), month(1997, 7))
    assert (person.full_time_education, person.full_time_degree, person.in_service_education,
            person.in_service_degree, person.highest_education) == ("20", "4", "10", "3", "10")
    assert person.id_number == "330102197503121231" and person.photo
    entries = list(ResumeEntry.objects.filter(person=person).order_by("started_on"))
    assert [(entry.kind, entry.started_on, entry.ended_on, entry.text) for entry in entries] == [
        (ResumeEntryKind.ENTRY, month(1993, 9), month(1997, 7), "河海大学水利工程专业学习"),
        (ResumeEntryKind.ENTRY, month(1997, 7), month(2003, 5), "青岚县水利局科员"),
        (ResumeEntryKind.ENTRY, month(2003, 5), month(2015, 3), "青岚县水利局副局长"),
    ]
    assert entries[2].notes == "2010.09--2012.07在浙江大学公共管理专业在职研究生学习"
    assert sorted(AnnualAssessment.objects.filter(person=person).values_list("year", "grade")) == [
        (2021, "competent"), (2022, "competent"), (2023, "competent")]
    relatives = list(Relative.objects.filter(person=person).order_by("sort_order"))
    assert [(r.relation, r.name, r.birth_date, r.political_status, r.work_unit_and_post, r.is_deceased)
            for r in relatives] == [
        ("妻子", "李四", month(1977, 6), "01", "青岚县第一中学教师", False),
        ("父亲", "张大山", month(1948, 2), "13", "", True),
    ]
    event = AuditEvent.objects.filter(action=services.AppointmentFormAction.FORM_IMPORTED).get()
    content = (FIXTURES / "full_bom_crlf.lrmx").read_bytes()
    assert event.changes["sha256"] == hashlib.sha256(content).hexdigest()
    assert event.changes["file_name"] == "full_bom_crlf.lrmx"
    assert str(event.subject_id) == str(person.pk)
    # Each part was written through its own service, audited with the person as subject.
    actions = set(AuditEvent.objects.filter(subject_id=person.pk).values_list("action", flat=True))
    assert {"relative.created", "resume_entry.created", "assessment.created", "person.photo_set"} <= actions


def test_variants_file_reads_democratic_party_and_strips_the_title_month():
    [result] = lrmx_import(actor=None, files=[fixture("variants_lf.lrmx")], unit_path="青岚县/县科技局",
                           dry_run=False).files
    assert result.status == NEW, result.error
    person = Person.objects.get(pk=result.person_id)
    assert (person.political_status, person.party_joined_on) == ("05", None)
    assert person.professional_title == "高级工程师"
    assert person.ethnicity == "03" and person.sex == "2"
    relatives = list(Relative.objects.filter(person=person).order_by("sort_order"))
    assert (relatives[1].work_unit_and_post, relatives[1].is_deceased) == ("原青岚县纺织厂职工", True)


def test_an_update_shows_old_and_new_of_each_field():
    person = full_record()
    form = lrmx_read(lrmx_export(actor=None, person=person, purpose="测试"), file_name="x")
    form.native_place = "浙江宁波"
    form.family[0].employer_and_post = "青岚县第二中学教师"
    form.assessments = "2021年年度考核为优秀，2022、2023、2024年年度考核均为称职。"
    [result] = lrmx_import(actor=None, files=[("张三.lrmx", lrmx_write(form))], unit_path=None,
                           dry_run=False).files
    assert result.status == UPDATED
    shown = [str(change) for change in result.changes]
    assert "籍贯：浙江杭州 → 浙江宁波" in shown
    assert ("家庭成员：妻子 李四 1977.06 中共党员 青岚县第一中学教师 → "
            "妻子 李四 1977.06 中共党员 青岚县第二中学教师") in shown
    assert "2024年度考核：（空） → 称职" in shown
    person.refresh_from_db()
    assert person.native_place == "浙江宁波"
    assert AnnualAssessment.objects.filter(person=person, year=2024, grade="competent").exists()


# --- matching and scope ------------------------------------------------------------------------


def test_matched_by_name_and_birth_month_when_the_record_has_no_id_number():
    person = full_record()
    Person.objects.filter(pk=person.pk).update(id_number="")
    content = lrmx_export(actor=None, person=Person.objects.get(pk=person.pk), purpose="测试").replace(
        b"<ShenFenZheng></ShenFenZheng>",
        f"<ShenFenZheng>{id_number('1975.03', '男', serial=12)}</ShenFenZheng>".encode())
    [result] = lrmx_import(actor=None, files=[("张三.lrmx", content)], unit_path=None, dry_run=False).files
    assert (result.status, result.person_id) == (UPDATED, person.pk)
    assert Person.objects.get(pk=person.pk).id_number == id_number("1975.03", "男", serial=12)


def test_two_people_with_the_same_name_and_birth_month_are_refused():
    full_record()
    full_record(serial=34)
    content = (FIXTURES / "full_bom_crlf.lrmx").read_bytes().replace(
        b"<ShenFenZheng>330102197503121231</ShenFenZheng>", b"<ShenFenZheng></ShenFenZheng>")
    before = state()
    [result] = lrmx_import(actor=None, files=[("张三.lrmx", content)], unit_path=UNIT_PATH, dry_run=False).files
    assert result.status == REFUSED
    assert "系统中有 2 名干部姓名为“张三”、出生年月为1975.03，无法确定是哪一位" in result.error
    assert state() == before


def test_an_id_number_outside_the_scope_gets_the_one_message_and_nothing_is_written():
    units = {path: unit_at(path) for path in ("某县/东镇", "某县/西镇")}
    clerk = user_with_role("unit_clerk", maintained=[units["某县/东镇"]])
    other = full_record(unit=units["某县/西镇"])
    content = lrmx_export(actor=None, person=other, purpose="测试")
    before = state()
    [elsewhere] = lrmx_import(actor=clerk, files=[("a.lrmx", content)], unit_path="某县/东镇",
                              dry_run=False).files
    assert elsewhere.status == REFUSED
    assert ID_NUMBER_OUT_OF_SCOPE in elsewhere.error
    # A number nobody holds, for a unit outside the scope: the same words for the number.
    fresh = content.replace(other.id_number.encode(), id_number("1975.03", "男", serial=56).encode())
    [outside] = lrmx_import(actor=clerk, files=[("a.lrmx", fresh)], unit_path="某县/西镇", dry_run=False).files
    assert outside.status == REFUSED and ID_NUMBER_OUT_OF_SCOPE in outside.error
    assert state() == before


def test_a_clerk_imports_within_the_scope():
    east = unit_at("某县/东镇")
    clerk = user_with_role("unit_clerk", maintained=[east])
    [result] = lrmx_import(actor=clerk, files=[fixture("party_month_and_name.lrmx")], unit_path="某县/东镇/党政办",
                           dry_run=False).files
    assert result.status == NEW, result.error
    person = Person.objects.get(pk=result.person_id)
    assert person.unit.path == "某县/东镇/党政办"
    assert (person.political_status, person.party_joined_on) == ("04", month(2001, 3))


def test_a_user_without_the_import_permission_is_refused():
    east = unit_at("某县/东镇")
    viewer = user_with_role("inspection", managed=[east], maintained=[east])
    before = state()
    [result] = lrmx_import(actor=viewer, files=[fixture("party_month_and_name.lrmx")], unit_path="某县/东镇",
                           dry_run=False).files
    assert result.status == REFUSED and services.NOT_ALLOWED in result.error
    assert state() == before


def test_a_clerk_who_may_not_open_full_files_cannot_import_family_members():
    east = unit_at("某县/东镇")
    clerk = user_with_role("unit_clerk", maintained=[east])
    before = state()
    [result] = lrmx_import(actor=clerk, files=[fixture("full_bom_crlf.lrmx")], unit_path="某县/东镇",
                           dry_run=False).files
    assert result.status == REFUSED and "家庭成员" in result.error
    assert state() == before


def test_a_new_person_needs_a_unit():
    [result] = lrmx_import(actor=None, files=[fixture("party_month_and_name.lrmx")], unit_path=None,
                           dry_run=False).files
    assert result.status == REFUSED and "新增干部须指定所在单位（--unit）" in result.error


# --- dry run and refused files -------------------------------------------------------------------


def test_dry_run_writes_nothing_and_reports_the_same():
    person = full_record()
    form = lrmx_read(lrmx_export(actor=None, person=person, purpose="测试"), file_name="x")
    form.health = "良好"
    files = [("张三.lrmx", lrmx_write(form)), fixture("variants_lf.lrmx")]
    before = state()
    report = lrmx_import(actor=None, files=files, unit_path="青岚县/新单位", dry_run=True)
    assert state() == before
    assert [result.status for result in report.files] == [UPDATED, NEW]
    assert "健康状况：健康 → 良好" in [str(change) for change in report.files[0].changes]
    assert any("单位“青岚县/新单位”不存在，将新建" in note for note in report.files[1].notes)
    assert report.summary.startswith("检查完成，将导入 2 份：新增 1 人，更新 1 人")


@pytest.mark.parametrize("name", [
    "bad_truncated.lrmx", "bad_check_digit.lrmx", "bad_month_13.lrmx", "bad_not_a_form.lrmx",
    "bad_external_entity.lrmx", "bad_entity_expansion.lrmx",
])
def test_bad_files_are_refused_with_nothing_written(name):
    full_record()
    before = state()
    report = lrmx_import(actor=None, files=[fixture(name), fixture("variants_lf.lrmx")], unit_path=UNIT_PATH,
                         dry_run=False)
    refused, imported = report.files
    assert refused.status == REFUSED and refused.error.startswith(f"文件“{name}”")
    # The other file is taken: each file whole or not at all.
    assert imported.status == NEW
    assert Person.objects.count() == before[0] + 1


def test_a_file_failing_half_way_is_rolled_back(monkeypatch):
    person = full_record()
    form = lrmx_read(lrmx_export(actor=None, person=person, purpose="测试"), file_name="x")
    form.health = "良好"
    form.family[0].employer_and_post = "别处"

    def refuse(**kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError({"name": "测试：写入失败"})

    monkeypatch.setattr(services.record_services, "relative_update", refuse)
    before = state()
    [result] = lrmx_import(actor=None, files=[("张三.lrmx", lrmx_write(form))], unit_path=None,
                           dry_run=False).files
    assert result.status == REFUSED and "测试：写入失败" in result.error
    assert state() == before
    assert Person.objects.get(pk=person.pk).health == "健康"


def test_unknown_relative_status_is_refused_naming_the_member():
    content = (FIXTURES / "full_bom_crlf.lrmx").read_bytes().replace("群众".encode(), "退休干部".encode())
    [result] = lrmx_import(actor=None, files=[("a.lrmx", content)], unit_path=UNIT_PATH, dry_run=False).files
    assert result.status == REFUSED
    assert "家庭成员“张大山”的 ZhengZhiMianMao（政治面貌） “退休干部” 无法识别" in result.error


def test_other_assessment_wording_is_not_turned_into_records():
    content = (FIXTURES / "full_bom_crlf.lrmx").read_bytes().replace(
        "2021、2022、2023年年度考核均为称职。".encode(), "近三年考核均为称职".encode())
    [result] = lrmx_import(actor=None, files=[("a.lrmx", content)], unit_path=UNIT_PATH, dry_run=False).files
    assert result.status == NEW
    assert any("近三年考核均为称职" in note and "未导入为考核记录" in note for note in result.notes)
    assert not AnnualAssessment.objects.exists()


@pytest.mark.parametrize(("text", "expected"), [
    ("2021、2022、2023年年度考核均为称职。", [(2021, "competent"), (2022, "competent"), (2023, "competent")]),
    ("2021年年度考核为优秀，2022年年度考核为基本称职。", [(2021, "excellent"), (2022, "basic")]),
    ("2020年度考核为不称职", [(2020, "incompetent")]),
    ("2019年年度考核不定等次。", [(2019, "ungraded")]),
    ("无", []), ("", []), ("表现良好", None),
])
def test_assessment_text(text, expected):
    assert services.assessments_parse(text) == expected
