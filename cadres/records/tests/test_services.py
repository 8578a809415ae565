"""Writers of the file rows: each kind created, changed and deleted, checked, audited with the
person as subject (old → new in words on the 档案变更记录), refused outside the 信息维护 scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.audit.models import AuditEvent
from cadres.audit.selectors import person_history
from cadres.people.models import Relative
from cadres.records import services
from cadres.records.models import AnnualAssessment, Award, ResumeEntry

pytestmark = pytest.mark.django_db


def history_lines(person, *, mask_sensitive=True):
    """The person's 档案变更记录 as (action, [line, …]), newest first."""
    history = person_history(person=person, mask_sensitive=mask_sensitive)
    return [(entry.action_label, [str(line) for line in entry.lines]) for entry in history.entries]


def test_resume_entry_create_update_delete_are_audited_on_the_person(cadre, clerk):
    # when
    entry = services.resume_entry_create(actor=clerk, person=cadre, started_on=dt.date(1999, 9, 1),
                                         ended_on=dt.date(2003, 7, 1), text="浙江大学水利工程专业学习")
    services.resume_entry_update(actor=clerk, entry=entry, ended_on=dt.date(2003, 6, 1),
                                 text="浙江大学水利水电工程专业学习")
    # then
    event = AuditEvent.objects.filter(action="resume_entry.updated").get()
    assert (event.actor, event.subject_type, event.subject_id) == (clerk, "people.person", str(cadre.pk))
    assert event.changes == {"ended_on": ["2003.07", "2003.06"],
                             "text": ["浙江大学水利工程专业学习", "浙江大学水利水电工程专业学习"]}
    updated, created = history_lines(cadre)[:2]
    assert updated == ("修改简历", ["截止年月：2003.07 → 2003.06",
                                 "经历：浙江大学水利工程专业学习 → 浙江大学水利水电工程专业学习"])
    assert created[0] == "新增简历"
    assert "起始年月：1999.09" in created[1] and "经历：浙江大学水利工程专业学习" in created[1]

    # when
    services.resume_entry_delete(actor=clerk, entry=entry)
    # then
    assert not ResumeEntry.objects.exists()
    deleted = history_lines(cadre)[0]
    assert deleted[0] == "删除简历" and "经历：浙江大学水利水电工程专业学习" in deleted[1]


def test_an_update_that_changes_nothing_records_nothing(cadre, clerk):
    entry = services.resume_entry_create(actor=clerk, person=cadre, started_on=dt.date(1999, 9, 1),
                                         text="学习")
    before = AuditEvent.objects.count()
    services.resume_entry_update(actor=clerk, entry=entry, text="学习", ended_on=None)
    assert AuditEvent.objects.count() == before


def test_a_resume_entry_ending_before_it_starts_is_refused_in_chinese(cadre, clerk):
    with pytest.raises(ValidationError) as error:
        services.resume_entry_create(actor=clerk, person=cadre, started_on=dt.date(2003, 9, 1),
                                     ended_on=dt.date(2003, 7, 1), text="学习")
    assert "截止年月不能早于起始年月" in str(error.value)
    assert not ResumeEntry.objects.exists()


def test_award_old_and_new_read_in_words(cadre, clerk):
    award = services.award_create(actor=clerk, person=cadre, kind="reward", name="优秀共产党员",
                                  awarded_on=dt.date(2021, 6, 28), approved_by="中共青岚县委",
                                  document="青委〔2021〕12号")
    services.award_update(actor=clerk, award=award, kind="sanction", name="警告",
                          effect_ends_on=dt.date(2022, 6, 27))
    action, lines = history_lines(cadre)[0]
    assert action == "修改奖惩"
    assert lines == ["类别：奖励 → 处分", "名称：优秀共产党员 → 警告", "影响期至：（空） → 2022.06.27"]
    created = person_history(person=cadre).entries[1]
    assert created.source == "文号：青委〔2021〕12号"


def test_a_reward_with_an_effect_period_is_refused(cadre, clerk):
    with pytest.raises(ValidationError) as error:
        services.award_create(actor=clerk, person=cadre, kind="reward", name="嘉奖",
                              awarded_on=dt.date(2021, 6, 28), effect_ends_on=dt.date(2022, 1, 1))
    assert error.value.message_dict["effect_ends_on"] == ["只有处分才有影响期，奖励请不要填写影响期至"]
    assert not Award.objects.exists()


