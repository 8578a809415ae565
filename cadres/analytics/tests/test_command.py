import io
import json

import pytest
from django.core.management import CommandError, call_command

ISSUE_KEYS = {
    "total", "average_age", "age_histogram", "gender", "ethnicity", "minority",
    "political_status", "non_party", "education", "bachelor_or_above",
    "postgraduate_or_master", "rank", "professional_title",
}


def _structure(*args):
    output = io.StringIO()
    call_command("structure", *args, stdout=output)
    return output.getvalue()


def test_structure_command_prints_the_published_township_table_as_json(township, expected):
    # when
    report = json.loads(_structure("--as-of", "2010-06-30", "--bands", "30,40,50", "--json"))

    # then
    assert ISSUE_KEYS <= set(report)
    assert report["total"] == expected["total"] == 381
    assert [item["count"] for item in report["age_bands"].values()] == [13, 115, 158, 95]
    assert {name: item["count"] for name, item in report["gender"].items()} == expected["gender"]
    assert report["cpc_members"]["count"] == expected["cpc_members"] == 369
    assert {name: item["count"] for name, item in report["rank_summary"].items()} == expected["rank"]
    assert {
        name: item["count"] for name, item in report["education_summary"].items()
    } == expected["education"]
    assert report["education"]["研究生"] == {"count": 6, "percent": 1.57}
    assert sum(report["age_histogram"].values()) == 381
    assert report["scope"] == "全部"


def test_structure_command_takes_a_unit_by_path_or_name(township):
    # when
    by_path = json.loads(_structure("--as-of", "2010-06-30", "--unit", "临江市/凤卧镇", "--json"))
    by_name = json.loads(_structure(
        "--as-of", "2010-06-30", "--unit", "凤卧镇", "--team-members-only", "--json"
    ))
    whole = json.loads(_structure("--as-of", "2010-06-30", "--unit", "临江市", "--json"))

    # then
    assert by_path["total"] == 27
    assert by_name["total"] == 25
    assert by_name["team_members_only"] is True
    assert whole["total"] == 381


def test_structure_command_prints_a_chinese_table(township):
    # when
    text = _structure("--as-of", "2010-06-30", "--bands", "30,40,50")

    # then
    assert "总人数：381" in text
    assert "平均年龄：44.12 岁" in text
    lines = [line.split() for line in text.splitlines()]
    assert ["30岁以下", "13", "3.41%"] in lines
    assert ["中共党员（含预备党员）", "369", "96.85%"] in lines
    assert ["科员及办事员", "61", "16.01%"] in lines


def test_structure_command_refuses_an_unknown_unit_and_bad_bands(township):
    # then
    with pytest.raises(CommandError, match="单位不存在"):
        _structure("--as-of", "2010-06-30", "--unit", "不存在镇")
    with pytest.raises(CommandError, match="年龄段"):
        _structure("--as-of", "2010-06-30", "--bands", "30,x")
