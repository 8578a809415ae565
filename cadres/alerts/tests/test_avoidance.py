"""任职回避 and 地域回避 in bulk (cadres.alerts.avoidance), at their boundaries."""

import datetime as dt

import pytest

from cadres.alerts.avoidance import avoidance_findings
from cadres.alerts.tests.fixtures_exchange import ON, county, member, relative
from cadres.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return county()


def _keys(findings):
    return sorted(finding.key for finding in findings)


@pytest.mark.parametrize("relation", ["妻子", "父亲", "女儿", "外孙", "哥哥", "表妹", "外甥", "岳父", "儿媳"])
def test_each_kinship_class_in_the_same_team_is_a_conflict(units, relation):
    # given: two deputies of one township, one recording the other as his relative
    a = member(units["east"], "李明")
    b = member(units["east"], "李华", birth_date=dt.date(1985, 3, 12))
    relative(a, relation, b)
    # when
    findings = avoidance_findings(Person.objects.all(), ON)
    # then
    assert _keys(findings) == [f"avoidance:{min(a.pk, b.pk)}:{max(a.pk, b.pk)}"]
    assert f"与其{relation}李华" in findings[0].message and "同一班子" in findings[0].message
    assert findings[0].rule_code == "avoidance"


@pytest.mark.parametrize("relation", ["同学", "朋友", "表舅妈", "连襟"])
def test_a_relation_the_rule_does_not_list_does_not_fire(units, relation):
    a = member(units["east"], "李明")
    b = member(units["east"], "李华")
    relative(a, relation, b)
    assert avoidance_findings(Person.objects.all(), ON) == []


def test_relatives_matched_by_id_number_and_not_by_a_namesake_of_another_month(units):
    a = member(units["east"], "李明", id_number="")
    b = member(units["east"], "王芳", sex="2", id_number="33010219850312002X", birth_date=dt.date(1985, 3, 12))
    # a namesake born another month in the same team is not the relative
    member(units["east"], "王芳", sex="2", birth_date=dt.date(1986, 4, 1))
    relative(a, "配偶", b, by_id=True)
    findings = avoidance_findings(Person.objects.all(), ON)
    assert _keys(findings) == [f"avoidance:{min(a.pk, b.pk)}:{max(a.pk, b.pk)}"]


def test_same_team_chain_and_sensitive_office_are_told_apart(units):
    # same team: both team members of the finance bureau
    head = member(units["finance"], "周局", "局长", rank="0141")
    deputy = member(units["finance"], "周副", "副局长")
    relative(head, "弟弟", deputy)
    # sensitive: a clerk in the bureau's finance office (财务股) under his father, a bureau deputy
    clerk = member(units["accounts"], "陈会计", "科员", rank="0150", team=False)
    father = member(units["finance"], "陈副", "副局长", birth_date=dt.date(1960, 2, 1))
    relative(clerk, "父亲", father)
    # chain: a township office clerk whose mother is on the township's team
    staff = member(units["east_office"], "吴干事", "科员", rank="0150", team=False)
    mother = member(units["east"], "吴镇", "党委副书记", sex="2", birth_date=dt.date(1962, 8, 1))
    relative(staff, "母亲", mother)
    # no conflict: two cousins each on another township's team (no chain between them)
    west = member(units["west"], "郑西", birth_date=dt.date(1979, 1, 1))
    east = member(units["east"], "郑东", birth_date=dt.date(1981, 1, 1))
    relative(west, "堂兄", east)

    findings = {finding.person_id: finding.message for finding in avoidance_findings(Person.objects.all(), ON)}

    assert set(findings) == {head.pk, clerk.pk, staff.pk}
    assert "（同一班子" in findings[head.pk]
    assert "（敏感岗位" in findings[clerk.pk] and "财务" in findings[clerk.pk]
    assert "（直接上下级" in findings[staff.pk]


def test_a_team_member_and_a_non_member_of_another_township_do_not_conflict(units):
    staff = member(units["west"], "吴干事", "科员", rank="0150", team=False)
    mother = member(units["east"], "吴镇", "党委副书记", sex="2", birth_date=dt.date(1962, 8, 1))
    relative(staff, "母亲", mother)
    assert avoidance_findings(Person.objects.all(), ON) == []


