import datetime as dt

import pytest

from cadres.analytics.selectors import (
    DEFAULT_AGE_BANDS,
    age_band_label,
    age_bands_from_cuts,
    percent,
    structure_report,
    unit_for_reference,
)
from cadres.analytics.tests.conftest import TOWNSHIP_AS_OF, import_rows, person_row
from cadres.org.models import Unit

AS_OF = dt.date(2010, 6, 30)


def _counts(figures):
    return {name: item["count"] for name, item in figures.items()}


def _report(actor, **options):
    options.setdefault("as_of", AS_OF)
    options.setdefault("unit", None)
    options.setdefault("team_members_only", False)
    return structure_report(actor=actor, **options)


def test_structure_report_gives_the_published_township_table(township, officer, expected):
    # given
    bands = age_bands_from_cuts([30, 40, 50])

    # when: over everyone, and over the city's subtree (a scoped query, counted another way)
    report = _report(officer, as_of=TOWNSHIP_AS_OF, age_bands=bands)
    city = _report(officer, as_of=TOWNSHIP_AS_OF, age_bands=bands, unit=Unit.objects.get(path="临江市"))

    # then
    assert city == report
    assert report["total"] == expected["total"] == 381
    assert list(_counts(report["age_bands"]).values()) == list(expected["age_bands"].values())
    assert _counts(report["age_bands"]) == {"30岁以下": 13, "31—40岁": 115, "41—50岁": 158, "51岁以上": 95}
    assert _counts(report["gender"]) == expected["gender"] == {"男": 328, "女": 53}
    # The published 党员 figure counts 中共党员 and 中共预备党员 together: 366 + 3.
    assert report["political_status"]["中共党员"]["count"] == 366
    assert report["political_status"]["中共预备党员"]["count"] == 3
    assert report["cpc_members"]["count"] == expected["cpc_members"] == 369
    assert report["non_party"] == {"count": 12, "percent": 3.15}
    assert _counts(report["rank_summary"]) == expected["rank"]
    assert _counts(report["rank"]) == {"副县级": 7, "正科级": 88, "副科级": 225, "科员": 50, "办事员": 11}
    # The published education is the highest education (最高学历), not the first.
    assert _counts(report["education_summary"]) == expected["education"]
    assert _counts(report["education"]) == {
        "研究生": 6, "大学本科": 133, "大学专科": 154, "中专": 56, "高中": 24, "初中": 8,
    }
    assert report["gender"]["女"] == {"count": 53, "percent": 13.91}


def test_structure_report_gives_every_other_figure_of_the_township(township, officer):
    # when
    report = _report(officer, as_of=TOWNSHIP_AS_OF)

    # then
    assert report["average_age"] == 44.12
    assert sum(report["age_histogram"].values()) == 381
    assert report["age_histogram"]["35"] == 8
    assert _counts(report["age_bands"]) == {
        "30岁以下": 13, "31—35岁": 55, "36—40岁": 60, "41—45岁": 87, "46—50岁": 71,
        "51—55岁": 45, "56岁以上": 50,
    }
    assert report["age_pyramid"]["男"][0] + report["age_pyramid"]["女"][0] == 13
    assert report["minority"] == {"count": 4, "percent": 1.05}
    assert _counts(report["ethnicity"]) == {"汉族": 377, "畲族": 4}
    assert report["bachelor_or_above"] == {"count": 139, "percent": 36.48}
    assert report["postgraduate_or_master"] == {"count": 6, "percent": 1.57}
    assert _counts(report["first_education"]) == {
        "研究生": 4, "大学本科": 58, "大学专科": 91, "中专": 144, "高中": 76, "初中": 8,
    }
    assert report["with_professional_title"] == {"count": 0, "percent": 0.0}
    assert report["professional_title"] == {}


def test_structure_report_of_a_town_counts_its_subtree_only(township, officer):
    # given
    town = Unit.objects.get(path="临江市/凤卧镇")

    # when
    everyone = _report(officer, as_of=TOWNSHIP_AS_OF, unit=town)
    team = _report(officer, as_of=TOWNSHIP_AS_OF, unit=town, team_members_only=True)

    # then
    assert everyone["total"] == town.people.count() == 27
    assert team["total"] == town.people.filter(is_team_member=True).count() == 25


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        pytest.param("1975.06", 35, id="birth_month_is_the_as_of_month_case"),
        pytest.param("1975.07", 34, id="birth_month_after_the_as_of_month_case"),
        pytest.param("1975.06.30", 35, id="birthday_on_the_as_of_date_case"),
        pytest.param("1974.07.01", 35, id="birthday_the_day_after_case"),
        pytest.param("1975.03", 35, id="dotted_month_case"),
        pytest.param("1975-03", 35, id="hyphenated_month_case"),
        pytest.param(dt.datetime(1975, 3, 1), 35, id="date_cell_case"),
        pytest.param("1975.03.12", 35, id="full_date_case"),
        pytest.param(dt.datetime(1975, 7, 12), 34, id="full_date_cell_case"),
    ],
)
def test_structure_report_ages_in_whole_years_at_the_as_of_date(officer, birth, age):
    # given
    import_rows(officer, [person_row(1, birth)])

    # when: over everyone, and over a unit (a scoped query, counted another way)
    report = _report(officer)
    scoped = _report(officer, unit=Unit.objects.get(path="平阳县"))

    # then
    assert report["age_histogram"] == scoped["age_histogram"] == {str(age): 1}
    assert report["average_age"] == scoped["average_age"] == age


