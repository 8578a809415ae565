"""records_create_many: many file rows at once, written and audited as the single-row creators
write them one by one; refused rows and people outside the scope write nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cadres.audit.models import AuditEvent
from cadres.audit.selectors import person_history
from cadres.people.models import Relative
from cadres.records import services
from cadres.records.models import AnnualAssessment, ResumeEntry

pytestmark = pytest.mark.django_db


def rows_of(person):
    return [
        ResumeEntry(person=person, started_on=dt.date(1999, 9, 1), ended_on=dt.date(2003, 7, 1),
                    text=" 浙江大学水利工程专业学习 "),
        AnnualAssessment(person=person, year=2023, grade="competent"),
        Relative(person=person, relation="妻子", name="李芳", birth_date=dt.date(1981, 2, 1), political_status="01",
                 work_unit_and_post="县教育局干部", sort_order=None),
    ]


def written(person):
    return (
        list(ResumeEntry.objects.filter(person=person).values_list("kind", "started_on", "ended_on", "text", "notes")),
        list(AnnualAssessment.objects.filter(person=person).values_list("year", "grade", "remarks")),
        list(Relative.objects.filter(person=person).values_list("relation", "name", "birth_date", "political_status",
                                                                "work_unit_and_post", "sort_order")),
        sorted((event.action, event.target_type, event.target_label, event.subject_type, event.subject_id,
                str(event.changes)) for event in AuditEvent.objects.filter(subject_id=str(person.pk))
               .exclude(target_type="people.person")),
    )


def test_rows_are_written_and_audited_as_one_by_one(cadre, other_cadre, cadre_officer, county):
    # given: the same rows written one by one for one cadre
    services.resume_entry_create(actor=None, person=other_cadre, started_on=dt.date(1999, 9, 1),
                                 ended_on=dt.date(2003, 7, 1), text=" 浙江大学水利工程专业学习 ")
    services.assessment_create(actor=None, person=other_cadre, year=2023, grade="competent")
    services.relative_create(actor=None, person=other_cadre, relation="妻子", name="李芳",
                             birth_date=dt.date(1981, 2, 1), political_status="01", work_unit_and_post="县教育局干部")
    # when
    services.records_create_many(actor=cadre_officer, rows=rows_of(cadre))
    # then
    one, many = written(other_cadre), written(cadre)
    assert one[:3] == many[:3]
    assert [event[:4] for event in one[3]] == [event[:4] for event in many[3]]
    assert [event[5] for event in one[3]] == [event[5] for event in many[3]]
    # The family member's event names the relative: masked without a registered read.
    lines = [(entry.action_label, [str(line) for line in entry.lines])
             for entry in person_history(person=cadre, mask_sensitive=True).entries]
    assert ("新增家庭成员", ["内容：（家庭成员信息，查阅登记后可见）"]) in lines


def test_a_refused_row_is_named_and_nothing_is_written(cadre):
    rows = rows_of(cadre) + [ResumeEntry(person=cadre, started_on=dt.date(2001, 1, 1), ended_on=dt.date(2000, 1, 1),
                                         text="倒序")]
    events = AuditEvent.objects.count()
    with pytest.raises(services.RowsRejected) as refused:
        services.records_create_many(actor=None, rows=rows)
    assert [row for row, _ in refused.value.rejected] == [rows[-1]]
    assert "截止年月不能早于起始年月" in refused.value.messages
    assert not ResumeEntry.objects.exists() and AuditEvent.objects.count() == events


def test_outside_the_scope_nothing_is_written(cadre, other_cadre, clerk):
    with pytest.raises(PermissionDenied):
        services.records_create_many(actor=clerk, rows=rows_of(other_cadre)[:2])
    # A clerk may not write family members (no right to open the full file).
    with pytest.raises(PermissionDenied):
        services.records_create_many(actor=clerk, rows=rows_of(cadre))
    assert not ResumeEntry.objects.exists() and not Relative.objects.exists()


def test_relatives_are_placed_after_the_last(cadre):
    services.relative_create(actor=None, person=cadre, relation="父亲", name="王大", sort_order=4)
    services.records_create_many(actor=None, rows=[
        Relative(person=cadre, relation="母亲", name="李大", sort_order=None),
        Relative(person=cadre, relation="儿子", name="王小", sort_order=None)])
    assert list(Relative.objects.filter(person=cadre).order_by("sort_order").values_list("name", "sort_order")) == [
        ("王大", 4), ("李大", 5), ("王小", 6)]