def test_the_scope_keeps_pairs_touching_it(units):
    a = member(units["east"], "李明")
    b = member(units["east"], "李华", birth_date=dt.date(1985, 3, 12))
    c = member(units["west"], "赵强")
    relative(b, "哥哥", a)
    assert [f.person_id for f in avoidance_findings(Person.objects.filter(pk=a.pk), ON)] == [a.pk]
    assert avoidance_findings(Person.objects.filter(pk=c.pk), ON) == []
    # the post held on the date counts: before both joined the team there is nothing
    assert avoidance_findings(Person.objects.all(), dt.date(2019, 12, 31)) == []


def test_regional_avoidance_for_a_county_head_from_the_county(units):
    # given: the police chief born in 青岚, a deputy born there, and a chief from elsewhere
    chief = member(units["police"], "孙局", "局长", rank="0131", native_place="浙江青岚")
    member(units["police"], "钱副", "副局长", rank="0132", native_place="浙江青岚")
    head = member(units["org"], "何部", "部长", rank="0131", native_place="浙江临安", birthplace="青岚县东坑镇")
    member(units["finance"], "冯局", "局长", rank="0141", native_place="浙江青岚")  # 财政局: not listed
    member(units["east"], "蒋镇", "镇长", rank="0141", native_place="浙江青岚")  # a township: not county level
    # a township's own 纪委书记 heads no county organ, though his title names 纪委
    member(units["east"], "韩纪", "党委委员、纪委书记", rank="0142", native_place="浙江青岚")
    # when
    findings = [f for f in avoidance_findings(Person.objects.all(), ON) if f.rule_code == "regional_avoidance"]
    # then
    assert sorted(f.person_id for f in findings) == sorted([chief.pk, head.pk])
    by_person = {f.person_id: f.message for f in findings}
    assert "籍贯为浙江青岚" in by_person[chief.pk]
    assert "出生地为青岚县东坑镇" in by_person[head.pk]


def test_the_overrides_give_a_hypothetical_post(units):
    from cadres.alerts.avoidance import Post

    a = member(units["east"], "李明")
    b = member(units["west"], "李华", birth_date=dt.date(1985, 3, 12))
    relative(a, "妹妹", b)
    assert avoidance_findings([a.pk], ON) == []
    moved = {b.pk: Post(b.pk, units["east"].pk, "副镇长", "0142", True)}
    assert len(avoidance_findings([b.pk], ON, overrides=moved)) == 1


def test_two_staff_of_one_office_conflict_and_of_two_offices_do_not(units):
    # given: husband and wife both clerks of the township's 党政办; brothers in two units
    a = member(units["east_office"], "陈一", "科员", rank="0150", team=False)
    b = member(units["east_office"], "刘二", "科员", rank="0150", team=False, sex="2",
               birth_date=dt.date(1983, 2, 1))
    relative(a, "妻子", b)
    c = member(units["east_office"], "陈三", "科员", rank="0150", team=False, birth_date=dt.date(1982, 2, 1))
    d = member(units["accounts"], "陈四", "科员", rank="0150", team=False, birth_date=dt.date(1984, 2, 1))
    relative(c, "弟弟", d)
    # when
    findings = avoidance_findings(Person.objects.all(), ON)
    # then
    assert [f.person_id for f in findings] == [a.pk]
    assert "同在党政办任职，直接隶属于同一领导人员" in findings[0].message


def test_the_relation_and_the_relative_are_shown_only_to_those_who_may_see_family_data(units):
    from cadres.accounts.testing import user_with_role
    from cadres.alerts.warnings import AVOIDANCE, warnings_for

    a = member(units["east"], "李明")
    b = member(units["east"], "李华", birth_date=dt.date(1985, 3, 12))
    relative(a, "妹妹", b)
    officer = user_with_role("cadre_office", managed=[units["top"]])
    leader = user_with_role("leader", managed=[units["top"]])

    seen = warnings_for(actor=officer, on=ON, kinds=[AVOIDANCE])
    assert len(seen) == 1 and "妹妹" in seen[0].message
    masked = warnings_for(actor=leader, on=ON, kinds=[AVOIDANCE])
    assert len(masked) == 1 and "妹妹" not in masked[0].message and "李华" not in masked[0].message
    assert "任职回避情形" in masked[0].message