def test_structure_report_puts_35_and_36_in_their_bands(officer):
    # given: 35 and 36 exactly at 2010-06-30, two of each
    import_rows(officer, [
        person_row(1, "1975.06"), person_row(2, "1975.06.30"),
        person_row(3, "1974.06"), person_row(4, "1974.06.30", "女"),
    ])

    # when
    default = _report(officer)
    custom = _report(officer, age_bands=age_bands_from_cuts([35]))
    scoped = _report(officer, unit=Unit.objects.get(path="平阳县"), age_bands=age_bands_from_cuts([35]))

    # then
    assert default["age_bands"]["31—35岁"] == {"count": 2, "percent": 50.0}
    assert default["age_bands"]["36—40岁"] == {"count": 2, "percent": 50.0}
    assert _counts(custom["age_bands"]) == {"35岁以下": 2, "36岁以上": 2}
    assert custom["age_pyramid"] == {"labels": ["35岁以下", "36岁以上"], "男": [2, 1], "女": [0, 1]}
    assert scoped["age_pyramid"] == custom["age_pyramid"]


def test_structure_report_counts_team_members_by_their_posts_dates(officer):
    # given: 1 joined the team in 2005, 2 joins after the as-of date, 3 left the team
    # in 2009 (a second import moves 3 to a post outside the team), 4 was never a member
    import_rows(officer, [
        person_row(1, "1970.01", 任现职时间="2005.01"),
        person_row(2, "1971.01", 任现职时间="2011.03"),
        person_row(3, "1972.01", 任现职时间="2004.05"),
        person_row(4, "1973.01", 是否班子成员="否", 任现职时间="2003.01"),
    ])
    import_rows(officer, [person_row(3, "1972.01", 是否班子成员="否", 职务="调研员", 任现职时间="2009.03")])

    # when
    at_2010 = _report(officer, team_members_only=True)
    at_2008 = _report(officer, as_of=dt.date(2008, 6, 30), team_members_only=True)
    at_2012 = _report(officer, as_of=dt.date(2012, 1, 1), team_members_only=True)
    left_that_day = _report(officer, as_of=dt.date(2009, 3, 1), team_members_only=True)
    everyone = _report(officer)

    # then
    assert at_2010["total"] == 1
    assert at_2010["age_histogram"] == {"40": 1}
    assert at_2008["total"] == 2
    assert at_2012["total"] == 2
    assert left_that_day["total"] == 1
    # 2 was not in post yet on 2010-06-30 (appointed 2011.03): only the other three count.
    assert everyone["total"] == 3


def test_structure_report_counts_non_party_minority_and_degrees(officer):
    # given
    import_rows(officer, [
        person_row(1, "1970.01", 政治面貌="中共预备党员", 民族="畲族",
                   全日制学历="大学本科", 全日制学位="学士", 在职学历="", 在职学位=""),
        person_row(2, "1970.01", 政治面貌="民盟盟员", 全日制学历="大学专科", 全日制学位="",
                   在职学历="大学本科", 在职学位="硕士", 专业技术职务="高级工程师"),
        person_row(3, "1970.01", 政治面貌="群众", 全日制学历="研究生", 全日制学位="",
                   在职学历="", 在职学位="", 专业技术职务="工程师"),
        person_row(4, "1970.01", 政治面貌="中共党员", 全日制学历="高中", 全日制学位="",
                   在职学历="大学专科", 在职学位="", 专业技术职务="工程师"),
    ])

    # when
    report = _report(officer)
    scoped = _report(officer, unit=Unit.objects.get(path="平阳县"))

    # then
    assert scoped == report
    assert report["non_party"] == {"count": 2, "percent": 50.0}
    assert report["cpc_members"] == {"count": 2, "percent": 50.0}
    assert report["minority"] == {"count": 1, "percent": 25.0}
    assert _counts(report["education"]) == {"研究生": 1, "大学本科": 2, "大学专科": 1}
    assert _counts(report["first_education"]) == {"研究生": 1, "大学本科": 1, "大学专科": 1, "高中": 1}
    assert report["bachelor_or_above"] == {"count": 3, "percent": 75.0}
    assert report["postgraduate_or_master"] == {"count": 2, "percent": 50.0}
    assert _counts(report["professional_title"]) == {"工程师": 2, "高级工程师": 1}
    assert report["with_professional_title"] == {"count": 3, "percent": 75.0}


def test_structure_report_of_an_empty_scope_is_zero(officer):
    # when
    report = _report(officer)

    # then
    assert report["total"] == 0
    assert report["average_age"] == 0.0
    assert report["gender"]["男"] == {"count": 0, "percent": 0.0}


def test_structure_report_shows_nothing_to_an_anonymous_actor(township):
    # when
    report = _report(None)

    # then
    assert report["total"] == 0


def test_age_bands_follow_the_yixia_yishang_convention():
    # when
    bands = age_bands_from_cuts([30, 35, 40, 45, 50, 55])

    # then
    assert bands == DEFAULT_AGE_BANDS
    assert [age_band_label(band) for band in bands] == [
        "30岁以下", "31—35岁", "36—40岁", "41—45岁", "46—50岁", "51—55岁", "56岁以上",
    ]


def test_percent_rounds_half_up_to_two_decimals():
    # then
    assert percent(1, 8) == 12.5
    assert percent(313, 477) == 65.62
    assert percent(1, 3) == 33.33
    assert percent(2, 3) == 66.67
    assert percent(0, 0) == 0.0


def test_unit_for_reference_takes_a_path_or_a_unique_name(township, officer):
    # then
    assert unit_for_reference(actor=officer, reference="临江市/凤卧镇").name == "凤卧镇"
    assert unit_for_reference(actor=officer, reference="凤卧镇").path == "临江市/凤卧镇"
    with pytest.raises(LookupError):
        unit_for_reference(actor=officer, reference="不存在镇")