def test_assessments_are_one_a_year(cadre, clerk):
    first = services.assessment_create(actor=clerk, person=cadre, year=2022, grade="competent")
    with pytest.raises(ValidationError) as error:
        services.assessment_create(actor=clerk, person=cadre, year=2022, grade="excellent")
    assert "该年度的考核结果已录入" in str(error.value)
    services.assessment_update(actor=clerk, assessment=first, grade="excellent")
    assert history_lines(cadre)[0] == ("修改年度考核", ["考核结果：称职 → 优秀"])
    assert AnnualAssessment.objects.get().grade == "excellent"


def test_relative_create_update_delete_mask_the_id_number_on_the_history(cadre, cadre_officer):
    relative = services.relative_create(
        actor=cadre_officer, person=cadre, relation="妻子", name="李秀兰",
        birth_date=dt.date(1982, 3, 1), political_status="01", work_unit_and_post="青岚县第一中学教师",
        id_number="330326198203010026",
    )
    assert relative.sort_order == 1
    second = services.relative_create(actor=cadre_officer, person=cadre, relation="父亲", name="王大山")
    assert second.sort_order == 2
    services.relative_update(actor=cadre_officer, relative=second, is_deceased=True)

    # masked (no registered read): only that a family member changed (cadres.audit.presentation)
    assert history_lines(cadre)[0] == ("修改家庭成员", ["内容：（家庭成员信息，查阅登记后可见）"])
    assert "李秀兰" not in str(history_lines(cadre)) and "3303261982" not in str(history_lines(cadre))
    assert history_lines(cadre, mask_sensitive=False)[0] == ("修改家庭成员", ["已去世：否 → 是"])
    unmasked = history_lines(cadre, mask_sensitive=False)[2][1]
    assert "出生年月：1982.03" in unmasked and "政治面貌：中共党员" in unmasked
    assert "身份证号：330326198203010026" in unmasked

    services.relative_delete(actor=cadre_officer, relative=relative)
    assert list(Relative.objects.values_list("name", flat=True)) == ["王大山"]
    assert history_lines(cadre)[0][0] == "删除家庭成员"


@pytest.mark.parametrize("writer", ["viewer", "other_unit_clerk"])
def test_writes_outside_the_maintain_scope_are_refused_and_leave_nothing(
    writer, county, cadre, viewer, other_cadre, clerk
):
    # given: a user who only manages the county, or the bureau's clerk writing to a township's cadre
    actor, person = (viewer, cadre) if writer == "viewer" else (clerk, other_cadre)
    before = AuditEvent.objects.count()
    for write in (
        lambda: services.resume_entry_create(actor=actor, person=person,
                                             started_on=dt.date(1999, 9, 1), text="学习"),
        lambda: services.award_create(actor=actor, person=person, kind="reward", name="嘉奖",
                                      awarded_on=dt.date(2021, 1, 1)),
        lambda: services.assessment_create(actor=actor, person=person, year=2022, grade="competent"),
        lambda: services.relative_create(actor=actor, person=person, relation="妻子", name="某"),
    ):
        with pytest.raises(PermissionDenied):
            write()
    assert not (ResumeEntry.objects.exists() or Award.objects.exists()
                or AnnualAssessment.objects.exists() or Relative.objects.exists())
    assert AuditEvent.objects.count() == before


def test_rows_of_a_person_in_scope_cannot_be_changed_by_a_user_out_of_it(cadre, clerk, viewer):
    award = services.award_create(actor=clerk, person=cadre, kind="reward", name="嘉奖",
                                  awarded_on=dt.date(2021, 1, 1))
    with pytest.raises(PermissionDenied):
        services.award_update(actor=viewer, award=award, name="记三等功")
    with pytest.raises(PermissionDenied):
        services.award_delete(actor=viewer, award=award)
    assert Award.objects.get().name == "嘉奖"


def test_family_needs_the_right_to_open_the_file(cadre, clerk):
    # a 单位信息员 maintains the bureau but may not open full files (no sensitive access)
    with pytest.raises(PermissionDenied):
        services.relative_create(actor=clerk, person=cadre, relation="妻子", name="李秀兰")
    assert not Relative.objects.exists()
