"""公开选拔 and 竞争上岗: conditions at their boundaries, the override, scores, the waived
written test within and after the valid years, ties in the ranking, the conclusion through the
post services (提拔 / 转任 / 重新任命, 落选), the Excel import all or nothing, and the pages with
their scope."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cadres.accounts.testing import person_in, sign_in, user_with_role
from cadres.audit.models import AuditEvent
from cadres.cases import competition as services
from cadres.cases.models import (
    Applicant,
    ApplicantStatus,
    CaseKind,
    CompetitionKind,
    Movement,
    Nominee,
    NomineeStage,
    SelectionCase,
)
from cadres.cases.services import case_create
from cadres.org.models import Assignment, Unit
from cadres.people.models import Person

pytestmark = pytest.mark.django_db

ANNOUNCED = dt.date(2024, 3, 1)


def new_case(actor: Any, unit: Unit, kind: str = CaseKind.COMPETITIVE, title: str = "中层竞争上岗") -> SelectionCase:
    return case_create(actor=actor, title=title, kind=kind, unit=unit, started_on=dt.date(2024, 2, 1))


def new_competition(actor: Any, unit: Unit, *, kind: str = CompetitionKind.COMPETITIVE,
                    announced_on: dt.date = ANNOUNCED, ratio: Any = 1) -> Any:
    case = new_case(actor, unit, kind=CaseKind.OPEN if kind == CompetitionKind.OPEN else CaseKind.COMPETITIVE)
    return services.competition_create(actor=actor, case=case, kind=kind, announced_on=announced_on,
                                       written_weight="0.4", interview_weight="0.6", inspection_ratio=ratio)


def add_post(actor: Any, competition: Any, unit: Unit, title: str = "办公室主任", *, rank: str = "0142",
             conditions: dict[str, Any] | None = None, incumbents: Any = (), openings: int = 1) -> Any:
    return services.competition_post_add(actor=actor, competition=competition, unit=unit, title=title, rank=rank,
                                         openings=openings, conditions=conditions or {}, incumbents=incumbents)


def apply(actor: Any, post: Any, person: Person, written: Any = None, interview: Any = None, **kw: Any) -> Applicant:
    applicant = services.applicant_register(actor=actor, post=post, person=person)
    applicant = services.applicant_review(actor=actor, applicant=applicant)
    if interview is not None:
        applicant = services.applicant_scores_set(actor=actor, applicant=applicant, written=written,
                                                  interview=interview, **kw)
    return applicant


def staff(unit: Unit, name: str, **fields: Any) -> Person:
    values = {"post_title": "科员", "rank": "0150", "post_started_on": dt.date(2018, 1, 1),
              "birth_date": dt.date(1990, 1, 1), "work_started_on": dt.date(2012, 7, 1),
              "full_time_education": "20"}
    values.update(fields)
    return person_in(unit, name, **values)


# --- creation -----------------------------------------------------------------------------------


def test_weights_must_sum_to_one(county: dict[str, Unit], officer: Any) -> None:
    case = new_case(officer, county["water"])
    with pytest.raises(ValidationError, match="之和应为1"):
        services.competition_create(actor=officer, case=case, kind=CompetitionKind.COMPETITIVE,
                                    announced_on=ANNOUNCED, written_weight="0.5", interview_weight="0.6")
    competition = services.competition_create(actor=officer, case=case, kind=CompetitionKind.COMPETITIVE,
                                              announced_on=ANNOUNCED, written_weight="0.3", interview_weight="0.7")
    assert competition.written_weight == Decimal("0.3")
    event = AuditEvent.objects.filter(action="competition.created").get()
    assert (event.subject_type, event.subject_id) == ("cases.selectioncase", str(case.pk))


def test_a_post_makes_the_case_post_and_checks_conditions(county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"])
    with pytest.raises(ValidationError, match="学历代码"):
        add_post(officer, competition, county["water"], conditions={"min_education": "99"})
    with pytest.raises(ValidationError, match="未知的报名条件"):
        add_post(officer, competition, county["water"], conditions={"height": 180})
    post = add_post(officer, competition, county["water"], conditions={"max_age": "40", "ranks": ["0150"],
                                                                      "team_member": True})
    assert post.conditions == {"max_age": 40, "ranks": ["0150"], "team_member": True}
    case_post = competition.case.posts.get()
    assert (case_post.title, case_post.is_team_member) == ("办公室主任", True)


def test_east_clerk_may_not_write(county: dict[str, Unit], officer: Any, east_clerk: Any) -> None:
    competition = new_competition(officer, county["water"])
    with pytest.raises(PermissionDenied):
        add_post(east_clerk, competition, county["water"])


# --- review -------------------------------------------------------------------------------------


def test_age_exactly_at_the_limit_passes_and_a_year_over_fails(county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"])
    post = add_post(officer, competition, county["water"], conditions={"max_age": 40})
    forty = staff(county["water"], "满四十", birth_date=dt.date(1983, 3, 2))        # 40 on 2024.03.01
    turns_41 = staff(county["water"], "刚满四十一", birth_date=dt.date(1983, 3, 1))  # 41 that day
    assert apply(officer, post, forty).status == ApplicantStatus.ELIGIBLE
    refused = apply(officer, post, turns_41)
    assert refused.status == ApplicantStatus.INELIGIBLE
    assert refused.eligibility_notes == "年龄41岁，超过40岁"


def test_education_is_the_highest_of_both(county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"])
    post = add_post(officer, competition, county["water"], conditions={"min_education": "20"})
    college = staff(county["water"], "大专", full_time_education="30")
    later = staff(county["water"], "在职本科", full_time_education="30", in_service_education="20")
    refused = apply(officer, post, college)
    assert refused.eligibility_notes == "最高学历为大学专科，要求大学本科以上"
    assert apply(officer, post, later).status == ApplicantStatus.ELIGIBLE


def test_rank_and_years_in_rank(county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"])
    post = add_post(officer, competition, county["water"], conditions={"ranks": ["0150"], "min_years_in_rank": 2,
                                                                      "min_working_years": 5})
    two_years = staff(county["water"], "满两年", post_started_on=dt.date(2022, 3, 1))
    a_day_short = staff(county["water"], "差一天", post_started_on=dt.date(2022, 3, 2))
    deputy = staff(county["water"], "副科", rank="0142")
    young = staff(county["water"], "新人", work_started_on=dt.date(2019, 3, 2))
    assert apply(officer, post, two_years).status == ApplicantStatus.ELIGIBLE
    assert "任现职务层次1年（2022.03起），不满2年" in apply(officer, post, a_day_short).eligibility_notes
    assert "现任职务层次为副科级，不在报名范围（科员）" in apply(officer, post, deputy).eligibility_notes
    assert apply(officer, post, young).eligibility_notes == "工作4年，不满5年"


def test_the_officer_may_override_with_a_reason(county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"])
    post = add_post(officer, competition, county["water"], conditions={"max_age": 30})
    person = staff(county["water"], "超龄")
    applicant = services.applicant_register(actor=officer, post=post, person=person)
    with pytest.raises(ValidationError, match="须填写理由"):
        services.applicant_review(actor=officer, applicant=applicant, eligible=True)
    applicant = services.applicant_review(actor=officer, applicant=applicant, eligible=True, notes="经部务会研究放宽")
    assert applicant.status == ApplicantStatus.ELIGIBLE
    assert applicant.eligibility_notes == "年龄34岁，超过30岁；经审查认定符合：经部务会研究放宽"
    with pytest.raises(ValidationError, match="已报名"):
        services.applicant_register(actor=officer, post=post, person=person)


# --- scores -------------------------------------------------------------------------------------


def test_scores_between_0_and_100(county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"])
    post = add_post(officer, competition, county["water"])
    applicant = apply(officer, post, staff(county["water"], "甲"))
    with pytest.raises(ValidationError, match="面试成绩100.01不在0至100之间"):
        services.applicant_scores_set(actor=officer, applicant=applicant, written=90, interview="100.01")
    with pytest.raises(ValidationError, match="笔试成绩“abc”不是有效的数字"):
        services.applicant_scores_set(actor=officer, applicant=applicant, written="abc", interview=90)
    done = services.applicant_scores_set(actor=officer, applicant=applicant, written=0, interview=100)
    assert (done.written_score, done.interview_score) == (0, 100)


def _open_selection_score(officer: Any, unit: Unit, person: Person, announced_on: dt.date) -> None:
    earlier = new_competition(officer, unit, kind=CompetitionKind.OPEN, announced_on=announced_on)
    post = add_post(officer, earlier, unit, "副局长")
    apply(officer, post, person, written="88.50", interview=70)


@pytest.mark.parametrize(("earlier_on", "allowed"), [
    (dt.date(2022, 3, 2), True),    # one day less than two years before
    (dt.date(2022, 3, 1), False),   # exactly two years: expired
])
def test_written_test_waived_within_two_years(county: dict[str, Unit], officer: Any, earlier_on: dt.date,
                                             allowed: bool) -> None:
    person = staff(county["water"], "考过")
    _open_selection_score(officer, county["west"], person, earlier_on)
    competition = new_competition(officer, county["water"])
    post = add_post(officer, competition, county["water"])
    applicant = apply(officer, post, person)
    if allowed:
        done = services.applicant_scores_set(actor=officer, applicant=applicant, written=None, interview=80,
                                             written_waived=True)
        assert (done.written_score, done.written_waived) == (Decimal("88.50"), True)
    else:
        with pytest.raises(ValidationError, match="近2年内没有公开选拔笔试成绩"):
            services.applicant_scores_set(actor=officer, applicant=applicant, written=None, interview=80,
                                          written_waived=True)


# --- ranking ------------------------------------------------------------------------------------


def test_ties_go_to_the_interview_then_written_then_registration(county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"], ratio=2)
    post = add_post(officer, competition, county["water"])
    written_high = apply(officer, post, staff(county["water"], "笔试高"), 95, 80)     # 38 + 48 = 86
    interview_high = apply(officer, post, staff(county["water"], "面试高"), 80, 90)   # 32 + 54 = 86
    same_first = apply(officer, post, staff(county["water"], "先报名"), 70, 70)      # 70
    same_later = apply(officer, post, staff(county["water"], "后报名"), 70, 70)      # 70
    services.competition_rank(actor=officer, competition=competition)
    ranked = Applicant.objects.filter(post=post).order_by("rank_in_post")
    order = list(ranked.values_list("pk", "total_score", "status"))
    assert order == [
        (interview_high.pk, Decimal("86.000"), ApplicantStatus.INSPECTED),
        (written_high.pk, Decimal("86.000"), ApplicantStatus.INSPECTED),   # 考察比例 1:2
        (same_first.pk, Decimal("70.000"), ApplicantStatus.RANKED),
        (same_later.pk, Decimal("70.000"), ApplicantStatus.RANKED),
    ]


def test_totals_have_three_places_and_unscored_stop_the_ranking(county: dict[str, Unit], officer: Any) -> None:
    case = new_case(officer, county["water"])
    competition = services.competition_create(actor=officer, case=case, kind=CompetitionKind.COMPETITIVE,
                                              announced_on=ANNOUNCED, written_weight="0.35", interview_weight="0.65")
    post = add_post(officer, competition, county["water"], conditions={"min_total": 80})
    scored = apply(officer, post, staff(county["water"], "甲"), "81.33", "79.17")
    unscored = apply(officer, post, staff(county["water"], "乙"))
    with pytest.raises(ValidationError, match="乙（办公室主任）"):
        services.competition_rank(actor=officer, competition=competition)
    services.applicant_scores_set(actor=officer, applicant=unscored, written=60, interview=60)
    services.competition_rank(actor=officer, competition=competition)
    scored.refresh_from_db()
    # 81.33 × 0.35 + 79.17 × 0.65 = 28.4655 + 51.4605 = 79.926: below 80, not inspected.
    assert (scored.total_score, scored.status) == (Decimal("79.926"), ApplicantStatus.RANKED)


# --- conclusion ---------------------------------------------------------------------------------


def test_conclusion_appoints_and_moves_incumbents_off(county: dict[str, Unit], officer: Any) -> None:
    water, west = county["water"], county["west"]
    competition = new_competition(officer, water)
    kept = staff(water, "连任", post_title="办公室主任", rank="0142")
    loser = staff(water, "落选者", post_title="财务股股长", rank="0142")
    mover = staff(water, "转任者", post_title="人事股股长", rank="0142")
    office = add_post(officer, competition, water, "办公室主任", incumbents=[kept])
    finance = add_post(officer, competition, water, "财务股股长", incumbents=[loser])
    planning = add_post(officer, competition, west, "规划股股长")
    personnel = add_post(officer, competition, water, "人事股股长", incumbents=[mover])
    challenger = staff(water, "挑战者")
    apply(officer, office, kept, 90, 90)
    apply(officer, office, staff(water, "陪跑"), 70, 70)
    apply(officer, finance, loser, 60, 60)
    apply(officer, finance, challenger, 90, 90)
    apply(officer, planning, mover, 90, 90)
    services.competition_rank(actor=officer, competition=competition)
    result = services.competition_conclude(actor=officer, competition=competition,
                                           appointed_on=dt.date(2024, 5, 6), document="青组干〔2024〕1号")
    movements = {nominee.person.name: nominee.movement for nominee in result.appointed}
    assert movements == {"连任": Movement.OTHER, "挑战者": Movement.PROMOTION, "转任者": Movement.TRANSFER}
    # The incumbent of 人事股 went to another post: not 落选. The 财务股 one is.
    assert [person.name for person in result.not_reappointed] == ["落选者"]
    ended = Assignment.objects.get(person=loser, title="财务股股长")
    assert (ended.ended_on, ended.end_document) == (dt.date(2024, 5, 6), "青组干〔2024〕1号")
    assert AuditEvent.objects.filter(action="post.ended", subject_id=str(loser.pk),
                                     changes__reason="竞争上岗落选").exists()
    challenger.refresh_from_db()
    assert (challenger.post_title, challenger.rank, challenger.is_team_member) == ("财务股股长", "0142", False)
    nominee = Nominee.objects.get(case=competition.case, person=challenger)
    assert nominee.post is not None
    assert (nominee.stage, nominee.appointed_on, nominee.post.title) == (
        NomineeStage.APPOINTED, dt.date(2024, 5, 6), "财务股股长")
    assert nominee.assignment == Assignment.objects.get(person=challenger, ended_on__isnull=True)
    statuses = dict(Applicant.objects.filter(post__competition=competition).values_list("person__name", "status"))
    assert statuses["陪跑"] == ApplicantStatus.NOT_APPOINTED and statuses["落选者"] == ApplicantStatus.NOT_APPOINTED
    assert personnel.applicants.count() == 0
    with pytest.raises(ValidationError, match="已完成任职"):
        services.competition_rank(actor=officer, competition=competition)


# --- the scores sheet ---------------------------------------------------------------------------


def _sheet(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(services.SHEET_HEADER))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_scores_sheet_is_all_or_nothing(county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"])
    post = add_post(officer, competition, county["water"])
    first = apply(officer, post, staff(county["water"], "甲"))
    second = apply(officer, post, staff(county["water"], "乙"))
    template = load_workbook(io.BytesIO(services.scores_sheet(competition))).active
    assert template is not None
    assert [row[0] for row in template.iter_rows(min_row=2, values_only=True)] == [first.pk, second.pk]
    bad = _sheet([[first.pk, "", "", "甲", 80, 85, ""], [second.pk, "", "", "乙", 80, 101, ""]])
    with pytest.raises(ValidationError) as raised:
        services.applicant_scores_set_many(actor=officer, competition=competition,
                                           rows=services.scores_from_sheet(competition, bad))
    assert raised.value.messages == ["第3行“面试成绩”：面试成绩101不在0至100之间"]
    wrong_name = _sheet([[first.pk, "", "", "乙", 80, 85, ""]])
    with pytest.raises(ValidationError, match="第2行“姓名”乙与报名编号"):
        services.scores_from_sheet(competition, wrong_name)
    good = _sheet([[first.pk, "", "", "甲", 80, 85, ""], [second.pk, "", "", "乙", "79.5", 90, ""]])
    done = services.applicant_scores_set_many(actor=officer, competition=competition,
                                              rows=services.scores_from_sheet(competition, good))
    assert done == 2
    second.refresh_from_db()
    assert (second.written_score, second.interview_score) == (Decimal("79.5"), 90)


# --- pages --------------------------------------------------------------------------------------


def test_pages_walk_through(client: Any, county: dict[str, Unit], officer: Any) -> None:
    water = county["water"]
    case = new_case(officer, water)
    sign_in(client, officer)
    page = client.get(reverse("cases:competition_detail", args=[case.pk]))
    assert page.status_code == 200 and "新建竞聘安排" in page.content.decode()
    response = client.post(reverse("cases:competition_create", args=[case.pk]), {
        "kind": "competitive", "announced_on": "2024-03-01", "written_weight": "0.5", "interview_weight": "0.6",
        "inspection_ratio": "1", "results_valid_years": "2"})
    assert response.status_code == 400 and "笔试权重与面试权重之和应为1" in response.content.decode()
    client.post(reverse("cases:competition_create", args=[case.pk]), {
        "kind": "competitive", "announced_on": "2024-03-01", "written_weight": "0.4", "interview_weight": "0.6",
        "inspection_ratio": "1", "results_valid_years": "2"})
    competition = services.competition_for(case)
    assert competition is not None
    incumbent = staff(water, "原主任", post_title="办公室主任", rank="0142")
    response = client.post(reverse("cases:competition_post_add", args=[case.pk]) + "?q=原主任", {
        "unit": water.pk, "title": "办公室主任", "rank": "0142", "openings": "1", "max_age": "40",
        "min_education": "30", "ranks": ["0150", "0142"], "incumbents": [incumbent.pk]})
    assert response.status_code == 302
    post = competition.posts.get()
    assert post.conditions == {"max_age": 40, "min_education": "30", "ranks": ["0142", "0150"]}
    assert list(post.incumbents.all()) == [incumbent]
    young = staff(water, "年轻人")
    old = staff(water, "年长者", birth_date=dt.date(1970, 1, 1))
    for person in (incumbent, young, old):
        response = client.post(reverse("cases:competition_register", args=[case.pk]),
                               {"post": post.pk, "person": person.pk})
        assert response.status_code == 302
    review = client.get(reverse("cases:competition_review", args=[case.pk])).content.decode()
    assert "自动审查：年龄54岁，超过40岁" in review
    client.post(reverse("cases:competition_review_all", args=[case.pk]))
    assert Applicant.objects.get(person=old).status == ApplicantStatus.INELIGIBLE
    applicants = {a.person_id: a for a in Applicant.objects.filter(post=post)}
    a1, a2 = applicants[incumbent.pk], applicants[young.pk]
    response = client.post(reverse("cases:competition_scores", args=[case.pk]), {
        f"written_{a1.pk}": "70", f"interview_{a1.pk}": "70", f"written_{a2.pk}": "90", f"interview_{a2.pk}": "120"})
    assert response.status_code == 400
    assert "办公室主任 年轻人：面试成绩120不在0至100之间" in response.content.decode()
    assert Applicant.objects.get(pk=a1.pk).interview_score is None   # all or nothing
    client.post(reverse("cases:competition_scores", args=[case.pk]), {
        f"written_{a1.pk}": "70", f"interview_{a1.pk}": "70", f"written_{a2.pk}": "90", f"interview_{a2.pk}": "92"})
    client.post(reverse("cases:competition_rank", args=[case.pk]))
    ranking = client.get(reverse("cases:competition_ranking", args=[case.pk])).content.decode()
    assert "91.200" in ranking and "考察对象" in ranking
    response = client.post(reverse("cases:competition_conclude", args=[case.pk]),
                           {"appointed_on": "2024-05-06", "document": "青组干〔2024〕2号"})
    assert response.status_code == 302
    detail = client.get(reverse("cases:competition_detail", args=[case.pk])).content.decode()
    assert "落选的原任人员：原主任" in detail
    sheet = client.get(reverse("cases:competition_scores_template", args=[case.pk]))
    assert sheet.status_code == 200


def test_the_import_page_names_row_and_column(client: Any, county: dict[str, Unit], officer: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    competition = new_competition(officer, county["water"])
    post = add_post(officer, competition, county["water"])
    first = apply(officer, post, staff(county["water"], "甲"))
    second = apply(officer, post, staff(county["water"], "乙"))
    sign_in(client, officer)
    url = reverse("cases:competition_scores_import", args=[competition.case.pk])
    bad = _sheet([[first.pk, "", "", "甲", 80, 85, ""], [second.pk, "", "", "乙", "八十", 90, ""]])
    response = client.post(url, {"file": SimpleUploadedFile("成绩.xlsx", bad)}, follow=True)
    assert "第3行“笔试成绩”：笔试成绩“八十”不是有效的数字" in response.content.decode()
    assert Applicant.objects.get(pk=first.pk).interview_score is None
    good = _sheet([[first.pk, "", "", "甲", 80, 85, ""], [second.pk, "", "", "乙", 81, 90, ""]])
    response = client.post(url, {"file": SimpleUploadedFile("成绩.xlsx", good)}, follow=True)
    assert "已导入2人的成绩" in response.content.decode()
    assert Applicant.objects.get(pk=second.pk).written_score == 81


def test_scope_east_clerk_403_and_other_unit_404(client: Any, county: dict[str, Unit], officer: Any,
                                                  east_clerk: Any) -> None:
    competition = new_competition(officer, county["water"])
    case = competition.case
    sign_in(client, east_clerk)
    assert client.get(reverse("cases:competition_detail", args=[case.pk])).status_code == 403
    east_officer = user_with_role("cadre_office", maintained=[county["east"]])
    sign_in(client, east_officer)
    for name in ("competition_detail", "competition_review", "competition_ranking", "competition_scores"):
        assert client.get(reverse(f"cases:{name}", args=[case.pk])).status_code == 404, name
    assert client.post(reverse("cases:competition_rank", args=[case.pk])).status_code == 404


def test_the_case_page_links_the_competition(client: Any, county: dict[str, Unit], officer: Any) -> None:
    competition = new_competition(officer, county["water"])
    add_post(officer, competition, county["water"])
    sign_in(client, officer)
    page = client.get(reverse("cases:case_detail", args=[competition.case.pk])).content.decode()
    assert 'id="competition-link"' in page and "竞聘职位1个" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ranking_and_scores_pages_in_the_browser(signed_in_page: Any, live_server: Any) -> None:
    from pathlib import Path

    from playwright.sync_api import expect

    screenshots = Path(__file__).resolve().parents[3] / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=top, depth=1)
    competition = new_competition(None, water, ratio=1)
    kept = staff(water, "原主任", post_title="办公室主任", rank="0142")
    post = add_post(None, competition, water, conditions={"max_age": 40, "min_education": "20"}, incumbents=[kept])
    apply(None, post, kept, 80, 85)
    apply(None, post, staff(water, "挑战者"), 90, 88)
    apply(None, post, staff(water, "年长者", birth_date=dt.date(1970, 5, 1)))
    apply(None, post, staff(water, "待录入"))
    page = signed_in_page
    case = competition.case
    page.goto(live_server.url + reverse("cases:competition_scores", args=[case.pk]))
    page.get_by_label("待录入笔试成绩").fill("75")
    page.get_by_label("待录入面试成绩").fill("101")
    page.get_by_role("button", name="保存成绩").click()
    expect(page.locator("#score-errors")).to_contain_text("面试成绩101不在0至100之间")
    page.screenshot(path=str(screenshots / "competition_scores_error.png"), full_page=True)
    page.get_by_label("待录入面试成绩").fill("70")
    page.get_by_role("button", name="保存成绩").click()
    expect(page.locator(".message-success")).to_contain_text("已保存")
    page.goto(live_server.url + reverse("cases:competition_review", args=[case.pk]))
    expect(page.locator("#review-list")).to_contain_text("年龄53岁，超过40岁")
    page.screenshot(path=str(screenshots / "competition_review.png"), full_page=True)
    page.goto(live_server.url + reverse("cases:competition_ranking", args=[case.pk]))
    page.get_by_role("button", name="计算综合排名").click()
    table = page.locator(f"#ranking-{post.pk} tbody tr")
    expect(table.nth(0)).to_contain_text("挑战者")
    expect(table.nth(0)).to_contain_text("88.800")
    expect(table.nth(0)).to_contain_text("考察对象")
    page.screenshot(path=str(screenshots / "competition_ranking.png"), full_page=True)
    page.goto(live_server.url + reverse("cases:competition_conclude", args=[case.pk]))
    page.get_by_label("任职日期").fill("2024-05-06")
    page.get_by_label("任职文号").fill("青组干〔2024〕3号")
    page.get_by_role("button", name="任职").click()
    expect(page.locator("#not-reappointed")).to_contain_text("原主任")
    page.screenshot(path=str(screenshots / "competition_detail.png"), full_page=True)


def test_a_conclusion_with_nobody_appointed_still_moves_the_incumbent_off(county: dict[str, Unit],
                                                                          officer: Any) -> None:
    water = county["water"]
    competition = new_competition(officer, water)
    incumbent = staff(water, "原股长", post_title="财务股股长", rank="0142")
    post = add_post(officer, competition, water, "财务股股长", conditions={"min_total": 80}, incumbents=[incumbent])
    apply(officer, post, incumbent, 70, 70)
    services.competition_rank(actor=officer, competition=competition)
    result = services.competition_conclude(actor=officer, competition=competition,
                                           appointed_on=dt.date(2024, 5, 6), document="青组干〔2024〕4号")
    assert (result.appointed, result.not_reappointed) == ([], [incumbent])
    assert services.is_concluded(competition)
    assert services.not_reappointed(competition) == [incumbent]
    with pytest.raises(ValidationError, match="已完成任职"):
        services.competition_conclude(actor=officer, competition=competition,
                                      appointed_on=dt.date(2024, 5, 7), document="青组干〔2024〕5号")