# --- 第四条: a relative's business in an industry the unit regulates ---------------------------


def _business(of, relation, industry, *, business="青岚建工有限公司", deceased=False):
    from cadres.people.models import Relative

    return Relative.objects.create(person=of, relation=relation, name="王某", business=business,
                                   business_industry=industry, is_deceased=deceased)


def _regulating(unit, industries):
    from cadres.org import services as org_services

    org_services.unit_industries_set(actor=None, unit=unit, industries=industries,
                                     changed_on=dt.date(2024, 1, 1))
    unit.refresh_from_db()


@pytest.mark.parametrize("relation", ["妻子", "丈夫", "儿子", "女儿", "儿媳", "女婿"])
def test_a_leader_whose_spouse_or_child_runs_a_business_his_unit_regulates_is_warned(units, relation):
    # given: the finance bureau regulates 建筑业 and 房地产业; its deputy's relative runs a builder
    _regulating(units["finance"], ["E", "K"])
    deputy = member(units["finance"], "周副", "副局长")
    _business(deputy, relation, "E")

    # when
    findings = avoidance_findings(Person.objects.all(), ON)

    # then: one finding citing 第四条's rule, naming the business and its industry
    assert _keys(findings) == [f"business:{deputy.pk}:{units['finance'].pk}"]
    assert findings[0].rule_code == "business_avoidance"
    assert f"其{relation}王某经商办企业（青岚建工有限公司，建筑业）" in findings[0].message
    assert "县财政局主管或监管的行业" in findings[0].message


def test_no_business_warning_outside_the_rule(units):
    _regulating(units["finance"], ["E"])
    deputy = member(units["finance"], "周副", "副局长")
    _business(deputy, "哥哥", "E")  # a relation the rule does not list
    _business(deputy, "妻子", "K")  # an industry the bureau does not regulate
    _business(deputy, "女儿", "E", deceased=True)
    clerk = member(units["finance"], "周员", "科员", rank="0150", team=False)
    _business(clerk, "妻子", "E")  # not a leader of the bureau
    other = member(units["east"], "李明")
    _business(other, "妻子", "E")  # a leader of a unit that does not regulate it

    assert avoidance_findings(Person.objects.all(), ON) == []


def test_the_business_is_shown_only_to_those_who_may_see_family_data(units):
    from cadres.accounts.testing import user_with_role
    from cadres.alerts.warnings import AVOIDANCE, warnings_for

    _regulating(units["finance"], ["E"])
    _business(member(units["finance"], "周副", "副局长"), "妻子", "E")
    officer = user_with_role("cadre_office", managed=[units["top"]])
    leader = user_with_role("leader", managed=[units["top"]])

    seen = warnings_for(actor=officer, on=ON, kinds=[AVOIDANCE])
    masked = warnings_for(actor=leader, on=ON, kinds=[AVOIDANCE])

    assert len(seen) == 1 and "青岚建工有限公司" in seen[0].message
    assert len(masked) == 1 and "青岚建工" not in masked[0].message and "王某" not in masked[0].message
    assert masked[0].message.startswith("周副任县财政局副局长") and "任职回避情形" in masked[0].message


def test_a_nominee_to_a_unit_regulating_his_wifes_business_fails_the_avoidance_check(units):
    from cadres.cases.rules import FAIL, avoidance_conflicts

    _regulating(units["finance"], ["E"])
    nominee = member(units["east"], "李明")
    _business(nominee, "妻子", "E")

    to_finance = avoidance_conflicts(nominee, units["finance"], ON, title="副局长")
    to_police = avoidance_conflicts(nominee, units["police"], ON, title="副局长")

    assert [(result.code, result.outcome) for result in to_finance] == [("business_avoidance", FAIL)]
    assert "李明拟任县财政局副局长，其妻子王某经商办企业（青岚建工有限公司，建筑业）" in to_finance[0].message
    assert to_finance[0].name == "经商办企业回避"
    assert to_police == []
