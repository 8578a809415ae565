from cadres.analytics.selectors import age_bands_from_cuts, structure_report
from cadres.analytics.tests.conftest import TOWNSHIP_AS_OF


def test_structure_report_gives_the_published_township_table(township, officer, expected):
    # given
    bands = age_bands_from_cuts([30, 40, 50])

    # when
    report = structure_report(
        actor=officer, as_of=TOWNSHIP_AS_OF, unit=None, team_members_only=False, age_bands=bands
    )

    # then
    print(report)
    assert report["total"] == expected["total"] == 381
    assert {k: v["count"] for k, v in report["age_bands"].items()} == {
        "30岁以下": 13, "31-40岁": 115, "41-50岁": 158, "51岁以上": 95,
    }
