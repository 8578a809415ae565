"""Reserve pools: targets at their boundaries, the reserve table, unused reserves, members and
the 后备干部 mirror, the roster's 后备干部 column, scope, training records, matching."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in
from cadres.audit.models import AuditEvent
from cadres.people.models import Person
from cadres.records.models import AnnualAssessment, Training
from cadres.reserves import selectors, services, training
from cadres.reserves.matching import matching
from cadres.reserves.models import ReserveMember, ReservePool, ReserveSource, ReserveStatus, ReserveTarget
from cadres.reserves.tests.conftest import ON

pytestmark = pytest.mark.django_db
ORG = ReserveSource.ORGANIZATION


def _pool(name="正科级后备干部", **fields):
    return services.pool_create(actor=None, name=name, **fields)


def _add(pool, person, on=dt.date(2025, 1, 1)):
    return services.member_add(actor=None, pool=pool, person=person, source=ORG, nominated_on=on)


def _figure(structure, measure, age=None):
    return next(f for f in structure.targets if f.target.measure == measure and f.target.age == age)


# --- targets at their boundaries ------------------------------------------------------------


def test_exactly_30_percent_under_35_meets_and_one_less_does_not(make_person):
    pool = _pool(posts=5)
    young = [make_person(age=35) for _ in range(3)]  # 35 on ON: counts as 35岁以下
    old = [make_person(age=36) for _ in range(7)]
    for person in young + old:
        _add(pool, person)
    figure = _figure(selectors.pool_structure(pool, ON), ReserveTarget.Measure.AGE_AT_MOST, 35)
    assert (figure.count, figure.total, figure.percent, figure.met) == (3, 10, 30.0, True)
    services.member_remove(actor=None, member=ReserveMember.objects.get(person=young[0]), left_on=ON,
                           reason="调离")
    # left on ON: not a member on ON
    figure = _figure(selectors.pool_structure(pool, ON), ReserveTarget.Measure.AGE_AT_MOST, 35)
    assert (figure.count, figure.total, figure.met) == (2, 9, False)
    # still a member the day before
    figure = _figure(selectors.pool_structure(pool, ON - dt.timedelta(days=1)), ReserveTarget.Measure.AGE_AT_MOST, 35)
    assert (figure.count, figure.total, figure.met) == (3, 10, True)


def test_women_non_party_and_under_30_at_their_thresholds(make_person):
    pool = _pool(posts=5)
    people = [make_person(age=30, sex="2", political_status="13")]  # 30岁, 女, 党外
    people += [make_person(age=31, sex="2")]
    people += [make_person(age=40) for _ in range(8)]
    for person in people:
        _add(pool, person)
    structure = selectors.pool_structure(pool, ON)
    under_30 = _figure(structure, ReserveTarget.Measure.AGE_AT_MOST, 30)
    women = _figure(structure, ReserveTarget.Measure.WOMEN)
    non_party = _figure(structure, ReserveTarget.Measure.NON_PARTY)
    assert (under_30.count, under_30.percent, under_30.met) == (1, 10.0, True)
    assert (women.count, women.percent, women.met) == (2, 20.0, True)
    assert (non_party.count, non_party.percent, non_party.met) == (1, 10.0, True)
    _add(pool, make_person(age=50))  # 11 members: 1/11, 2/11 fall short
    structure = selectors.pool_structure(pool, ON)
    assert _figure(structure, ReserveTarget.Measure.AGE_AT_MOST, 30).met is False
    assert _figure(structure, ReserveTarget.Measure.WOMEN).met is False
    assert _figure(structure, ReserveTarget.Measure.WOMEN).percent == 18.18


def test_posts_ratio_exactly_twice_meets(make_person):
    pool = _pool(posts=3)
    for _ in range(6):
        _add(pool, make_person())
    ratio = _figure(selectors.pool_structure(pool, ON), ReserveTarget.Measure.POSTS_RATIO)
    assert ratio.met is True and selectors.pool_structure(pool, ON).ratio == 2.0
    pool = services.pool_update(actor=None, pool=pool, posts=4)
    structure = selectors.pool_structure(pool, ON)
    assert _figure(structure, ReserveTarget.Measure.POSTS_RATIO).met is False and structure.ratio == 1.5


def test_posts_from_the_approved_team_posts_of_the_rank(county, make_person):
    principal = _pool("正科级后备", rank="0141", unit=county["top"])
    deputy = _pool("副科级后备", rank="0142", unit=county["top"])
    assert selectors.pool_posts(principal, ON) == 3  # 2 + 1 principal posts below the county
    assert selectors.pool_posts(deputy, ON) == 5
    assert selectors.pool_posts(_pool("无层次"), ON) is None
    assert _figure(selectors.pool_structure(_pool("空库"), ON), ReserveTarget.Measure.POSTS_RATIO).met is None


def test_target_set_replaces_and_refuses_a_negative_threshold(make_person):
    pool = _pool()
    services.target_set(actor=None, pool=pool, targets=[("women", None, 25)])
    assert [(t.measure, t.threshold) for t in pool.targets.all()] == [("women", Decimal("25.00"))]
    with pytest.raises(ValidationError):
        services.target_set(actor=None, pool=pool, targets=[("women", None, -1)])
    assert pool.targets.count() == 1


# --- the documents' reserve table -----------------------------------------------------------


def test_reserve_table_reproduces_the_documents_shape(make_person):
    # 正科级: 10 members, posts 5 — 35岁以下 4 (40%), 其中30岁以下 1 (10%), 女 2 (20%), 党外 1 (10%), 2.00
    principal = _pool("正科级后备干部", posts=5)
    for age, sex, party in [(29, "2", "13"), (33, "1", "01"), (34, "2", "01"), (35, "1", "01")] + \
            [(45, "1", "01")] * 6:
        _add(principal, make_person(age=age, sex=sex, political_status=party))
    # 副科级: 8 members, posts 5 — 35岁以下 2 (25%: unmet), 30岁以下 0 (unmet), 女 1 (12.5%: unmet),
    # 党外 0 (unmet), 1.60 (unmet)
    deputy = _pool("副科级后备干部", posts=5)
    for age, sex in [(31, "1"), (32, "2")] + [(40, "1")] * 6:
        _add(deputy, make_person(age=age, sex=sex))
    rows = selectors.reserve_table(ReservePool.objects.order_by("name"), ON)
    cells = [[row["label"], row["total"], *[(s.count, s.percent, s.met) for s in row["shares"]],
              row["posts"], row["ratio"], row["ratio_figure"].met] for row in rows]
    assert cells == [
        ["副科级后备干部", 8, (2, 25.0, False), (0, 0.0, False), (1, 12.5, False), (0, 0.0, False), 5, 1.6, False],
        ["正科级后备干部", 10, (4, 40.0, True), (1, 10.0, True), (2, 20.0, True), (1, 10.0, True), 5, 2.0, True],
        ["合计", 18, (6, 33.33, None), (1, 5.56, None), (3, 16.67, None), (1, 5.56, None), 10, 1.8, None],
    ]
    assert selectors.table_sheet_rows(rows)[1] == [
        "正科级后备干部", 10, 4, "40.00%", 1, "10.00%", 2, "20.00%", 1, "10.00%", 5, "2.00"]


def test_reserve_table_page_marks_unmet_red_and_exports_xlsx(client, officer, make_person):
    import io

    from openpyxl import load_workbook

    pool = _pool("副科级后备干部", posts=5)
    _add(pool, make_person(age=40))
    sign_in(client, officer)
    html = client.get(reverse("reserves:pool_list"), {"on": ON.isoformat()}).content.decode()
    assert "副科级后备干部" in html and html.count('badge-bad">未达标') == 5
    response = client.get(reverse("reserves:pool_list"), {"on": ON.isoformat(), "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == selectors.TABLE_HEADER
    assert rows[1] == ["副科级后备干部", 1, 0, "0.00%", 0, "0.00%", 0, "0.00%", 0, "0.00%", 5, "0.20"]


# --- unused -----------------------------------------------------------------------------------


def test_unused_flagged_at_exactly_n_years(make_person):
    pool = _pool(unused_years=3)
    member = _add(pool, make_person(), on=dt.date(2023, 6, 30))
    assert not selectors.is_unused(member, dt.date(2026, 6, 29))
    assert selectors.is_unused(member, dt.date(2026, 6, 30))
    findings = [f for f in selectors.reserve_findings(dt.date(2026, 6, 30)) if f.kind == "reserve_unused"]
    assert [(f.person_id, f.due_on, f.rule_code) for f in findings] == [
        (member.person_id, dt.date(2026, 6, 30), "reserve_unused")]
    services.member_used(actor=None, member=member, used_on=dt.date(2026, 7, 1))
    assert not [f for f in selectors.reserve_findings(dt.date(2026, 7, 2)) if f.kind == "reserve_unused"]


def test_findings_name_the_missed_targets(make_person):
    pool = _pool(posts=1)
    _add(pool, make_person(age=40))
    _add(pool, make_person(age=41))
    kinds = sorted(f.key for f in selectors.reserve_findings(ON) if f.kind == "reserve_target")
    assert kinds == [f"reserve_target:{pool.pk}:age_at_most:30", f"reserve_target:{pool.pk}:age_at_most:35",
                     f"reserve_target:{pool.pk}:non_party:", f"reserve_target:{pool.pk}:women:"]


# --- members and the mirror -------------------------------------------------------------------


def test_member_add_review_remove_and_the_mirror(make_person):
    first, second = _pool("甲库"), _pool("乙库")
    person = make_person()
    member = _add(first, person)
    assert Person.objects.get(pk=person.pk).reserve_pool == "甲库"
    with pytest.raises(ValidationError):
        _add(first, person)
    other = _add(second, person, on=dt.date(2025, 2, 1))
    assert Person.objects.get(pk=person.pk).reserve_pool == "乙库"
    services.member_review(actor=None, member=member, reviewed_on=dt.date(2026, 1, 5), outcome="继续保留")
    assert ReserveMember.objects.get(pk=member.pk).last_reviewed_on == dt.date(2026, 1, 5)
    with pytest.raises(ValidationError) as refused:
        services.member_remove(actor=None, member=other, left_on=ON, reason="  ")
    assert "出库原因" in str(refused.value)
    services.member_remove(actor=None, member=other, left_on=ON, reason="调离本县")
    assert Person.objects.get(pk=person.pk).reserve_pool == "甲库"  # another active pool
    services.member_used(actor=None, member=member, used_on=ON)
    assert Person.objects.get(pk=person.pk).reserve_pool == ""
    assert ReserveMember.objects.get(pk=member.pk).status == ReserveStatus.USED
    mirror = AuditEvent.objects.filter(subject_id=str(person.pk), action="person.updated").order_by("id")
    assert [e.changes["reserve_pool"] for e in mirror] == [
        ["", "甲库"], ["甲库", "乙库"], ["乙库", "甲库"], ["甲库", ""]]
    assert AuditEvent.objects.filter(subject_id=str(person.pk), action="reserve.removed").count() == 1
    with pytest.raises(ValidationError):
        services.member_review(actor=None, member=member, reviewed_on=ON, outcome="保留")


def test_renaming_a_pool_renames_the_mirror(make_person):
    pool = _pool("甲库")
    person = make_person()
    _add(pool, person)
    services.pool_update(actor=None, pool=pool, name="正科级后备")
    assert Person.objects.get(pk=person.pk).reserve_pool == "正科级后备"


def test_person_form_shows_pools_read_only_and_update_no_longer_writes_the_field(make_person):
    from cadres.people.person_forms import PersonFieldsForm
    from cadres.people.services import person_update

    person = make_person()
    _add(_pool("甲库"), person)
    form = PersonFieldsForm(person=person)
    assert form.fields["reserve_pool"].disabled and form.initial["reserve_pool"] == "甲库"
    assert "/reserves/" in str(form.fields["reserve_pool"].help_text)
    with pytest.raises(ValueError):
        person_update(actor=None, person=person, changes={"reserve_pool": "别的"})


# --- roster import ------------------------------------------------------------------------------


def test_roster_value_naming_a_pool_becomes_a_membership_and_unknown_is_refused(county):
    from cadres.people.services import RosterRejected, roster_import
    from cadres.people.tests.factories import id_number, roster_row, roster_xlsx

    pool = _pool("正科级后备干部")
    number = id_number("1985.03")
    content = roster_xlsx([roster_row(身份证号=number, 出生年月="1985.03", 后备干部="正科级后备干部"),
                           roster_row(姓名="李四", 身份证号=id_number("1986.04", serial=20), 出生年月="1986.04")])
    roster_import(actor=None, content=content, file_name="a.xlsx")
    person = Person.objects.get(id_number=number)
    assert person.reserve_pool == "正科级后备干部"
    member = ReserveMember.objects.get(person=person)
    assert (member.pool, member.source, member.status) == (pool, ReserveSource.ROSTER, ReserveStatus.ACTIVE)
    assert ReserveMember.objects.count() == 1
    # again: keeps the membership, no second one; a blank value leaves it
    roster_import(actor=None, content=content, file_name="a.xlsx")
    blank = roster_xlsx([roster_row(身份证号=number, 出生年月="1985.03", 后备干部="")])
    roster_import(actor=None, content=blank, file_name="b.xlsx")
    assert ReserveMember.objects.filter(status=ReserveStatus.ACTIVE).count() == 1
    assert Person.objects.get(pk=person.pk).reserve_pool == "正科级后备干部"
    unknown = roster_xlsx([roster_row(身份证号=number, 出生年月="1985.03", 后备干部="处级后备")])
    with pytest.raises(RosterRejected) as refused:
        roster_import(actor=None, content=unknown, file_name="c.xlsx")
    assert [str(e) for e in refused.value.errors] == ["第2行 后备干部 “处级后备” 不是已建立的后备干部库"]


def test_a_clerk_cannot_put_someone_into_a_pool_by_import(county):
    from cadres.accounts.testing import user_with_role
    from cadres.people.services import RosterRejected, roster_import
    from cadres.people.tests.factories import id_number, roster_row, roster_xlsx

    _pool("正科级后备干部")
    clerk = user_with_role("unit_clerk", maintained=[county["top"]])
    number = id_number("1985.03")
    east = county["east"].path
    roster_import(actor=clerk, content=roster_xlsx([roster_row(身份证号=number, 出生年月="1985.03", 单位=east)]),
                  file_name="a.xlsx")
    naming = roster_xlsx([roster_row(身份证号=number, 出生年月="1985.03", 单位=east, 后备干部="正科级后备干部")])

    with pytest.raises(RosterRejected) as refused:
        roster_import(actor=clerk, content=naming, file_name="b.xlsx")

    assert "后备干部：您没有列入后备干部的权限（张三）" in str(refused.value.errors[0])
    assert not ReserveMember.objects.exists()
    assert Person.objects.get(id_number=number).reserve_pool == ""


# --- scope ----------------------------------------------------------------------------------------


def test_scope_refuses_people_and_pools_outside(county, water_officer, client, make_person):
    east_pool = _pool("东坑镇后备", unit=county["east"])
    water_pool = services.pool_create(actor=water_officer, name="水利局后备", unit=county["water"])
    east_person = make_person(unit="east")
    with pytest.raises(PermissionDenied):
        services.member_add(actor=water_officer, pool=water_pool, person=east_person, source=ORG, nominated_on=ON)
    with pytest.raises(PermissionDenied):
        services.member_add(actor=water_officer, pool=east_pool, person=make_person(), source=ORG, nominated_on=ON)
    with pytest.raises(PermissionDenied):
        services.pool_create(actor=water_officer, name="全县后备")
    sign_in(client, water_officer)
    assert client.get(reverse("reserves:pool", args=[east_pool.pk])).status_code == 404
    assert client.get(reverse("reserves:pool", args=[water_pool.pk])).status_code == 200
    assert client.get(reverse("reserves:member_add", args=[east_pool.pk])).status_code == 404
    member = _add(east_pool, east_person)
    assert client.get(reverse("reserves:member_remove", args=[member.pk])).status_code == 404
    assert client.get(reverse("reserves:training_create", args=[east_person.pk])).status_code == 404


def test_without_the_codes_403(client, county):
    from cadres.accounts.testing import user_with_role

    clerk = user_with_role("unit_clerk", maintained=[county["water"]])
    sign_in(client, clerk)
    assert client.get(reverse("reserves:pool_list")).status_code == 403
    assert client.get(reverse("reserves:matching")).status_code == 403


def test_remove_page_needs_a_reason(client, officer, make_person):
    member = _add(_pool(), make_person())
    sign_in(client, officer)
    url = reverse("reserves:member_remove", args=[member.pk])
    response = client.post(url, {"left_on": "2026-06-30", "reason": ""})
    assert response.status_code == 200 and "请填写出库原因" in response.content.decode()
    assert client.post(url, {"left_on": "2026-06-30", "reason": "调离"}).status_code == 302
    assert ReserveMember.objects.get(pk=member.pk).status == ReserveStatus.REMOVED


# --- training -------------------------------------------------------------------------------------


def test_training_create_update_delete_audited_on_the_person(officer, water_officer, make_person):
    person = make_person()
    row = training.training_create(actor=officer, person=person, name="中青年干部培训班", organizer="县委党校",
                                   started_on=dt.date(2025, 3, 1), ended_on=dt.date(2025, 3, 31), hours=120)
    training.training_update(actor=officer, training=row, hours=110)
    assert Training.objects.get(pk=row.pk).hours == 110
    with pytest.raises(ValidationError):
        training.training_update(actor=officer, training=row, ended_on=dt.date(2025, 2, 1))
    east = make_person(unit="east")
    with pytest.raises(PermissionDenied):
        training.training_create(actor=water_officer, person=east, name="x", started_on=ON, ended_on=ON, hours=1)
    training.training_delete(actor=officer, training=row)
    actions = list(AuditEvent.objects.filter(subject_id=str(person.pk), action__startswith="training.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["training.created", "training.updated", "training.deleted"]


# --- matching -------------------------------------------------------------------------------------


def test_matching_ranks_reserves_for_a_gap(county, officer, make_person):
    pool = _pool("副科级后备", rank="0142", unit=county["top"])
    # the east township's team: one principal, no deputies (3 approved)
    person_in(county["east"], "镇长", post_title="镇长", rank="0141", is_team_member=True,
              birth_date=dt.date(1975, 1, 1))
    strong = make_person(age=36, name="强")
    weak = make_person(age=36, name="弱")
    old = make_person(age=59, name="老")
    for person in (strong, weak, old):
        _add(pool, person)
    AnnualAssessment.objects.create(person=strong, year=2025, grade="excellent")
    AnnualAssessment.objects.create(person=weak, year=2025, grade="competent")
    openings = matching(actor=officer, on=ON)
    gap = next(o for o in openings if o.unit == county["east"] and o.title == "副职")
    assert gap.rank == "0142"
    names = [c.person.name for c in gap.candidates]
    assert names[:2] == ["强", "弱"]
    assert gap.candidates[0].after["total"] == 2



def test_matching_reads_the_reserves_once_whatever_their_number(county, officer, make_person):
    # given: a county-wide pool and two teams with vacant deputy posts (two openings)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pool = _pool("副科级后备", rank="0142")
    person_in(county["east"], "镇长", post_title="镇长", rank="0141", is_team_member=True,
              birth_date=dt.date(1975, 1, 1))
    person_in(county["water"], "局长", post_title="局长", rank="0141", is_team_member=True,
              birth_date=dt.date(1975, 1, 1))

    def queries_with(reserves: int) -> tuple[int, int]:
        for _ in range(reserves):
            person = make_person(age=36, post_started_on=dt.date(2019, 1, 1))
            _add(pool, person)
            AnnualAssessment.objects.create(person=person, year=2025, grade="competent")
        matching(actor=officer, on=ON)  # (the rules and codes read once a process)
        with CaptureQueriesContext(connection) as queries:
            openings = matching(actor=officer, on=ON)
        return len(queries), sum(len(opening.candidates) for opening in openings)

    # when: matched with six reserves, then with twelve
    few, shown_few = queries_with(6)
    many, shown_many = queries_with(6)

    # then: the first five of each opening shown both times, by as many queries (none a reserve)
    assert shown_few == shown_many == 2 * 5
    assert many == few


def test_ranks_since_from_the_field_else_the_earliest_post_at_the_rank_else_the_post(county):
    from cadres.cases.rules import rank_since, ranks_since
    from cadres.org import services as org_services
    from cadres.org.models import PostSource

    dated = person_in(county["east"], "有任职级时间", rank="0142", rank_started_on=dt.date(2016, 5, 1),
                      post_started_on=dt.date(2020, 1, 1))
    moved = person_in(county["east"], "同级调任", rank="0142", post_started_on=dt.date(2015, 3, 1))
    org_services.post_start(actor=None, person=moved, unit=county["water"], title="副局长", rank="0142",
                            started_on=dt.date(2021, 7, 1), source=PostSource.FORM)
    moved.refresh_from_db()
    undated = person_in(county["east"], "无任职时间", rank="0142", post_started_on=None)

    found = ranks_since([dated, moved, undated])

    assert found == {dated.pk: dt.date(2016, 5, 1), moved.pk: dt.date(2015, 3, 1), undated.pk: None}
    assert all(rank_since(person) == found[person.pk] for person in (dated, moved, undated))


def test_pool_pages_add_review_and_targets_in_the_client(client, officer, make_person):
    pool = _pool("副科级后备干部", posts=2)
    person = make_person(name="周明")
    sign_in(client, officer)
    page = client.get(reverse("reserves:member_add", args=[pool.pk]), {"q": "周"}).content.decode()
    assert "周明" in page
    response = client.post(reverse("reserves:member_add", args=[pool.pk]), {
        "person": person.pk, "source": "recommendation", "nominated_on": "2026-01-10", "document": "青组〔2026〕1号"})
    assert response.status_code == 302
    member = ReserveMember.objects.get(pool=pool, person=person)
    assert (member.source, member.nominated_on) == ("recommendation", dt.date(2026, 1, 10))
    detail = client.get(reverse("reserves:pool", args=[pool.pk])).content.decode()
    assert "周明" in detail and "民主推荐" in detail and "2026.01.10" in detail
    assert client.post(reverse("reserves:member_review", args=[member.pk]),
                       {"reviewed_on": "2026-06-01", "outcome": "继续保留"}).status_code == 302
    assert "2026.06.01" in client.get(reverse("reserves:pool", args=[pool.pk])).content.decode()
    data = {"targets-TOTAL_FORMS": "2", "targets-INITIAL_FORMS": "0", "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "1000",
            "targets-0-measure": "age_at_most", "targets-0-age": "40", "targets-0-threshold": "50",
            "targets-1-measure": "women", "targets-1-age": "", "targets-1-threshold": "-5"}
    refused = client.post(reverse("reserves:targets_edit", args=[pool.pk]), data)
    assert refused.status_code == 200 and pool.targets.count() == 5
    data["targets-1-threshold"] = "25"
    assert client.post(reverse("reserves:targets_edit", args=[pool.pk]), data).status_code == 302
    assert [(t.measure, t.age, t.threshold) for t in pool.targets.all()] == [
        ("age_at_most", 40, Decimal("50.00")), ("women", None, Decimal("25.00"))]
    trainings = client.get(reverse("reserves:training_list", args=[person.pk]))
    assert trainings.status_code == 200 and "尚无培训记录" in trainings.content.decode()


def test_the_card_shows_trainings_and_pools(client, county, officer):
    import datetime as dt

    from django.urls import reverse

    from cadres.accounts.testing import person_in, sign_in
    from cadres.reserves import services, training
    from cadres.reserves.models import ReservePool

    person = person_in(county["east"], "许培训", post_title="副镇长", rank="0142", is_team_member=True)
    pool = ReservePool.objects.create(name="正科级后备干部", rank="0141")
    services.member_add(actor=officer, pool=pool, person=person, source="organization",
                        nominated_on=dt.date(2025, 3, 1))
    training.training_create(actor=officer, person=person, name="中青年干部培训班", organizer="县委党校",
                             started_on=dt.date(2025, 9, 1), ended_on=dt.date(2025, 9, 30), hours=120,
                             is_full_time=True)
    sign_in(client, officer)
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "中青年干部培训班" in page and ">120<" in page
    assert "正科级后备干部" in page and "2025.03.01入库" in page


def test_the_unused_list_shows_only_people_the_user_may_see(client, county, officer, water_officer, make_person):
    import datetime as dt

    from django.urls import reverse

    from cadres.accounts.testing import sign_in
    from cadres.reserves import services
    from cadres.reserves.models import ReservePool

    # given: a county-wide pool holding a township cadre unused since 2020
    pool = ReservePool.objects.create(name="县管后备干部", unused_years=3)
    hidden = make_person(unit="east", name="东坑甲")
    services.member_add(actor=officer, pool=pool, person=hidden, source="organization",
                        nominated_on=dt.date(2020, 3, 1))
    # when: an officer of the water bureau reads the pools
    sign_in(client, water_officer)
    page = client.get(reverse("reserves:pool_list"), {"on": "2026-06-30"}).content.decode()
    # then: the pool's figures, not the township's person
    assert "县管后备干部" in page and "东坑甲" not in page
    sign_in(client, officer)
    assert "东坑甲" in client.get(reverse("reserves:pool_list"), {"on": "2026-06-30"}).content.decode()
