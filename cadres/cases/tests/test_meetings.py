"""Meetings and their decisions, judged by the rules (SelectionRule rows): 2/3 of 应到会 present
exactly is a quorum, one fewer is not; passing needs more than half of 应到会 — exactly half in
favour fails, whatever the number present."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.accounts.testing import user_with_role
from cadres.audit.models import AuditEvent
from cadres.cases import selectors, services
from cadres.cases.actions import CaseAction
from cadres.cases.models import DecisionMethod, MeetingKind, SelectionRule
from cadres.cases.templatetags.person_cases import person_case_rows
from cadres.org.models import Unit

D = dt.date(2026, 5, 12)


def members(present: int, absent: int) -> list[tuple[str, bool, str]]:
    return ([(f"委员{i}", True, "") for i in range(present)]
            + [(f"缺席{i}", False, "出差") for i in range(absent)])


@pytest.fixture
def decided(officer: Any, county: dict[str, Unit], team: dict[str, Any]) -> dict[str, Any]:
    case = services.case_create(actor=officer, title="县水利局副局长选拔", unit=county["water"],
                                started_on=dt.date(2026, 3, 2))
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    return {"case": case, "nominee": nominee}


def meeting_with(officer: Any, case: Any, present: int, absent: int) -> Any:
    meeting = services.meeting_create(actor=officer, kind=MeetingKind.STANDING, title="县委常委会第5次会议",
                                      held_on=D, members=members(present, absent), chair="书记")
    return services.topic_add(actor=officer, meeting=meeting, case=case, title="研究干部任免事项")


@pytest.mark.django_db
def test_two_thirds_present_exactly_is_a_quorum(officer: Any, decided: dict[str, Any]) -> None:
    # given: 9 should attend, 6 present (= 2/3)
    topic = meeting_with(officer, decided["case"], present=6, absent=3)
    # when
    decision = services.decision_record(actor=officer, topic=topic, nominee=decided["nominee"], agree=5,
                                        disagree=1, abstain=0, method=DecisionMethod.SECRET)
    # then: 5 of 9 is more than half
    assert decision.is_passed and decision.decided_on == D


@pytest.mark.django_db
def test_one_short_of_two_thirds_is_refused_quoting_the_rule(officer: Any, decided: dict[str, Any]) -> None:
    topic = meeting_with(officer, decided["case"], present=5, absent=4)
    with pytest.raises(ValidationError) as refused:
        services.decision_record(actor=officer, topic=topic, nominee=decided["nominee"], agree=5, disagree=0,
                                 abstain=0, method=DecisionMethod.HANDS)
    message = refused.value.messages[0]
    assert "应到会9人" in message and "实到会5人" in message and "不足三分之二" in message
    assert "必须有三分之二以上成员到会" in message
    assert not topic.decisions.exists()


@pytest.mark.django_db
def test_exactly_half_of_those_who_should_attend_fails(officer: Any, decided: dict[str, Any]) -> None:
    # 10 should attend, 8 present: 5 in favour is half of 应到会 (though most of those present)
    topic = meeting_with(officer, decided["case"], present=8, absent=2)
    decision = services.decision_record(actor=officer, topic=topic, nominee=decided["nominee"], agree=5,
                                        disagree=2, abstain=1, method=DecisionMethod.SECRET)
    assert not decision.is_passed
    # recorded again with 6: passes, one row, two audit events
    decision = services.decision_record(actor=officer, topic=topic, nominee=decided["nominee"], agree=6,
                                        disagree=1, abstain=1, method=DecisionMethod.SECRET)
    assert decision.is_passed and topic.decisions.count() == 1
    recorded = AuditEvent.objects.filter(action=CaseAction.MEETING_DECISION_RECORDED,
                                         subject_id=str(decided["case"].pk))
    assert recorded.count() == 2
    assert recorded.order_by("-id")[0].changes["agree"] == [5, 6]


@pytest.mark.django_db
def test_counts_may_not_exceed_those_present(officer: Any, decided: dict[str, Any]) -> None:
    topic = meeting_with(officer, decided["case"], present=7, absent=2)
    with pytest.raises(ValidationError, match="超过实到会人数7"):
        services.decision_record(actor=officer, topic=topic, nominee=decided["nominee"], agree=6, disagree=1,
                                 abstain=1, method=DecisionMethod.SECRET)
    services.decision_record(actor=officer, topic=topic, nominee=decided["nominee"], agree=6, disagree=1,
                             abstain=0, method=DecisionMethod.SECRET)


@pytest.mark.django_db
def test_the_numbers_are_data(officer: Any, decided: dict[str, Any]) -> None:
    # a deployment requiring 3/4 present: 6 of 9 is no longer a quorum
    rule = SelectionRule.objects.get(code="decision_quorum", effective_from=None)
    rule.params = {**rule.params, "numerator": 3, "denominator": 4}
    rule.save()
    topic = meeting_with(officer, decided["case"], present=6, absent=3)
    with pytest.raises(ValidationError, match="四分之三"):
        services.decision_record(actor=officer, topic=topic, nominee=decided["nominee"], agree=6, disagree=0,
                                 abstain=0, method=DecisionMethod.SECRET)


@pytest.mark.django_db
def test_members_fixed_once_decided_and_meetings_scoped(officer: Any, county: dict[str, Unit],
                                                        decided: dict[str, Any]) -> None:
    topic = meeting_with(officer, decided["case"], present=7, absent=0)
    meeting = topic.meeting
    services.meeting_member_set(actor=officer, meeting=meeting, members=members(6, 1))
    assert services.attendance(meeting) == (7, 6)
    services.decision_record(actor=officer, topic=topic, nominee=decided["nominee"], agree=6, disagree=0,
                             abstain=0, method=DecisionMethod.VOICE)
    with pytest.raises(ValidationError, match="不能再修改应到会"):
        services.meeting_member_set(actor=officer, meeting=meeting, members=members(7, 0))
    # another county's officer neither sees the meeting nor adds to it
    other = Unit.objects.create(name="邻县", path="邻县", depth=0)
    stranger = user_with_role("cadre_office", maintained=[other])
    assert not selectors.meetings_for(stranger).filter(pk=meeting.pk).exists()
    assert selectors.meetings_for(officer).filter(pk=meeting.pk).exists()
    with pytest.raises(PermissionDenied):
        services.topic_add(actor=stranger, meeting=meeting, case=decided["case"], title="x")
    with pytest.raises(PermissionDenied):
        services.decision_record(actor=stranger, topic=topic, nominee=decided["nominee"], agree=6, disagree=0,
                                 abstain=0, method=DecisionMethod.VOICE)


@pytest.mark.django_db
def test_person_cases_lists_every_case_of_the_person(officer: Any, county: dict[str, Unit],
                                                    decided: dict[str, Any], team: dict[str, Any]) -> None:
    second = services.case_create(actor=officer, title="东坑镇镇长选拔", unit=county["east"],
                                  started_on=dt.date(2026, 6, 1))
    services.nominee_add(actor=officer, case=second, person=team["candidate"])
    rows = person_case_rows(officer, team["candidate"])
    assert [row["case"].number for row in rows] == [second.number, decided["case"].number]
    assert rows[0]["part"] == "推荐人选"
    other = Unit.objects.create(name="邻县", path="邻县", depth=0)
    assert person_case_rows(user_with_role("cadre_office", maintained=[other]), team["candidate"]) == []


@pytest.mark.django_db
def test_a_later_failed_vote_undoes_an_earlier_pass(officer: Any, county: dict[str, Unit],
                                                    team: dict[str, Any]) -> None:
    from cadres.cases import rules
    from cadres.cases.models import NomineeStage, Step

    case = services.case_create(actor=officer, title="县水利局副局长人选", unit=county["water"],
                                started_on=dt.date(2026, 6, 1))
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"], stage=NomineeStage.PROPOSED)
    members = [(f"委员{i}", True, "") for i in range(9)]
    first = services.meeting_create(actor=officer, kind="standing", title="第1次", held_on=dt.date(2026, 8, 1),
                                    members=members)
    second = services.meeting_create(actor=officer, kind="standing", title="第2次", held_on=dt.date(2026, 8, 15),
                                     members=members)
    topic = services.topic_add(actor=officer, meeting=first, case=case, title="x")
    services.decision_record(actor=officer, topic=topic, nominee=nominee, agree=6, disagree=3, abstain=0,
                             decided_on=first.held_on)
    on = dt.date(2026, 9, 1)
    assert not [b for b in rules.transition_blockers(case, Step.PUBLICITY, on) if b.code == "decision_pass"]
    topic = services.topic_add(actor=officer, meeting=second, case=case, title="y")
    services.decision_record(actor=officer, topic=topic, nominee=nominee, agree=4, disagree=5, abstain=0,
                             decided_on=second.held_on)
    blockers = [b for b in rules.transition_blockers(case, Step.PUBLICITY, on) if b.code == "decision_pass"]
    assert blockers and "未通过" in blockers[0].message


@pytest.mark.django_db
def test_an_officer_does_not_add_to_a_meeting_with_another_units_cases(officer: Any, county: dict[str, Unit],
                                                                      team: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    from cadres.accounts.testing import user_with_role

    water_case = services.case_create(actor=officer, title="县水利局副局长人选", unit=county["water"],
                                      started_on=dt.date(2026, 6, 1))
    meeting = services.meeting_create(actor=officer, kind="standing", title="县委常委会", held_on=dt.date(2026, 8, 1),
                                      members=[("委员", True, "")])
    services.topic_add(actor=officer, meeting=meeting, case=water_case, title="县水利局")
    east_officer = user_with_role("cadre_office", maintained=[county["east"]])
    east_case = services.case_create(actor=east_officer, title="东坑镇副镇长人选", unit=county["east"],
                                     started_on=dt.date(2026, 6, 1))
    # he sees the meeting only if it has his cases: it does not, so it is out of his reach
    with pytest.raises(PermissionDenied):
        services.topic_add(actor=east_officer, meeting=meeting, case=east_case, title="东坑镇")
    # the county officer adds his case; the east officer still may not change the meeting
    services.topic_add(actor=officer, meeting=meeting, case=east_case, title="东坑镇")
    with pytest.raises(PermissionDenied):
        services.meeting_update(actor=east_officer, meeting=meeting, minutes="改写纪要")
    meeting.refresh_from_db()
    assert meeting.minutes == ""
