"""The audit record in words (cadres.audit.presentation)."""

import datetime as dt

import pytest

from cadres.accounts.models import Role
from cadres.accounts.testing import ensure_default_roles, person_in, unit_tree
from cadres.audit.models import AuditAction, AuditEvent
from cadres.audit.presentation import describe_events
from cadres.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return unit_tree()


def _text(event: AuditEvent, **options) -> str:
    return describe_events([event], **options)[0].text


def test_a_person_diff_reads_in_words(units):
    # given
    person = person_in(units["east"], "王五")
    event = record(actor=None, action=AuditAction.PERSON_UPDATED, target=person, changes={
        "rank": ["0142", "0141"],
        "political_status": ["13", "01"],
        "ethnicity": ["01", "03"],
        "full_time_education": ["", "20"],
        "unit_id": [units["east"].pk, units["west"].pk],
        "is_team_member": [False, True],
        "birth_date": [dt.date(1975, 3, 1), dt.date(1975, 4, 1)],
        "post_started_on": [None, "2021-09-01"],
        "sex": ["1", "2"],
    })
    # when
    text = _text(event)
    # then
    assert text == (
        "性别：男 → 女；民族：汉族 → 回族；出生年月：1975.03 → 1975.04；"
        "政治面貌：群众 → 中共党员；全日制学历：（空） → 大学本科；单位：某县/东镇 → 某县/西镇；"
        "职务层次：副科级 → 正科级；班子成员：否 → 是；任现职时间：（空） → 2021.09"
    )


def test_a_unit_diff_and_a_unit_id_that_no_longer_exists(units):
    # given
    event = record(actor=None, action=AuditAction.UNIT_UPDATED, target=units["east"],
                   changes={"authorized_staffing": [10, 12], "parent": [999999, units["county"].pk]})
    # when
    text = _text(event)
    # then
    assert text == "上级单位：999999 → 某县；核定编制：10 → 12"


def test_user_and_grant_changes_read_in_words(units, django_user_model):
    # given
    ensure_default_roles()
    user = django_user_model.objects.create_user(username="li", password="x")
    person = person_in(units["east"], "李四")
    updated = record(actor=None, action=AuditAction.USER_UPDATED, target=user, changes={
        "full_name": {"old": "", "new": "李四"}, "is_active": {"old": True, "new": False},
        "person_id": {"old": None, "new": person.pk},
    })
    role_code = Role.objects.order_by("pk").values_list("code", flat=True).first()
    role_name = Role.objects.get(code=role_code).name
    granted = record(actor=None, action=AuditAction.GRANT_UPDATED, target=user, changes={
        "grant_id": 7,
        "old": {"user": "li", "role": role_code, "managed_units": ["某县/东镇"],
                "maintained_units": [], "expires_on": None, "note": ""},
        "new": {"user": "li", "role": role_code, "managed_units": ["某县/东镇", "某县/西镇"],
                "maintained_units": [], "expires_on": "2027-06-30", "note": ""},
    })
    # when
    user_text, grant_text = (entry.text for entry in describe_events([updated, granted]))
    # then
    assert user_text == "有效：是 → 否；姓名：（空） → 李四；本人干部档案：（空） → 李四"
    assert grant_text.startswith("授权编号：7；")
    assert "某县/东镇 → 某县/东镇、某县/西镇" in grant_text
    assert "有效期至：（空） → 2027.06.30" in grant_text
    assert role_code not in grant_text.replace(role_name, "")


def test_facts_and_filters_read_in_words():
    # given
    exported = record(actor=None, action=AuditAction.AUDIT_EXPORTED, changes={
        "count": 3, "filters": {"action": "unit.updated", "date_from": "2026-01-01"},
    })
    denied = record(actor=None, action=AuditAction.PERMISSION_DENIED, target_label="查阅审计记录",
                    changes={"path": "/audit/"})
    # when
    texts = [entry.text for entry in describe_events([exported, denied])]
    # then
    assert texts == ["条数：3；筛选条件：操作：修改单位；起始日期：2026-01-01",
                     "访问地址：/audit/"]


def test_an_unknown_key_and_value_show_as_written_without_python_literals():
    # given
    event = record(actor=None, action="procedures.case_advanced", changes={
        "step": "考察", "votes": {"yes": 5, "no": None}, "flags": [True, False],
    })
    # when
    entry = describe_events([event])[0]
    # then
    assert entry.action_label == "procedures.case_advanced"
    assert entry.text == "step：考察；votes：yes：5；no：（空）；flags：是、否"
    assert "{" not in entry.text and "None" not in entry.text


def test_names_are_looked_up_in_one_query_per_kind(units, django_assert_max_num_queries):
    # given
    people = [person_in(units["east"], f"人{i}") for i in range(20)]
    events = [record(actor=None, action=AuditAction.PERSON_UPDATED, target=person,
                     changes={"unit_id": [units["east"].pk, units["west"].pk]})
              for person in people]
    events = list(AuditEvent.objects.filter(pk__in=[event.pk for event in events]))
    # when / then
    with django_assert_max_num_queries(2):
        entries = describe_events(events)
    assert {entry.text for entry in entries} == {"单位：某县/东镇 → 某县/西镇"}


def test_a_creation_reads_as_its_values_and_a_document_shows_once_as_the_source(units):
    # given: what org.services.person_create and a post change write
    person = person_in(units["east"], "王五")
    created = record(actor=None, action=AuditAction.PERSON_CREATED, target=person, changes={
        "name": [None, "王五"], "unit": [None, "某县/东镇"], "title": [None, ""],
        "rank": [None, "0142"], "document": "", "source": "form",
    })
    moved = record(actor=None, action="post.started", subject=person, changes={
        "unit": ["某县/东镇", "某县/西镇"], "started_on": [None, "2025-07-01"],
        "document": "县委干〔2025〕3号", "source": "form",
    })
    filled = record(actor=None, action=AuditAction.PERSON_UPDATED, target=person, changes={
        "party_joined_on": [None, "2001-07-01"], "native_place": ["", "浙江平阳"],
    })
    # when
    created_entry, moved_entry, filled_entry = describe_events([created, moved, filled])
    # then
    assert created_entry.text == "姓名：王五；单位：某县/东镇；职务层次：副科级；来源：信息维护"
    assert moved_entry.text == "单位：某县/东镇 → 某县/西镇；任职时间：（空） → 2025.07；来源：信息维护"
    assert moved_entry.source == "文号：县委干〔2025〕3号"
    assert filled_entry.text == "籍贯：（空） → 浙江平阳；入党时间：（空） → 2001.07"


def test_a_count_named_like_a_reverse_relation_stays_a_count(units):
    # given: the demo's event counts people; Unit has a reverse relation named "people"
    person = person_in(units["east"], "张三")
    event = record(actor=None, action=AuditAction.DEMO_LOADED, target_label="演示数据",
                   changes={"people": person.pk, "units": 49})

    # when
    text = _text(event)

    # then
    assert f"人数：{person.pk}" in text
    assert "张三" not in text
